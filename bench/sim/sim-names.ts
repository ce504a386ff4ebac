/**
 * `SimNames`: the names of a simulation run and what is done with them: their holders (a key
 * each), the owners' puts of a newer record, visitors' lookups (as a visitor's peer makes them,
 * traced for hops), and at the end the honest stores a rival captured. Each call draws its
 * servers from the run's generator before any starts, so the seed fixes who does what whatever
 * order the calls end in.
 * @module
 */
import { Libp2pRecord } from '@libp2p/record'
import { keyPairFromSeed, type Ed25519KeyPair } from '../../src/core/crypto/ed25519.ts'
import { toHex } from '../../src/core/bytes.ts'
import { createRecord, decodeRecord, dhtKey, encodeRecord } from '../../src/core/records/index.ts'
import { putRecord } from '../../src/net/naming/dht-records.ts'
import { recordDsKey } from '../../relay-node/src/dht-record-source.ts'
import type { Prng } from './prng.ts'
import type { Operation } from './sim-counts.ts'
import type { HonestNode } from './sim-node.ts'
import { CONCURRENCY, pool } from './sim-options.ts'
import { isTimeout, type LookupRecord, type PublishRecord } from './sim-result.ts'
import { tracedLookup } from './traced-lookup.ts'

/** One name and its holder. */
export interface Holder {
  name: string
  key: Uint8Array
  keyPair: Ed25519KeyPair
  seq: number
  lastPublish: number
}

/** What the names' work needs from the run. */
export interface NamesRun {
  seed: number
  rng: Prng
  /** The honest servers running now. */
  honest: readonly HonestNode[]
  /** The simulated time, ms since the epoch. */
  now(): number
  /** Each operation's own bound (real time, ms). */
  timeoutMs: number
  /** `op` within the bound on one operation (`RunBound.guard`), counted as `kind` when cut. */
  guard<T>(
    kind: Operation,
    op: (signal: AbortSignal) => Promise<T>,
    ms?: number,
  ): Promise<T | undefined>
  /** The run's signal: once it aborts, no further put or lookup starts. */
  signal: AbortSignal
  /** Called after each owner's put that ended: its name's key and the server it went through. */
  published(key: Uint8Array, from: HonestNode): void
}

/** The run's names. */
export class SimNames {
  readonly holders: Holder[] = []
  /** Each owner's put: how many servers took it, and whether it ran out of time. */
  readonly publishes: PublishRecord[] = []
  private readonly run: NamesRun

  private constructor(run: NamesRun) {
    this.run = run
  }

  /** `count` names, `site-<seed>-<i>:sim`, each under a key from the run's generator. */
  static async create(run: NamesRun, count: number): Promise<SimNames> {
    const names = new SimNames(run)
    for (let i = 0; i < count; i++) {
      const name = `site-${run.seed}-${i}:sim`
      names.holders.push({
        name,
        key: await dhtKey(name),
        keyPair: keyPairFromSeed(run.rng.bytes(32)),
        seq: 0,
        lastPublish: 0,
      })
    }
    return names
  }

  /**
   * A lookup and a put end at their own bound (and say so in their records); the guard's is a
   * quarter longer, for one that does not end even then.
   */
  private get guardMs(): number {
    return 1.25 * this.run.timeoutMs
  }

  /** Each holder of `hs` signs a newer record and puts it through an honest server. */
  publishAll(hs: readonly Holder[]): Promise<void> {
    const { rng, honest, signal } = this.run
    return pool(
      hs.map((h) => ({ h, from: rng.pick(honest) })),
      CONCURRENCY,
      async ({ h, from }) => this.publish(h, from),
      signal,
    )
  }

  /** Looks each of `hs` up from an honest server, in simulated hour `hour`. */
  async lookUpAll(hs: readonly Holder[], hour: number): Promise<LookupRecord[]> {
    const { rng, honest, signal, timeoutMs } = this.run
    const found = new Array<LookupRecord>(hs.length)
    await pool(
      hs.map((h, i) => ({ h, i, from: rng.pick(honest), latestSeq: h.seq })),
      CONCURRENCY,
      async ({ h, i, from, latestSeq }) => {
        const started = performance.now()
        const now = this.run.now()
        const r = (await this.run.guard(
          'lookup',
          (signal) =>
            tracedLookup(from.node.services.dht, from.id, h.name, h.key, {
              now,
              timeoutMs,
              signal,
            }),
          this.guardMs,
        )) ?? { ms: performance.now() - started, cut: true }
        found[i] = { ...r, name: h.name, hour, holder: toHex(h.keyPair.publicKey), latestSeq }
      },
      signal,
    )
    return found
  }

  /**
   * Honest (server, name) pairs whose stored record is another key's: in all, and of the first
   * name (the eclipsed one).
   */
  async captured(): Promise<{ all: number; first: number }> {
    let all = 0
    let first = 0
    for (const h of this.run.honest)
      for (const holder of this.holders) {
        const held = await h.store.get(recordDsKey(holder.key)).catch(() => undefined)
        if (held === undefined) continue
        const value = Libp2pRecord.deserialize(held).value
        if (toHex(decodeRecord(value).holder) === toHex(holder.keyPair.publicKey)) continue
        all++
        if (holder === this.holders[0]) first++
      }
    return { all, first }
  }

  private async publish(h: Holder, from: HonestNode): Promise<void> {
    const time = this.run.now()
    h.seq++
    h.lastPublish = time
    const value = encodeRecord(
      await createRecord({ type: 'root', name: h.name, seq: h.seq, created: time }, h.keyPair),
    )
    const { timeoutMs } = this.run
    const put = await this.run
      .guard(
        'put',
        (signal) => putRecord(from.node.services.dht, h.key, value, { timeoutMs, signal }),
        this.guardMs,
      )
      .catch(() => undefined)
    if (put === undefined || this.run.signal.aborted) return
    this.publishes.push({
      servers: put.accepted,
      timedOut: put.errors.some(isTimeout),
      errors: put.errors.map((e) => `${e.name}: ${e.message}`.slice(0, 120)),
    })
    this.run.published(h.key, from)
  }
}
