/**
 * The figures of a simulation run, and the table `npm run sim` prints with each goal beside
 * its figure and the anchors' published figures beside ours.
 * @module
 */
import { LookupTimeoutError } from '../../src/net/naming/errors.ts'
import type { SimCountsResult } from './sim-counts.ts'
import type { LookupResult } from './traced-lookup.ts'
import { holderHex } from './traced-lookup.ts'
import type { SiteCopiesResult } from './site-copies.ts'
import { firstPublishRow, type FirstPublishResult } from './first-publish.ts'

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

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`
const num = (x: number | undefined, digits = 0): string =>
  x === undefined ? '–' : x.toFixed(digits)
const mark = (met: boolean): string => (met ? 'met' : 'MISSED')

/** `cut` as "none", or "lookup 2, table refresh 1" (the kinds with any). */
export function cutLine(cut: SimCountsResult['cut']): string {
  const any = Object.entries(cut).filter(([, n]) => n > 0)
  return any.length === 0 ? 'none' : any.map(([kind, n]) => `${kind} ${n}`).join(', ')
}

/** The table `npm run sim` prints: the simulated outcomes, then what real time they took. */
export function formatResult(r: SimResult): string {
  return `${formatOutcomes(r)}\n${formatTraffic(r)}\n${formatRealTime(r)}`
}

/**
 * The run's real-time and CPU figures, apart from its outcomes: they depend on the machine and
 * its load, which the outcomes must not.
 */
export function formatRealTime(r: SimResult): string {
  const c = r.cpu
  return [
    `real time (this machine, its load; not the DHT's):`,
    `  started in ${r.startSeconds.toFixed(1)} s; lookup latency p50 / p95 ${num(r.latencyMsP50)} / ${num(r.latencyMsP95)} ms (in memory: CPU time, no network delay)`,
    `  CPU ${c.perServerStarted.toFixed(2)} s per server started, ${c.perHour === undefined ? '–' : c.perHour.toFixed(1)} s per simulated hour at ${r.options.nodes} servers; a 500-server week at these rates: ${c.week500 === undefined ? '–' : `${(c.week500 / 3600).toFixed(1)} h of one core`}`,
    `  lookups the real-time bound ended: ${r.lookupsCut}${r.lookupsCut > 0 ? ' (their failures measure the machine, not the DHT)' : ''}`,
    `  operations cut at their real-time bound (failed, the run went on): ${cutLine(r.counts.cut)}`,
  ].join('\n')
}

/**
 * The simulated outcomes beside the goals: what the seed decides. Two runs with one seed print
 * the same lines.
 */
export function formatOutcomes(r: SimResult): string {
  const o = r.options
  const rows: Array<[string, string, string]> = [
    [
      'lookup success',
      pct(r.success),
      `≥ ${pct(GOALS.success)}: ${mark(r.success >= GOALS.success)}`,
    ],
    [
      'hops p50 / p95',
      `${num(r.hopsP50)} / ${num(r.hopsP95)}`,
      `p50 ≤ ${GOALS.hopsP50}: ${mark((r.hopsP50 ?? Infinity) <= GOALS.hopsP50)} (ProbeLab: 90 % ≤ 4; Freenet: median 6 at 443 peers)`,
    ],
    ['lookups within 4 hops', pct(r.withinFourHops), 'ProbeLab Amino DHT: 90 %'],
    [
      'names hijacked',
      String(r.namesHijacked),
      `${GOALS.hijacked}: ${mark(r.namesHijacked === 0)}`,
    ],
    [
      'names rolled back',
      String(r.namesRolledBack),
      `${GOALS.rolledBack}: ${mark(r.namesRolledBack === 0)}`,
    ],
    [
      `records alive after ${o.hours} h`,
      r.recordsAlive === undefined ? '–' : pct(r.recordsAlive),
      r.recordsAlive === undefined
        ? "not measured: the run's time was up before the final lookups"
        : `${pct(GOALS.alive)}: ${mark(r.recordsAlive >= GOALS.alive)}`,
    ],
    [
      "owners' publishes stored nowhere",
      `${r.publishes.storedNowhere} / ${r.publishes.made}`,
      `${r.publishes.timedOut} ran out of time; servers per put p50 ${num(r.publishes.serversP50)} (K = 20): a record stored nowhere cannot be alive${
        Object.keys(r.publishes.whyNowhere).length === 0
          ? ''
          : `; their errors: ${Object.entries(r.publishes.whyNowhere)
              .map(([k, v]) => `${k} × ${v}`)
              .join(', ')}`
      }`,
    ],
    [
      'honest stores holding a rival',
      pct(r.storesCaptured),
      'share of (honest server, name) pairs at the end; clients follow the majority',
    ],
    [
      'mirrored sites complete',
      `${r.content.complete} / ${r.content.sites}`,
      `every site: ${mark(r.content.sites > 0 && r.content.complete === r.content.sites)} (placed on R = 3 as the relay places them; ${r.content.pulls} copies pulled as mirrors came and went; fewest honest copies of a site ${r.content.fewestCopies})`,
    ],
  ]
  if (r.firstPublish !== undefined) rows.push(firstPublishRow(r.firstPublish))
  if (r.eclipse !== undefined)
    rows.push([
      'eclipsed name: lookups found',
      pct(r.eclipse.success),
      `${pct(GOALS.success)}: ${mark(r.eclipse.success >= GOALS.success)} (${r.eclipse.lookups} lookups; ${r.eclipse.sybilsAmongClosest} Sybils among its 20 closest servers, ${r.eclipse.captured} honest servers holding a rival)`,
    ])
  const width = Math.max(...rows.map((row) => row[0].length))
  const valueWidth = Math.max(...rows.map((row) => row[1].length))
  return [
    `network simulation: ${o.nodes} DHT servers (${r.sybils} Sybil), churn ${pct(o.churn)}/h, ${o.hours} simulated h, ${o.names} names, seed ${o.seed}`,
    ...(o.hours < r.planned.hours || o.nodes < r.planned.nodes
      ? [
          `  stopped when the run's time was up: simulated ${o.hours} of ${r.planned.hours} hours, ${o.nodes} of ${r.planned.nodes} servers started`,
        ]
      : []),
    ...rows.map(([k, v, g]) => `  ${k.padEnd(width)}  ${v.padEnd(valueWidth)}  ${g}`),
  ].join('\n')
}

/**
 * The run's traffic: bytes, puts, writes and refusals. A seed fixes every choice, but these
 * counts also follow the order concurrent calls end in (record signatures are checked by
 * WebCrypto on libuv's thread pool, which answers in the order its threads finish), so two
 * runs of one seed may differ here by a few writes.
 */
export function formatTraffic(r: SimResult): string {
  const c = r.counts
  const rows: Array<[string, string, string]> = [
    ['bytes per node per hour', `${(r.bytesPerNodePerHour / 1024).toFixed(1)} KiB`, ''],
    [
      'root look-ups per put',
      r.lookupsPerPut.toFixed(2),
      `${c.rootLookups} look-ups (${c.distinctLookups} distinct server and name) for ${c.puts} puts (${c.writesReceived} writes received; judged without one: ${Object.entries(
        c.shared,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    ],
    [
      "servers' republish rounds",
      `${c.republished} re-put`,
      `${c.republishSkipped} skipped: another holder put them there since the server's previous round; ${c.republishCapped} of the re-puts only because their server had skipped them as often in a row as it may`,
    ],
  ]
  const width = Math.max(...rows.map((row) => row[0].length))
  const valueWidth = Math.max(...rows.map((row) => row[1].length))
  const refusals = Object.entries(r.refusals)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')
  return [
    'traffic (follows the order concurrent calls end in):',
    ...rows.map(([k, v, g]) => `  ${k.padEnd(width)}  ${v.padEnd(valueWidth)}  ${g}`),
    `  writes refused by honest servers: ${refusals || 'none'}`,
  ].join('\n')
}
