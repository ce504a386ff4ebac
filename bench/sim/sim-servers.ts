/**
 * `SimServers`: the simulation's running servers, honest and Sybil, and how they start, join
 * and stop. Every choice (key, attack, first peers) is drawn from the run's generator before a
 * batch starts, in order, so a seed gives the same network however the starts interleave.
 * @module
 */
import { multiaddr } from '@multiformats/multiaddr'
import { startAttackerNode, type Attack, type AttackerNode } from './attacker-node.ts'
import type { Prng } from './prng.ts'
import type { RunBound } from './run-bound.ts'
import { memoryAddr, startHonestNode, type HonestNode, type SimContext } from './sim-node.ts'
import type { SimMirror } from './site-copies.ts'

/** Servers a joining server dials first. */
const BOOTSTRAP_PEERS = 3
/** Servers started at once. */
const START_BATCH = 16

/** The running servers of one run. */
export class SimServers {
  readonly honest: HonestNode[] = []
  readonly sybils: AttackerNode[] = []
  /** Every server started and not yet stopped, running or still in its batch. */
  private readonly live = new Set<HonestNode | AttackerNode>()
  private counter = 0
  private readonly ctx: SimContext
  private readonly rng: Prng
  private readonly bound: RunBound
  private readonly timeoutMs: number
  private readonly sybilBlocks?: number

  constructor(
    ctx: SimContext,
    rng: Prng,
    bound: RunBound,
    o: { timeoutMs: number; sybilBlocks?: number },
  ) {
    this.ctx = ctx
    this.rng = rng
    this.bound = bound
    this.timeoutMs = o.timeoutMs
    if (o.sybilBlocks !== undefined) this.sybilBlocks = o.sybilBlocks
  }

  /** Servers running. */
  get size(): number {
    return this.honest.length + this.sybils.length
  }

  /** Every running server as a mirror (site-copies.ts). */
  mirrors(): SimMirror[] {
    return [
      ...this.honest.map((h) => ({ peerId: h.node.peerId, keeps: true })),
      ...this.sybils.map((s) => ({ peerId: s.node.peerId, keeps: false })),
    ]
  }

  /** Connections open per running server. */
  connectionsPerServer(): number {
    const all = [...this.honest, ...this.sybils]
    const open = all.reduce((sum, n) => sum + n.node.getConnections().length, 0)
    return open / Math.max(1, all.length)
  }

  /**
   * Starts servers (`undefined`: honest; else a Sybil running that attack) in batches of
   * `START_BATCH`, each batch at once, then has each dial its first peers among the servers
   * already running and the batch's earlier ones. No batch starts once the run's time is up.
   * `report` is called before each batch with the servers started so far.
   */
  async start(
    attacks: ReadonlyArray<Attack | undefined>,
    seeds: Uint8Array[] = [],
    report?: (started: number) => void,
  ): Promise<void> {
    for (let i = 0; i < attacks.length && !this.bound.stopped; i += START_BATCH) {
      report?.(i)
      const known = this.dialable()
      const batch = attacks.slice(i, i + START_BATCH).map((attack) => {
        const n = this.counter++
        const peers = this.rng.sample(known, BOOTSTRAP_PEERS)
        known.push(memoryAddr(n))
        return { attack, n, seed: (attack && seeds.shift()) || this.rng.bytes(32), peers }
      })
      const started = await Promise.all(
        batch.map(async ({ attack, n, seed }) => {
          const node =
            attack === undefined
              ? await startHonestNode(n, seed, this.ctx)
              : await startAttackerNode(n, seed, attack, this.ctx)
          this.live.add(node)
          return node
        }),
      )
      if (this.bound.stopped) {
        await Promise.allSettled(started.map(async (node) => this.stopOne(node)))
        return
      }
      await Promise.all(started.map(async (node, j) => this.join(node, batch[j].peers)))
      for (const node of started)
        if ('attack' in node) {
          if (this.sybilBlocks !== undefined)
            this.ctx.blocks.set(node.id, `sybil-block-${this.sybils.length % this.sybilBlocks}`)
          this.sybils.push(node)
        } else this.honest.push(node)
    }
  }

  /** Honest servers leave; returns them. */
  async leave(leaving: readonly HonestNode[]): Promise<void> {
    for (const gone of leaving) this.honest.splice(this.honest.indexOf(gone), 1)
    await Promise.all(leaving.map(async (gone) => this.stopOne(gone)))
  }

  /** Stops every server started (at the end, or when the run's time is up). */
  async stopAll(): Promise<void> {
    await Promise.allSettled([...this.live].map(async (n) => this.stopOne(n)))
  }

  private async stopOne(node: HonestNode | AttackerNode): Promise<void> {
    if (!this.live.delete(node)) return
    // A stop that does not end (a connection's close that waits for a peer) is left behind.
    await this.bound.guard(
      this.timeoutMs,
      () => node.stop(),
      () => void this.ctx.counts.cut.stop++,
    )
  }

  private dialable(): string[] {
    return [...this.honest, ...this.sybils].map((n) => n.node.getMultiaddrs()[0].toString())
  }

  private async join(node: HonestNode | AttackerNode, peers: string[]): Promise<void> {
    for (const addr of peers) {
      if (this.bound.stopped) return
      await this.bound
        .guard(
          this.timeoutMs,
          (signal) => node.node.dial(multiaddr(addr), { signal }),
          () => void this.ctx.counts.cut.join++,
        )
        .catch(() => undefined)
    }
  }
}
