/**
 * One soak client: a Node libp2p peer connected to its home relay over WebSockets, as a browser
 * connects, holding a circuit reservation there and doing what a visitor and a publisher do:
 * publish a name record through the DHT, resolve a name someone published, and fetch the
 * mirrored site's file (verified) from its home relay.
 * @module
 */
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { RECONNECT_MIN_MS } from '../../src/net/node/constants.ts'
import { equals } from '../../src/core/bytes.ts'
import { createRouteClient, fetchFile, fetchManifest } from '../../src/net/route/index.ts'
import type { RouteClient } from '../../src/net/route/index.ts'
import { bytesOf } from '../../test/net/hosting-support.ts'
import {
  createClient,
  dhtGet,
  waitForRoutingTable,
  type Client,
} from '../../test/relay/support/client.ts'
import { dhtKey, generateKeyPair, rootRecord } from '../../test/relay/support/records.ts'
import type { RelayProcess } from '../../test/relay/support/relay-process.ts'
import type { SoakSite } from './soak-network.ts'

/** Longest one operation (reservation, publish, resolve, fetch) may take, by default, before it counts as a `timeout` error. */
export const OP_TIMEOUT_MS = 15_000
/** The transport manager of a libp2p node (not in its public type), through which the browser asks for reservations. */
interface Components {
  transportManager: { listen(addrs: Multiaddr[]): Promise<void> }
}

/** What a client does. */
export type OpKind = 'reserve' | 'publish' | 'resolve' | 'fetch'

/** A failed operation's kind of failure: `timeout`, `no-peer`, `not-stored`, `not-found`, `wrong` or an error's name. */
export class SoakOpError extends Error {
  override name = 'SoakOpError'
  /** The short label the report counts by. */
  readonly kind: string

  constructor(kind: string, message: string) {
    super(message)
    this.kind = kind
  }
}

/** A name some client published, for others to resolve. */
export interface Published {
  key: Uint8Array
  value: Uint8Array
}

/** The label an error is counted under. */
export function errorKind(err: unknown): string {
  if (err instanceof SoakOpError) return err.kind
  const name = (err as Error | undefined)?.name ?? 'Error'
  return name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : name
}

/** A connected soak client. */
export class SoakClient {
  readonly node: Client
  private readonly route: RouteClient
  private readonly home: PeerId
  private readonly keyPair = generateKeyPair()
  private readonly timeoutMs: number
  private count = 0
  /** How many times the reservation was asked for (1 when the first request got it). */
  reservationAttempts = 0
  /** How many times the connection to the home relay was lost and dialled again. */
  redials = 0
  private readonly homeAddr: string

  private constructor(node: Client, home: RelayProcess, timeoutMs: number) {
    this.node = node
    this.home = peerIdFromString(home.peerId)
    this.homeAddr = home.ws
    this.timeoutMs = timeoutMs
    this.route = createRouteClient(node)
  }

  /** Connects to `home` over WebSockets and waits for a circuit reservation there and for `home` in its DHT routing table; each operation may take `timeoutMs`. */
  static async connect(home: RelayProcess, timeoutMs = OP_TIMEOUT_MS): Promise<SoakClient> {
    const deadline = performance.now() + timeoutMs
    const node = await createClient({ relays: [home.ws] })
    const { transportManager } = (node as unknown as { components: Components }).components
    let attempts = 0
    try {
      // As the browser's relay manager does: ask for the reservation, and again a while after a
      // failure (libp2p gives a reservation 5 s; a loaded relay can take longer).
      for (;;) {
        attempts++
        const error = await transportManager.listen([multiaddr(`${home.ws}/p2p-circuit`)]).then(
          () => undefined,
          (err: unknown) => err,
        )
        if (node.getMultiaddrs().some((a) => a.toString().includes('/p2p-circuit'))) break
        if (performance.now() + RECONNECT_MIN_MS > deadline)
          throw new SoakOpError(
            'timeout',
            `no reservation after ${attempts} attempts (${(error as Error | undefined)?.message ?? 'no address'})`,
          )
        await new Promise((r) => setTimeout(r, RECONNECT_MIN_MS))
      }
      // A DHT query before the home relay is in the routing table reaches no one.
      await waitForRoutingTable(node, 1, timeoutMs)
    } catch (err) {
      await node.stop()
      throw err
    }
    const client = new SoakClient(node, home, timeoutMs)
    client.reservationAttempts = attempts
    return client
  }

  /**
   * Dials the home relay again when the connection to it was lost (a relay or a client too busy
   * to answer keep-alive pings in time), as the browser's relay manager does, instead of failing
   * every operation after it.
   */
  private async reconnect(signal: AbortSignal): Promise<void> {
    if (this.node.getConnections(this.home).length > 0) return
    this.redials++
    await this.node.dial(multiaddr(this.homeAddr), { signal })
  }

  /** Publishes a fresh name through the DHT; returns it once at least one relay stored it. */
  async publish(prefix: string): Promise<Published> {
    await this.reconnect(AbortSignal.timeout(this.timeoutMs))
    const name = `${prefix}-${process.pid}-${this.count++}:soak`
    const key = await dhtKey(name)
    const value = await rootRecord(name, this.keyPair)
    let stored = 0
    const failures = new Set<string>()
    for await (const event of this.node.services.dht.put(key, value, {
      signal: AbortSignal.timeout(this.timeoutMs),
    })) {
      if (event.name === 'PEER_RESPONSE') stored++
      if (event.name === 'QUERY_ERROR') failures.add(`${event.error.name}: ${event.error.message}`)
    }
    if (stored === 0)
      throw new SoakOpError(
        failures.size === 0 ? 'no-peer' : 'not-stored',
        `no relay stored ${name}${failures.size === 0 ? '' : ` (${[...failures].join('; ')})`}`,
      )
    return { key, value }
  }

  /** Resolves a published name through the DHT; it must give back the published record. */
  async resolve(name: Published): Promise<void> {
    await this.reconnect(AbortSignal.timeout(this.timeoutMs))
    const value = await dhtGet(this.node, name.key, this.timeoutMs)
    if (value === undefined) throw new SoakOpError('not-found', 'a published name was not found')
    if (!equals(value, name.value)) throw new SoakOpError('wrong', 'another record came back')
  }

  /** Fetches the site's file, verified, from the home relay's mirror. */
  async fetch(site: SoakSite): Promise<void> {
    const signal = AbortSignal.timeout(this.timeoutMs)
    await this.reconnect(signal)
    const peers = [this.home]
    const manifest = await fetchManifest(this.route, { root: site.root, peers, signal })
    const entry = manifest.files[site.path]
    if (entry === undefined) throw new SoakOpError('wrong', `${site.path} is not in the manifest`)
    const bytes = await bytesOf(
      fetchFile(this.route, {
        entry,
        peers,
        file: { site: site.name, root: site.root, path: site.path },
        signal,
      }),
    )
    if (!equals(bytes, site.bytes)) throw new SoakOpError('wrong', 'the file came back different')
  }

  async stop(): Promise<void> {
    await this.node.stop()
  }
}
