/**
 * A small network of Linux network namespaces for fault tests: one namespace per relay, each
 * with a veth pair into a hub namespace's bridge, and one veth from the test's own namespace
 * into the bridge so the test reaches every relay. `cut(i)` takes relay i's bridge port down
 * (a partition: it reaches nobody and nobody reaches it); `heal(i)` brings it back. With
 * `ownBlocks` each relay is in an address block (`/24`) of its own, and the test's own peers
 * in another. Needs root
 * and iproute2; `netnsUnavailable()` says why not. Everything is removed by `remove()`, and by
 * process exit when a test failed before it.
 * @module
 */
import { spawnSync } from 'node:child_process'

/**
 * The subnet of the test network: a `/24` whose relay i is `.i`, or with `ownBlocks` a `/16`
 * whose relay i is `10.213.i.1`, each relay then in an address block (`/24`) of its own. The
 * test's own address is `10.213.0.254` either way.
 */
const SUBNET = '10.213.0'
/** The test's own address on the bridge. */
const TEST_HOST = 254
/** Prefix of every namespace and interface this suite creates. */
const PREFIX = 'anf'

/** Runs `ip` with `args`; throws with its stderr when it fails. */
function ip(...args: string[]): string {
  const result = spawnSync('ip', args, { encoding: 'utf8' })
  if (result.error) throw result.error
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr.trim()}`)
  return result.stdout
}

/** Why namespaces cannot be used here (not root, no iproute2, no bridge); undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces exist only on Linux'
  if (process.getuid?.() !== 0) return 'network namespaces need root'
  const probe = `${PREFIX}-probe-${process.pid}`
  try {
    ip('netns', 'add', probe)
    ip('-n', probe, 'link', 'add', 'br0', 'type', 'bridge')
    return undefined
  } catch (err) {
    return `cannot create a network namespace with a bridge: ${(err as Error).message}`
  } finally {
    spawnSync('ip', ['netns', 'del', probe])
  }
}

/** Options of a testbed. */
export interface NetnsOptions {
  /** Each relay in an address block (`/24`) of its own: `10.213.i.1` on a `/16`. */
  ownBlocks?: boolean
}

/** Namespaces, one per relay, joined by a bridge. */
export class NetnsTestbed {
  readonly size: number
  private readonly ownBlocks: boolean
  private readonly hub: string
  private readonly tag: string
  private removed = false
  private readonly onExit = (): void => this.remove()

  /** Creates `size` relay namespaces (needs root; see `netnsUnavailable`). */
  constructor(size: number, options: NetnsOptions = {}) {
    this.size = size
    this.ownBlocks = options.ownBlocks === true
    const bits = this.ownBlocks ? 16 : 24
    this.tag = `${PREFIX}${process.pid % 100_000}`
    this.hub = `${this.tag}-hub`
    process.on('exit', this.onExit)
    try {
      ip('netns', 'add', this.hub)
      ip('-n', this.hub, 'link', 'add', 'br0', 'type', 'bridge')
      ip('-n', this.hub, 'link', 'set', 'br0', 'up')
      for (let i = 1; i <= size; i++) {
        const ns = this.namespace(i)
        const inner = `${this.tag}-a${i}`
        ip('netns', 'add', ns)
        ip('link', 'add', inner, 'type', 'veth', 'peer', 'name', `b${i}`, 'netns', this.hub)
        ip('link', 'set', inner, 'netns', ns)
        ip('-n', ns, 'addr', 'add', `${this.address(i)}/${bits}`, 'dev', inner)
        ip('-n', ns, 'link', 'set', inner, 'up')
        ip('-n', ns, 'link', 'set', 'lo', 'up')
        ip('-n', this.hub, 'link', 'set', `b${i}`, 'master', 'br0')
        ip('-n', this.hub, 'link', 'set', `b${i}`, 'up')
      }
      // The test's own way in; it goes away with the hub namespace.
      const own = `${this.tag}-t`
      ip('link', 'add', own, 'type', 'veth', 'peer', 'name', 'bt', 'netns', this.hub)
      ip('addr', 'add', `${this.testAddress}/${bits}`, 'dev', own)
      ip('link', 'set', own, 'up')
      ip('-n', this.hub, 'link', 'set', 'bt', 'master', 'br0')
      ip('-n', this.hub, 'link', 'set', 'bt', 'up')
    } catch (err) {
      this.remove()
      throw err
    }
  }

  /** The namespace of relay `i` (1-based). */
  namespace(i: number): string {
    return `${this.tag}-n${i}`
  }

  /** The address of relay `i`. */
  address(i: number): string {
    return this.ownBlocks ? `10.213.${i}.1` : `${SUBNET}.${i}`
  }

  /** The test's own address: its peers connect from it. */
  get testAddress(): string {
    return `${SUBNET}.${TEST_HOST}`
  }

  /**
   * Adds another address for the test's own peers, in address block (`/24`) `block` of its own
   * (with `ownBlocks`): `10.213.<block>.254`. Gone with the testbed.
   */
  addTestAddress(block: number): string {
    if (!this.ownBlocks) throw new Error('the test has other address blocks only with ownBlocks')
    const address = `10.213.${block}.${TEST_HOST}`
    ip('addr', 'add', `${address}/16`, 'dev', `${this.tag}-t`)
    return address
  }

  /** The command prefix that runs a program in relay `i`'s namespace. */
  exec(i: number): string[] {
    return ['ip', 'netns', 'exec', this.namespace(i)]
  }

  /** Cuts relay `i` off from everyone. */
  cut(i: number): void {
    ip('-n', this.hub, 'link', 'set', `b${i}`, 'down')
  }

  /** Joins relay `i` to the others again. */
  heal(i: number): void {
    ip('-n', this.hub, 'link', 'set', `b${i}`, 'up')
  }

  /** Deletes every namespace (and with them every interface) this testbed made. */
  remove(): void {
    if (this.removed) return
    this.removed = true
    process.off('exit', this.onExit)
    for (let i = 1; i <= this.size; i++) spawnSync('ip', ['netns', 'del', this.namespace(i)])
    spawnSync('ip', ['netns', 'del', this.hub])
  }
}
