/**
 * The figures of a simulation run, summarised from what it recorded, and the goals they are
 * held to (sim-format.ts prints them).
 * @module
 */
import { LookupTimeoutError } from '../../src/net/naming/errors.ts'
import type { SimCountsResult } from './sim-counts.ts'
import type { LookupResult } from './traced-lookup.ts'
import { holderHex } from './traced-lookup.ts'
import type { SiteCopiesResult } from './site-copies.ts'
import type { FirstPublishResult } from './first-publish.ts'

/** One lookup as the simulation recorded it. */
export interface LookupRecord extends LookupResult {
  name: string
  hour: number
  /** Hex of the key holding the name. */
  holder: string
  /** The holder's newest seq when the lookup started. */
  latestSeq: number
}

/** Goals from issue 15: lookup success ≥ 99.9 %, hops p50 ≤ 4, no name hijacked or rolled back. */
export const GOALS = { success: 0.999, hopsP50: 4, hijacked: 0, rolledBack: 0, alive: 1 }

/** One owner's publish: the servers that took its put, and whether the put ran out of time. */
export interface PublishRecord {
  servers: number
  timedOut: boolean
  /** The put's errors, by name (`QUERY_ERROR` events and what ended it). */
  errors: string[]
}

/** Whether a put's error is its time running out. */
export function isTimeout(error: Error): boolean {
  return error instanceof LookupTimeoutError
}

/** What `summarise` is given. */
export interface RawRun {
  options: {
    nodes: number
    churn: number
    hours: number
    attackers: number
    seed: number
    names: number
  }
  /** What the run was asked for; `options` holds what it ran (less when its time was up). */
  planned: { nodes: number; hours: number }
  sybils: number
  startMs: number
  /** CPU seconds of the start-up and of the simulated hours completed. */
  cpu: { startUp: number; hours: number }
  lookups: LookupRecord[]
  /** The final lookup of every name; empty when the run's time was up before it ended. */
  final: LookupRecord[]
  bytes: number
  refusals: Record<string, number>
  /** The owners' publishes (the first of each name, and each update). */
  publishes: PublishRecord[]
  /** (honest server, name) pairs whose stored record is another key's, at the end. */
  captured: number
  /** (honest server, name) pairs in all, at the end. */
  stores: number
  /** Puts, writes received and root look-ups over the whole run. */
  counts: SimCountsResult
  /** The content scenario: mirrored sites at the end. */
  content: SiteCopiesResult
  /** The eclipsed name's lookups and what the eclipse held at the end (`--eclipse`). */
  eclipse?: { lookups: LookupRecord[]; captured: number; sybilsAmongClosest: number }
  /** How far owners' first publishes reached (first-publish.ts). */
  firstPublish?: FirstPublishResult
}

/** The figures of one run. */
export interface SimResult {
  options: RawRun['options']
  planned: RawRun['planned']
  sybils: number
  startSeconds: number
  /**
   * CPU seconds per server started and per simulated hour (undefined with no hour), and an
   * estimate of a 500-server week from them: start-up × 500 / servers, plus each hour × 500 /
   * servers × 168 (an hour's work grows with the servers: churn joins, refresh, republish).
   */
  cpu: { perServerStarted: number; perHour?: number; week500?: number }
  /** Lookups (the hours', the final and the eclipsed name's) the real-time bound ended. */
  lookupsCut: number
  lookups: number
  success: number
  hopsP50?: number
  hopsP95?: number
  /** Share of successful lookups within 4 hops (ProbeLab's figure). */
  withinFourHops: number
  latencyMsP50?: number
  latencyMsP95?: number
  /** Names for which some lookup chose a record of another key. */
  namesHijacked: number
  /** Names for which some lookup chose an older record of the holder than its newest. */
  namesRolledBack: number
  /** Share of names whose newest record the final lookup found; undefined when not run. */
  recordsAlive?: number
  bytesPerNodePerHour: number
  /** Share of (honest server, name) pairs whose stored record is another key's, at the end. */
  storesCaptured: number
  /** Writes the honest servers' guards refused, by reason. */
  refusals: Record<string, number>
  /** The owners' publishes: made, stored by no server, out of time, servers per put p50. */
  publishes: {
    made: number
    storedNowhere: number
    timedOut: number
    serversP50?: number
    /** The errors of the puts stored nowhere, by name and message, counted. */
    whyNowhere: Record<string, number>
  }
  /** Puts, writes received and root look-ups over the whole run. */
  counts: SimCountsResult
  /** The content scenario: mirrored sites at the end. */
  content: SiteCopiesResult
  /** Root look-ups per put (0 when no put was made). */
  lookupsPerPut: number
  /** How far owners' first publishes reached (first-publish.ts). */
  firstPublish?: FirstPublishResult
  /** The eclipsed name (`--eclipse`). */
  eclipse?: {
    lookups: number
    /** Share of its lookups that found its holder's record. */
    success: number
    /** Honest servers holding a rival of it at the end. */
    captured: number
    /** Sybils among the K servers closest to its key. */
    sybilsAmongClosest: number
  }
}

/** The `q` quantile (0..1) of `values`, nearest rank; undefined when empty. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
}

/** How many times each string occurs. */
function countBy(items: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1
  return counts
}

const own = (l: LookupRecord): boolean => l.record !== undefined && holderHex(l.record) === l.holder

/** Turns the raw lookups into the run's figures. */
export function summarise(run: RawRun): SimResult {
  const ok = run.lookups.filter(own)
  const hops = ok.map((l) => l.hops).filter((h): h is number => h !== undefined)
  const ms = run.lookups.map((l) => l.ms)
  const all = [...run.lookups, ...run.final, ...(run.eclipse?.lookups ?? [])]
  const hijacked = new Set(all.filter((l) => l.record && !own(l)).map((l) => l.name))
  const rolledBack = new Set(
    all.filter((l) => own(l) && l.record!.body.seq < l.latestSeq).map((l) => l.name),
  )
  const alive = run.final.filter((l) => own(l) && l.record!.body.seq === l.latestSeq).length
  const perServerStarted = run.cpu.startUp / Math.max(1, run.options.nodes)
  const perHour = run.options.hours > 0 ? run.cpu.hours / run.options.hours : undefined
  const scale = 500 / Math.max(1, run.options.nodes)
  return {
    options: run.options,
    planned: run.planned,
    sybils: run.sybils,
    startSeconds: run.startMs / 1000,
    cpu: {
      perServerStarted,
      ...(perHour === undefined
        ? {}
        : { perHour, week500: perServerStarted * 500 + perHour * scale * 168 }),
    },
    lookupsCut: all.filter((l) => l.cut === true).length,
    lookups: run.lookups.length,
    success: run.lookups.length === 0 ? 0 : ok.length / run.lookups.length,
    ...(hops.length ? { hopsP50: quantile(hops, 0.5), hopsP95: quantile(hops, 0.95) } : {}),
    withinFourHops: hops.length === 0 ? 0 : hops.filter((h) => h <= 4).length / hops.length,
    ...(ms.length ? { latencyMsP50: quantile(ms, 0.5), latencyMsP95: quantile(ms, 0.95) } : {}),
    namesHijacked: hijacked.size,
    namesRolledBack: rolledBack.size,
    ...(run.final.length === 0 ? {} : { recordsAlive: alive / run.options.names }),
    bytesPerNodePerHour: run.bytes / run.options.nodes / Math.max(1, run.options.hours),
    storesCaptured: run.stores === 0 ? 0 : run.captured / run.stores,
    refusals: run.refusals,
    publishes: {
      made: run.publishes.length,
      storedNowhere: run.publishes.filter((p) => p.servers === 0).length,
      timedOut: run.publishes.filter((p) => p.timedOut).length,
      whyNowhere: countBy(run.publishes.filter((p) => p.servers === 0).flatMap((p) => p.errors)),
      serversP50: quantile(
        run.publishes.map((p) => p.servers),
        0.5,
      ),
    },
    counts: run.counts,
    content: run.content,
    lookupsPerPut: run.counts.puts === 0 ? 0 : run.counts.rootLookups / run.counts.puts,
    ...(run.firstPublish === undefined ? {} : { firstPublish: run.firstPublish }),
    ...(run.eclipse === undefined
      ? {}
      : {
          eclipse: {
            lookups: run.eclipse.lookups.length,
            success:
              run.eclipse.lookups.length === 0
                ? 0
                : run.eclipse.lookups.filter(own).length / run.eclipse.lookups.length,
            captured: run.eclipse.captured,
            sybilsAmongClosest: run.eclipse.sybilsAmongClosest,
          },
        }),
  }
}
