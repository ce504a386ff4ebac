/**
 * `runSimulation`: a network of honest DHT servers (the relay's own DHT parts, sim-node.ts) and
 * Sybil servers (attacker-node.ts) in one process over libp2p's in-memory transport, driven
 * hour by simulated hour: servers leave and fresh ones join (churn), name holders republish
 * every 24 h, servers re-put what they hold (the relay's republisher), Sybils attack, and
 * visitors look names up. Every choice comes from one seeded generator; see docs/ARCHITECTURE.md
 * ("Network simulation") for what a seed does not fix.
 * @module
 */
import { multiaddr } from '@multiformats/multiaddr'
import { keyPairFromSeed, type Ed25519KeyPair } from '../../src/core/crypto/ed25519.ts'
import { toHex } from '../../src/core/bytes.ts'
import { Libp2pRecord } from '@libp2p/record'
import { recordDsKey } from '../../relay-node/src/dht-record-source.ts'
import { createRecord, decodeRecord, dhtKey, encodeRecord } from '../../src/core/records/index.ts'
import { putRecord } from '../../src/net/naming/dht-records.ts'
import { ATTACKS, startAttackerNode, type AttackerNode } from './attacker-node.ts'
import { ByteMeter } from './byte-meter.ts'
import { Prng } from './prng.ts'
import { startHonestNode, type HonestNode, type SimContext } from './sim-node.ts'
import { holderHex, tracedLookup, type LookupResult } from './traced-lookup.ts'
import { summarise, type SimResult } from './sim-result.ts'

const HOUR = 3_600_000
/** Where the simulated clock starts (fixed, so a seed gives the same records). */
export const SIM_EPOCH = Date.UTC(2026, 0, 1)
/** Servers a joining server dials first. */
const BOOTSTRAP_PEERS = 3
/** Servers started, lookups and republish rounds run at once. */
const CONCURRENCY = 4

/** Settings of one run. */
export interface SimOptions {
  /** DHT servers, Sybils included. */
  nodes: number
  /** Share of honest servers replaced each simulated hour (0.3 = 30 %/h). */
  churn: number
  /** Simulated hours. */
  hours: number
  /** Share of servers that are Sybils. */
  attackers: number
  seed: number
  /** Names held. @default max(10, nodes / 10) */
  names?: number
  /** Lookups each simulated hour. @default 20 */
  lookupsPerHour?: number
  /** Hours between a holder's new records (docs/PROTOCOL.md: every 24 h, records live 48 h). @default 24 */
  ownerRepublishHours?: number
  /** Hours between the servers' republish rounds (the relay's default is 1 h). @default 1 */
  republishHours?: number
  /** Names each hijacking or rolling-back Sybil pushes each hour. @default 2 */
  attacksPerHour?: number
  /** Latency of every in-memory transfer, ms. @default 0 */
  latency?: number
  /** Longest a lookup or put may take (real time), ms. @default 30000 */
  timeoutMs?: number
  /** Called with a line after each simulated hour. */
  progress?(line: string): void
}

interface Holder {
  name: string
  key: Uint8Array
  keyPair: Ed25519KeyPair
  seq: number
  lastPublish: number
}

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++])
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** Runs one simulation and summarises it. */
export async function runSimulation(options: SimOptions): Promise<SimResult> {
  const o = {
    names: Math.max(10, Math.round(options.nodes / 10)),
    lookupsPerHour: 20,
    ownerRepublishHours: 24,
    republishHours: 1,
    attacksPerHour: 2,
    latency: 0,
    timeoutMs: 30_000,
    progress: () => undefined,
    ...options,
  }
  const rng = new Prng(o.seed)
  let time = SIM_EPOCH
  const meter = new ByteMeter()
  const ctx: SimContext = {
    now: () => time,
    metrics: meter.factory(),
    refusals: new Map(),
    latency: o.latency,
  }
  const honest: HonestNode[] = []
  const sybils: AttackerNode[] = []
  let counter = 0
  const dialable = (): string[] =>
    [...honest.map((h) => h.node), ...sybils.map((s) => s.node)].map(
      (n) => `${n.getMultiaddrs()[0].toString()}`,
    )
  const join = async (node: HonestNode['node'], peers: string[]): Promise<void> => {
    for (const addr of peers)
      await node
        .dial(multiaddr(addr), { signal: AbortSignal.timeout(o.timeoutMs) })
        .catch(() => undefined)
  }
  const addHonest = async (): Promise<HonestNode> => {
    const peers = rng.sample(dialable(), BOOTSTRAP_PEERS)
    const h = await startHonestNode(counter++, rng.bytes(32), ctx)
    await join(h.node, peers)
    honest.push(h)
    return h
  }
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled([...honest, ...sybils].map(async (n) => n.stop()))
  }
  try {
    const sybilCount = Math.round(o.nodes * o.attackers)
    const started = performance.now()
    for (let i = 0; i < o.nodes; i++) {
      if (i % (o.nodes / Math.max(1, sybilCount)) < 1 && sybils.length < sybilCount) {
        const peers = rng.sample(dialable(), BOOTSTRAP_PEERS)
        const s = await startAttackerNode(
          counter++,
          rng.bytes(32),
          ATTACKS[sybils.length % ATTACKS.length],
          ctx,
        )
        await join(s.node, peers)
        sybils.push(s)
      } else await addHonest()
    }
    const startMs = performance.now() - started
    o.progress(
      `${honest.length} honest and ${sybils.length} Sybil servers started in ${(startMs / 1000).toFixed(1)} s`,
    )
    const holders: Holder[] = []
    for (let i = 0; i < o.names; i++) {
      const name = `site-${o.seed}-${i}:sim`
      holders.push({
        name,
        key: await dhtKey(name),
        keyPair: keyPairFromSeed(rng.bytes(32)),
        seq: 0,
        lastPublish: 0,
      })
    }
    const publish = async (h: Holder): Promise<void> => {
      h.seq++
      h.lastPublish = time
      const value = encodeRecord(
        await createRecord({ type: 'root', name: h.name, seq: h.seq, created: time }, h.keyPair),
      )
      await putRecord(rng.pick(honest).node.services.dht, h.key, value, { timeoutMs: o.timeoutMs })
    }
    await pool(holders, CONCURRENCY, publish)
    o.progress(`${holders.length} names published`)
    const bytesAtStart = meter.bytes
    const lookups: Array<
      LookupResult & { name: string; hour: number; holder: string; latestSeq: number }
    > = []
    const lookUp = async (h: Holder, hour: number): Promise<void> => {
      const from = rng.pick(honest)
      const latestSeq = h.seq
      const r = await tracedLookup(
        from.node.services.dht,
        from.id,
        h.name,
        h.key,
        time,
        o.timeoutMs,
      )
      lookups.push({ ...r, name: h.name, hour, holder: toHex(h.keyPair.publicKey), latestSeq })
    }
    for (let hour = 1; hour <= o.hours; hour++) {
      time += HOUR
      // Churn: honest servers leave, fresh ones (empty stores, new keys) join.
      const leaving = Math.round(o.churn * honest.length)
      for (const gone of rng.sample(honest, leaving)) {
        honest.splice(honest.indexOf(gone), 1)
        await gone.stop()
      }
      for (let i = 0; i < leaving; i++) await addHonest()
      // Holders sign a newer record every `ownerRepublishHours`, staggered by name.
      await pool(
        holders.filter((_, i) => (hour + i) % o.ownerRepublishHours === 0),
        CONCURRENCY,
        publish,
      )
      const phase = performance.now()
      // The relay's store maintenance: expired records out, held records re-put.
      if (hour % o.republishHours === 0)
        await pool(honest, CONCURRENCY, async (h) => {
          await h.republisher.sweep()
          await h.republisher.republish()
        })
      const republishMs = performance.now() - phase
      await pool(sybils, CONCURRENCY, async (s) => {
        await s.push(o.attacksPerHour, AbortSignal.timeout(o.timeoutMs))
      })
      const attackMs = performance.now() - phase - republishMs
      const batch = Array.from({ length: o.lookupsPerHour }, () => rng.pick(holders))
      await pool(batch, CONCURRENCY, (h) => lookUp(h, hour))
      const ok = lookups.filter(
        (l) => l.hour === hour && l.record && holderHex(l.record) === l.holder,
      )
      o.progress(
        `hour ${hour}/${o.hours}: ${ok.length}/${o.lookupsPerHour} lookups found the holder's record, ${honest.length} honest + ${sybils.length} Sybil servers (republish ${(republishMs / 1000).toFixed(0)} s, attacks ${(attackMs / 1000).toFixed(0)} s)`,
      )
    }
    // Records alive: one lookup of every name at the end.
    const final: typeof lookups = []
    await pool(holders, CONCURRENCY, async (h) => {
      const from = rng.pick(honest)
      const r = await tracedLookup(
        from.node.services.dht,
        from.id,
        h.name,
        h.key,
        time,
        o.timeoutMs,
      )
      final.push({
        ...r,
        name: h.name,
        hour: o.hours,
        holder: toHex(h.keyPair.publicKey),
        latestSeq: h.seq,
      })
    })
    // Honest servers captured: a name's record in their store is another key's.
    let captured = 0
    for (const h of honest)
      for (const holder of holders) {
        const held = await h.store.get(recordDsKey(holder.key)).catch(() => undefined)
        if (held === undefined) continue
        const value = Libp2pRecord.deserialize(held).value
        if (toHex(decodeRecord(value).holder) !== toHex(holder.keyPair.publicKey)) captured++
      }
    return summarise({
      captured,
      stores: honest.length * holders.length,
      options: {
        nodes: o.nodes,
        churn: o.churn,
        hours: o.hours,
        attackers: o.attackers,
        seed: o.seed,
        names: o.names,
      },
      sybils: sybils.length,
      startMs,
      lookups,
      final,
      bytes: meter.bytes - bytesAtStart,
      refusals: Object.fromEntries(ctx.refusals),
    })
  } finally {
    await stopAll()
  }
}
