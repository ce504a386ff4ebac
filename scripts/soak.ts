/**
 * `npm run soak -- --clients N --minutes M [--relays R] [--rate X] [--interval S] [--out FILE]`:
 * R relay processes (default 3) forming one network, N Node libp2p clients over WebSockets
 * spread over them, each holding a circuit reservation and doing X operations a minute
 * (default 6: publish, resolve, fetch from a mirror). Prints a line every S seconds (default
 * 60) with operations a second, p50/p95 latencies by kind, errors by kind and each relay's RSS,
 * open handles and connections; then a summary, also written as JSON to bench/results/ (or
 * FILE). Stops by itself.
 *
 * `npm run soak -- --find-limit [--relays R] [--start N] [--step N] [--max-clients N]
 * [--step-seconds S] [--max-minutes M]`: adds clients in steps until the error rate or the
 * resolve p95 crosses its threshold (bench/soak/find-limit.ts), and prints where and what broke
 * first; no step starts that would end after M minutes (default: no bound).
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { findLimit, formatLimit } from '../bench/soak/find-limit.ts'
import { runSoak } from '../bench/soak/run-soak.ts'
import { formatSummary } from '../bench/soak/soak-report.ts'
import { REPO_ROOT } from '../test/relay/support/relay-process.ts'

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '100' },
    minutes: { type: 'string', default: '2' },
    relays: { type: 'string' },
    rate: { type: 'string', default: '6' },
    interval: { type: 'string', default: '60' },
    out: { type: 'string' },
    'find-limit': { type: 'boolean', default: false },
    start: { type: 'string', default: '25' },
    step: { type: 'string', default: '25' },
    'max-clients': { type: 'string', default: '500' },
    'step-seconds': { type: 'string', default: '45' },
    'max-minutes': { type: 'string' },
  },
})

/** A flag's value as a positive number, or exit 2 saying which flag is wrong. */
function positive(flag: keyof typeof values, fallback?: number): number {
  const raw = values[flag]
  const n = raw === undefined ? fallback : Number(raw)
  if (n === undefined || !Number.isFinite(n) || n <= 0) {
    console.error(`--${flag}: expected a positive number`)
    process.exit(2)
  }
  return n
}

const limitMode = values['find-limit'] === true
const relays = positive('relays', limitMode ? 1 : 3)
const rate = positive('rate')
const summary = limitMode
  ? await findLimit({
      relays,
      rate,
      start: positive('start'),
      step: positive('step'),
      maxClients: positive('max-clients'),
      stepMs: positive('step-seconds') * 1000,
      maxMs: values['max-minutes'] === undefined ? Infinity : positive('max-minutes') * 60_000,
    })
  : await runSoak({
      relays,
      rate,
      clients: positive('clients'),
      durationMs: positive('minutes') * 60_000,
      intervalMs: positive('interval') * 1000,
    })
console.log(summary.kind === 'soak' ? formatSummary(summary) : formatLimit(summary))
const out =
  values.out ??
  join(
    REPO_ROOT,
    'bench',
    'results',
    `${summary.kind}-${summary.date.replace(/:/g, '-').replace(/\..*/, '')}.json`,
  )
mkdirSync(join(out, '..'), { recursive: true })
writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`)
console.log(`written to ${out}`)
process.exit(0)
