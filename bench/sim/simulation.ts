/**
 * `runSimulation`: a network of honest DHT servers (the relay's own DHT parts, sim-node.ts) and
 * Sybil servers (attacker-node.ts) in one process over libp2p's in-memory transport, driven
 * hour by simulated hour: servers leave and fresh ones join (churn), name holders republish
 * every 24 h, servers re-put what they hold (the relay's republisher), Sybils attack, and
 * visitors look names up. Every choice comes from one seeded generator; see docs/ARCHITECTURE.md
 * ("Network simulation") for what a seed does not fix.
 * @module
 */
import { keyPairFromSeed } from '../../src/core/crypto/ed25519.ts'
import { sha256 } from '@noble/hashes/sha2.js'
import { dhtKey } from '../../src/core/records/index.ts'
import { ATTACKS, type Attack } from './attacker-node.ts'
import { ByteMeter } from './byte-meter.ts'
import { SimCounts, type Operation } from './sim-counts.ts'
import { Prng, seedMathRandom } from './prng.ts'
import { refreshRound } from './dht-timers.ts'
import { cpuSeconds, roomForAnotherHour, RunBound } from './run-bound.ts'
import type { SimContext } from './sim-node.ts'
import { OPERATION_BOUND_MS } from './sim-libp2p.ts'
import { SimServers } from './sim-servers.ts'
import { CONCURRENCY, pool, type SimOptions } from './sim-options.ts'
import { holderHex } from './traced-lookup.ts'
import { eclipseBits, grindSeeds, kadId, sybilsAmongClosest } from './eclipse.ts'
import { summarise, type LookupRecord, type SimResult } from './sim-result.ts'
import { SiteCopies, type SimMirror } from './site-copies.ts'
import { firstPublishResult, honestHolding } from './first-publish.ts'
import { SimNames, type Holder } from './sim-names.ts'

export type { SimOptions } from './sim-options.ts'

const HOUR = 3_600_000
/** Where the simulated clock starts (fixed, so a seed gives the same records). */
export const SIM_EPOCH = Date.UTC(2026, 0, 1)
/** A run with a wall-time limit reports its start-up every this many servers. */
const START_REPORT = 128

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
    timeoutMs: OPERATION_BOUND_MS,
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
    ...(options.republishMaxSkips === undefined
      ? {}
      : { republishMaxSkips: options.republishMaxSkips }),
  }
  const cpuAtStart = cpuSeconds()
  // When the run's time is up every server stops: whatever is under way ends at once.
  const bound = new RunBound(o.wallLimitMs, () => void servers.stopAll())
  const servers = new SimServers(ctx, rng, bound, o)
  /** `op` within the bound on one operation (`o.timeoutMs`, or `ms`); cut past it, and counted. */
  const guard = <T>(kind: Operation, op: (signal: AbortSignal) => Promise<T>, ms = o.timeoutMs) =>
    bound.guard(ms, op, () => void counts.cut[kind]++)
  const { honest, sybils } = servers
  /** The content scenario: every name is a mirrored site. */
  const copies = new SiteCopies()
  const mirrors = (): SimMirror[] => servers.mirrors()
  const phase = <T>(label: string, fn: () => Promise<T>): Promise<T> =>
    o.profile === undefined ? fn() : o.profile.time(label, fn)
  const restoreRandom = seedMathRandom(rng.int(2 ** 32))
  try {
    const sybilCount = Math.round(o.nodes * o.attackers)
    const started = performance.now()
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
    await phase('start-up', () =>
      servers.start(kinds, sybilSeeds, (i) => {
        if (i > 0 && i % START_REPORT === 0 && o.wallLimitMs !== undefined)
          o.progress(
            `${i} of ${kinds.length} servers started, ${cpuSeconds().toFixed(0)} s of CPU so far`,
          )
      }),
    )
    const startMs = performance.now() - started
    const running = servers.size
    const cpuStartUp = cpuSeconds() - cpuAtStart
    o.progress(
      `${honest.length} honest and ${sybils.length} Sybil servers started in ${(startMs / 1000).toFixed(1)} s, ${servers.connectionsPerServer().toFixed(1)} connections open per server`,
    )
    if (running < o.nodes)
      o.progress(
        `the wall-time limit passed during start-up (${running} of ${o.nodes} servers): nothing simulated`,
      )
    const names = await SimNames.create(
      {
        seed: o.seed,
        rng,
        honest,
        now: () => time,
        timeoutMs: o.timeoutMs,
        guard,
        signal: bound.signal,
        published: (key, from) => copies.publish(key, from.id, mirrors()),
      },
      o.names,
    )
    const { holders } = names
    /** Honest servers holding each name's first record right after it was put. */
    const firstReach: number[] = []
    if (running === o.nodes) {
      // The eclipse starts before the owner's first publish: every Sybil holds a back-dated
      // rival of the name nobody has published yet, all under one key (drawn apart from the
      // run's generator, so the rest of the run is what the seed made it before).
      const squatter = keyPairFromSeed(sha256(new TextEncoder().encode(`squat ${o.seed}`)))
      if (o.eclipse) for (const s of sybils) await s.squat(target.key, target.name, squatter)
      await phase('publish', () => names.publishAll(holders))
      for (const h of holders)
        firstReach.push(
          await honestHolding(
            honest.map((s) => s.store),
            h.key,
            h.keyPair.publicKey,
          ),
        )
      if (!bound.stopped)
        o.progress(
          `${holders.length} names published: ${counts.rootLookups} root look-ups for ${counts.puts} puts`,
        )
    }
    const bytesAtStart = meter.bytes
    const lookups: LookupRecord[] = []
    /** Lookups of the eclipsed name (`o.eclipse`), beside the others. */
    const eclipsed: LookupRecord[] = []
    const lookUpAll = (hs: Holder[], hour: number) => names.lookUpAll(hs, hour)
    let hoursRun = 0
    let cpuHours = 0
    /** Real time the last hour took and its lookups' share, to leave time for the final lookups. */
    let lastHourMs = 0
    let lastLookupMs = 0
    const finalMs = (): number => (lastLookupMs * o.names) / o.lookupsPerHour
    for (let hour = 1; hour <= o.hours && running === o.nodes && !bound.stopped; hour++) {
      if (!roomForAnotherHour(bound.remainingMs(), hour > 1 ? lastHourMs : undefined, finalMs())) {
        o.progress(`hour ${hour} not started: too little of the run's time left for it`)
        break
      }
      time += HOUR
      const t0 = performance.now()
      const cpu0 = cpuSeconds()
      const [puts0, lookups0] = [counts.puts, counts.rootLookups]
      // Churn: honest servers leave, fresh ones (empty stores, new keys) join.
      const leaving = rng.sample(honest, Math.round(o.churn * honest.length))
      await phase('churn', async () => {
        await servers.leave(leaving)
        for (const gone of leaving) copies.leave(gone.id, mirrors())
        await servers.start(leaving.map(() => undefined))
        copies.settleAll(mirrors())
      })
      const tChurn = performance.now()
      // kad-dht's upkeep, on the simulated clock: each server's turn every `refreshHours`.
      const all = [...honest, ...sybils]
      await phase('table refresh', () =>
        pool(
          all.filter((_, i) => (hour + i) % o.refreshHours === 0),
          CONCURRENCY,
          async (s) =>
            void (await guard('table refresh', (signal) =>
              refreshRound(s.node.services.dht, s.node.peerId, signal),
            )),
          bound.signal,
        ),
      )
      const tRefresh = performance.now()
      // Holders sign a newer record every `ownerRepublishHours`, staggered by name.
      await phase('owners publish', () =>
        names.publishAll(holders.filter((_, i) => (hour + i) % o.ownerRepublishHours === 0)),
      )
      const t1 = performance.now()
      // The relay's store maintenance: expired records out, held records re-put. One server
      // after another in an order the seed draws, as the relays' jittered rounds fire: whether a
      // server skips a record (another put it there since its last round) then follows the seed.
      const [republished0, skipped0, capped0] = [
        counts.republished,
        counts.republishSkipped,
        counts.republishCapped,
      ]
      if (hour % o.republishHours === 0)
        await phase('republish', () =>
          pool(
            rng.sample(honest, honest.length),
            1,
            async (h) => {
              // The republisher takes no signal: its puts end within `REAL_BOUND_MS` each, and a
              // round still under way past the bound is left to finish on its own.
              const round = await guard('republish', async () => {
                await h.republisher.sweep()
                return h.republisher.republish()
              })
              counts.republished += round?.put ?? 0
              counts.republishSkipped += round?.skipped ?? 0
              counts.republishCapped += round?.capped ?? 0
            },
            bound.signal,
          ),
        )
      const t2 = performance.now()
      await phase('attacks', () =>
        pool(
          sybils,
          CONCURRENCY,
          async (s) => void (await guard('attack', (signal) => s.push(o.attacksPerHour, signal))),
          bound.signal,
        ),
      )
      const t3 = performance.now()
      const batch = Array.from({ length: o.lookupsPerHour }, () => rng.pick(holders))
      const found = await phase('lookups', () => lookUpAll(batch, hour))
      const foundEclipsed = o.eclipse
        ? await phase('lookups', () =>
            lookUpAll(Array<Holder>(o.eclipseLookupsPerHour).fill(holders[0]), hour),
          )
        : []
      const t4 = performance.now()
      // An hour the run's time cut short is not counted: its lookups ended with the servers.
      if (bound.stopped) break
      hoursRun = hour
      cpuHours += cpuSeconds() - cpu0
      lastHourMs = t4 - t0
      lastLookupMs = t4 - t3
      lookups.push(...found)
      eclipsed.push(...foundEclipsed)
      const ok = found.filter((l) => l.record && holderHex(l.record) === l.holder)
      const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
      o.progress(
        `hour ${hour}/${o.hours}: ${ok.length}/${o.lookupsPerHour} lookups found the holder's record, ${honest.length} honest + ${sybils.length} Sybil servers (churn ${s(tChurn - t0)}, table refresh ${s(tRefresh - tChurn)}, publish ${s(t1 - tRefresh)}, republish ${s(t2 - t1)}, attacks ${s(t3 - t2)}, lookups ${s(t4 - t3)}; ${(cpuSeconds() - cpu0).toFixed(1)} s of CPU; ${counts.rootLookups - lookups0} root look-ups for ${counts.puts - puts0} puts; records re-put ${counts.republished - republished0}, skipped ${counts.republishSkipped - skipped0}, re-put at the skip bound ${counts.republishCapped - capped0})`,
      )
    }
    // Records alive: one lookup of every name at the end.
    const final =
      running === o.nodes && !bound.stopped
        ? await phase('final lookups', () => lookUpAll(holders, hoursRun))
        : []
    const finalRun = final.length > 0 && !bound.stopped
    const stoppedEarly = bound.stopped || hoursRun < o.hours
    if (stoppedEarly)
      o.progress(
        `stopped: simulated ${hoursRun} of ${o.hours} hours, ${running} of ${o.nodes} servers started${finalRun ? '' : ', records alive not measured'}`,
      )
    // Honest servers captured: a name's record in their store is another key's.
    const captured = await names.captured()
    return summarise({
      captured: captured.all,
      stores: honest.length * holders.length,
      options: {
        nodes: running,
        churn: o.churn,
        hours: hoursRun,
        attackers: o.attackers,
        seed: o.seed,
        names: o.names,
      },
      planned: { nodes: o.nodes, hours: o.hours },
      sybils: sybils.length,
      startMs,
      cpu: { startUp: cpuStartUp, hours: cpuHours },
      lookups,
      final: finalRun ? final : [],
      bytes: meter.bytes - bytesAtStart,
      refusals: Object.fromEntries(ctx.refusals),
      publishes: names.publishes,
      counts: counts.snapshot(),
      content: copies.result(mirrors()),
      ...(firstReach.length === 0
        ? {}
        : { firstPublish: firstPublishResult(firstReach, o.eclipse === true) }),
      ...(o.eclipse
        ? {
            eclipse: {
              lookups: eclipsed,
              captured: captured.first,
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
    bound.dispose()
    await servers.stopAll()
    restoreRandom()
  }
}
