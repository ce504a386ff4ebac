/**
 * The table `npm run sim` prints: each goal beside its figure and the anchors' published figures
 * beside ours, the traffic, and apart from both what real time the run took.
 * @module
 */
import type { SimCountsResult } from './sim-counts.ts'
import { firstPublishRow } from './first-publish.ts'
import { GOALS, type SimResult } from './sim-result.ts'

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
