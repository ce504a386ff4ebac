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
import { ATTACKS, startAttackerNode, type Attack, type AttackerNode } from './attacker-node.ts'
import { ByteMeter } from './byte-meter.ts'
import { SimCounts } from './sim-counts.ts'
import { Prng, seedMathRandom } from './prng.ts'
import { refreshRound } from './dht-timers.ts'
import { memoryAddr, startHonestNode, type HonestNode, type SimContext } from './sim-node.ts'
import { pool, type SimOptions } from './sim-options.ts'
import { holderHex, tracedLookup } from './traced-lookup.ts'
import { eclipseBits, grindSeeds, kadId, sybilsAmongClosest } from './eclipse.ts'
import {
  isTimeout,
  summarise,
  type LookupRecord,
  type PublishRecord,
  type SimResult,
} from './sim-result.ts'
import { SiteCopies, type SimMirror } from './site-copies.ts'

export type { SimOptions } from './sim-options.ts'

const HOUR = 3_600_000
/** Where the simulated clock starts (fixed, so a seed gives the same records). */
export const SIM_EPOCH = Date.UTC(2026, 0, 1)
/** Servers a joining server dials first. */
const BOOTSTRAP_PEERS = 3
/** Lookups, puts and republish rounds run at once. */
const CONCURRENCY = 4
/** Servers started at once. */
const START_BATCH = 16
/** A run with a wall-time limit reports its start-up every this many servers. */
const START_REPORT = 128

interface Holder {
  name: string
  key: Uint8Array
  keyPair: Ed25519KeyPair
  seq: number
  lastPublish: number
}

/** Runs one simulation and summarises it. */
export async function runSimulation(options: SimOptions): Promise<SimResult> {
  const o = {
    names: Math.max(10, Math.round(options.nodes / 10)),
    lookupsPerHour: 20,
    ownerRepublishHours: 24,
    republishHours: 1,
    refreshHours: 1,
    attacksPerHour: 2,
    eclipseLookupsPerHour: 5,
    latency: 0,
    timeoutMs: 30_000,
    progress: () => undefined,
    ...options,
  }
  const rng = new Prng(o.seed)
  let time = SIM_EPOCH
  const meter = new ByteMeter()
  const counts = new SimCounts()
  const ctx: SimContext = {
    now: () => time,
    counts,
    metrics: meter.factory(options.profile),
    refusals: new Map(),
    latency: o.latency,
    blocks: new Map(),
    ...(options.profile ? { profile: options.profile } : {}),
  }
  const honest: HonestNode[] = []
  const sybils: AttackerNode[] = []
  /** The content scenario: every name is a mirrored site. */
  const copies = new SiteCopies()
  const mirrors = (): SimMirror[] => [
    ...honest.map((h) => ({ peerId: h.node.peerId, keeps: true })),
    ...sybils.map((s) => ({ peerId: s.node.peerId, keeps: false })),
  ]
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
  /**
   * Starts servers in batches of `START_BATCH`, each batch at once, then has each dial its first
   * peers, among the servers already running and the batch's earlier ones. Every choice (key,
   * attack, first peers) is drawn before the batch starts, in order, so a seed gives the same
   * network however the starts interleave. No batch starts after `until` (real time).
   */
  const startServers = async (
    attacks: Array<Attack | undefined>,
    seeds: Uint8Array[] = [],
    until = Infinity,
  ): Promise<void> => {
    for (let i = 0; i < attacks.length && performance.now() < until; i += START_BATCH) {
      if (i > 0 && i % START_REPORT === 0 && until !== Infinity)
        o.progress(
          `${i} of ${attacks.length} servers started, ${(process.cpuUsage().user / 1e6).toFixed(0)} s of CPU so far`,
        )
      const known = dialable()
      const batch = attacks.slice(i, i + START_BATCH).map((attack) => {
        const n = counter++
        const peers = rng.sample(known, BOOTSTRAP_PEERS)
        known.push(memoryAddr(n))
        return { attack, n, seed: (attack && seeds.shift()) || rng.bytes(32), peers }
      })
      const started = await Promise.all(
        batch.map(({ attack, n, seed }) =>
          attack === undefined
            ? startHonestNode(n, seed, ctx)
            : startAttackerNode(n, seed, attack, ctx),
        ),
      )
      await Promise.all(started.map(async (node, j) => join(node.node, batch[j].peers)))
      for (const node of started)
        if ('attack' in node) {
          if (o.sybilBlocks !== undefined)
            ctx.blocks.set(node.id, `sybil-block-${sybils.length % o.sybilBlocks}`)
          sybils.push(node)
        } else honest.push(node)
    }
  }
  const phase = <T>(label: string, fn: () => Promise<T>): Promise<T> =>
    o.profile === undefined ? fn() : o.profile.time(label, fn)
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled([...honest, ...sybils].map(async (n) => n.stop()))
  }
  const restoreRandom = seedMathRandom(rng.int(2 ** 32))
  try {
    const sybilCount = Math.round(o.nodes * o.attackers)
    const started = performance.now()
    const deadline = started + (o.wallLimitMs ?? Infinity)
    const kinds: Array<Attack | undefined> = []
    for (let i = 0, assigned = 0; i < o.nodes; i++) {
      const sybil = i % (o.nodes / Math.max(1, sybilCount)) < 1 && assigned < sybilCount
      kinds.push(!sybil ? undefined : o.eclipse ? 'hijack' : ATTACKS[assigned % ATTACKS.length])
      if (sybil) assigned++
    }
    const target = { name: `site-${o.seed}-0:sim`, key: await dhtKey(`site-${o.seed}-0:sim`) }
    const sybilSeeds = o.eclipse
      ? await phase('grinding Sybil keys', () =>
          grindSeeds(rng, kadId(target.key), sybilCount, eclipseBits(o.nodes)),
        )
      : []
    await phase('start-up', () => startServers(kinds, sybilSeeds, deadline))
    const startMs = performance.now() - started
    const running = honest.length + sybils.length
    const open = [...honest, ...sybils].reduce((sum, n) => sum + n.node.getConnections().length, 0)
    o.progress(
      `${honest.length} honest and ${sybils.length} Sybil servers started in ${(startMs / 1000).toFixed(1)} s, ${(open / Math.max(1, running)).toFixed(1)} connections open per server`,
    )
    if (running < o.nodes)
      o.progress(
        `the wall-time limit passed during start-up (${running} of ${o.nodes} servers): nothing simulated`,
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
    /** Each owner's put: how many servers took it, and whether it ran out of time. */
    const publishes: PublishRecord[] = []
    // Each call draws its server before any starts: the seed fixes who does what, whatever
    // order the calls end in.
    const publish = async ({ h, from }: { h: Holder; from: HonestNode }): Promise<void> => {
      h.seq++
      h.lastPublish = time
      const value = encodeRecord(
        await createRecord({ type: 'root', name: h.name, seq: h.seq, created: time }, h.keyPair),
      )
      const put = await putRecord(from.node.services.dht, h.key, value, { timeoutMs: o.timeoutMs })
      publishes.push({ servers: put.accepted, timedOut: put.errors.some(isTimeout) })
      copies.publish(h.key, from.id, mirrors())
    }
    const publishAll = (hs: Holder[]): Promise<void> =>
      pool(
        hs.map((h) => ({ h, from: rng.pick(honest) })),
        CONCURRENCY,
        publish,
      )
    if (running === o.nodes) {
      await phase('publish', () => publishAll(holders))
      o.progress(
        `${holders.length} names published: ${counts.rootLookups} root look-ups for ${counts.puts} puts`,
      )
    }
    const bytesAtStart = meter.bytes
    const lookups: LookupRecord[] = []
    /** Lookups of the eclipsed name (`o.eclipse`), beside the others. */
    const eclipsed: LookupRecord[] = []
    const lookUpAll = async (hs: Holder[], hour: number, into: LookupRecord[]): Promise<void> => {
      const found = new Array<LookupRecord>(hs.length)
      await pool(
        hs.map((h, i) => ({ h, i, from: rng.pick(honest), latestSeq: h.seq })),
        CONCURRENCY,
        async ({ h, i, from, latestSeq }) => {
          const r = await tracedLookup(
            from.node.services.dht,
            from.id,
            h.name,
            h.key,
            time,
            o.timeoutMs,
          )
          found[i] = { ...r, name: h.name, hour, holder: toHex(h.keyPair.publicKey), latestSeq }
        },
      )
      into.push(...found)
    }
    let hoursRun = 0
    for (
      let hour = 1;
      hour <= o.hours && running === o.nodes && performance.now() < deadline;
      hour++
    ) {
      hoursRun = hour
      time += HOUR
      const t0 = performance.now()
      const [puts0, lookups0] = [counts.puts, counts.rootLookups]
      // Churn: honest servers leave, fresh ones (empty stores, new keys) join.
      const leaving = rng.sample(honest, Math.round(o.churn * honest.length))
      for (const gone of leaving) honest.splice(honest.indexOf(gone), 1)
      await phase('churn', async () => {
        await Promise.all(leaving.map(async (gone) => gone.stop()))
        for (const gone of leaving) copies.leave(gone.id, mirrors())
        await startServers(leaving.map(() => undefined))
        copies.settleAll(mirrors())
      })
      const tChurn = performance.now()
      // kad-dht's upkeep, on the simulated clock: each server's turn every `refreshHours`.
      const servers = [...honest, ...sybils]
      await phase('table refresh', () =>
        pool(
          servers.filter((_, i) => (hour + i) % o.refreshHours === 0),
          CONCURRENCY,
          async (s) =>
            refreshRound(s.node.services.dht, s.node.peerId, AbortSignal.timeout(o.timeoutMs)),
        ),
      )
      const tRefresh = performance.now()
      // Holders sign a newer record every `ownerRepublishHours`, staggered by name.
      await phase('owners publish', () =>
        publishAll(holders.filter((_, i) => (hour + i) % o.ownerRepublishHours === 0)),
      )
      const t1 = performance.now()
      // The relay's store maintenance: expired records out, held records re-put.
      if (hour % o.republishHours === 0)
        await phase('republish', () =>
          pool(honest, CONCURRENCY, async (h) => {
            await h.republisher.sweep()
            await h.republisher.republish()
          }),
        )
      const t2 = performance.now()
      await phase('attacks', () =>
        pool(sybils, CONCURRENCY, async (s) => {
          await s.push(o.attacksPerHour, AbortSignal.timeout(o.timeoutMs))
        }),
      )
      const t3 = performance.now()
      const batch = Array.from({ length: o.lookupsPerHour }, () => rng.pick(holders))
      await phase('lookups', () => lookUpAll(batch, hour, lookups))
      if (o.eclipse)
        await phase('lookups', () =>
          lookUpAll(Array(o.eclipseLookupsPerHour).fill(holders[0]), hour, eclipsed),
        )
      const t4 = performance.now()
      const ok = lookups.filter(
        (l) => l.hour === hour && l.record && holderHex(l.record) === l.holder,
      )
      const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
      o.progress(
        `hour ${hour}/${o.hours}: ${ok.length}/${o.lookupsPerHour} lookups found the holder's record, ${honest.length} honest + ${sybils.length} Sybil servers (churn ${s(tChurn - t0)}, table refresh ${s(tRefresh - tChurn)}, publish ${s(t1 - tRefresh)}, republish ${s(t2 - t1)}, attacks ${s(t3 - t2)}, lookups ${s(t4 - t3)}; ${counts.rootLookups - lookups0} root look-ups for ${counts.puts - puts0} puts)`,
      )
    }
    // Records alive: one lookup of every name at the end.
    const final: LookupRecord[] = []
    if (hoursRun < o.hours)
      o.progress(
        `stopped after ${hoursRun} of ${o.hours} simulated hours: the wall-time limit passed`,
      )
    if (running === o.nodes) await phase('final lookups', () => lookUpAll(holders, hoursRun, final))
    // Honest servers captured: a name's record in their store is another key's.
    let captured = 0
    let targetCaptured = 0
    for (const h of honest)
      for (const holder of holders) {
        const held = await h.store.get(recordDsKey(holder.key)).catch(() => undefined)
        if (held === undefined) continue
        const value = Libp2pRecord.deserialize(held).value
        if (toHex(decodeRecord(value).holder) === toHex(holder.keyPair.publicKey)) continue
        captured++
        if (holder === holders[0]) targetCaptured++
      }
    return summarise({
      captured,
      stores: honest.length * holders.length,
      options: {
        nodes: running,
        churn: o.churn,
        hours: hoursRun,
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
      publishes,
      counts: counts.snapshot(),
      content: copies.result(mirrors()),
      ...(o.eclipse
        ? {
            eclipse: {
              lookups: eclipsed,
              captured: targetCaptured,
              sybilsAmongClosest: sybilsAmongClosest(
                target.key,
                honest.map((h) => h.node.peerId),
                sybils.map((h) => h.node.peerId),
              ),
            },
          }
        : {}),
    })
  } finally {
    await stopAll()
    restoreRandom()
  }
}
