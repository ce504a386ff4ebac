/**
 * `npm run sim -- --nodes N --churn RATE --hours H --attackers FRACTION --seed S [--names K]
 * [--lookups L] [--latency MS] [--republish-hours R] [--republish-max-skips X] [--refresh-hours F]
 * [--owner-republish-hours O] [--out FILE]
 * [--profile] [--minutes M] [--days D] [--eclipse] [--sybil-blocks B]`: runs the network
 * simulation (bench/sim/) and prints its figures beside the goals and the anchors' figures;
 * `--out` also writes them as JSON (runs worth keeping go to bench/reference/); `--profile` also
 * prints where the real time went; `--minutes` bounds the whole run to M minutes of real time (a
 * phase under way included: when the time is up every server stops) and reports the servers
 * started and the hours simulated; `--days` is `--hours` × 24; `--eclipse` grinds the Sybils'
 * keys into the first name's key neighbourhood, every one hijacking; `--sybil-blocks` has the
 * Sybils answer from B address blocks (one vote each) instead of one each; `--refresh-hours`
 * sets the simulated hours between a server's look-up of its own ID and refresh of its routing
 * table (kad-dht's 5-minute timers, on the simulated clock: bench/sim/dht-timers.ts);
 * `--republish-max-skips` sets how many rounds in a row a server may skip a record other holders
 * put to it (the relay's `REPUBLISH_MAX_SKIPS` unless given; a large number lifts the bound).
 * @module
 */
import { writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { runSimulation } from '../bench/sim/simulation.ts'
import { formatResult } from '../bench/sim/sim-format.ts'
import { SimProfile } from '../bench/sim/sim-profile.ts'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100' },
    churn: { type: 'string', default: '0.3' },
    hours: { type: 'string', default: '24' },
    attackers: { type: 'string', default: '0.1' },
    seed: { type: 'string', default: '1' },
    names: { type: 'string' },
    lookups: { type: 'string' },
    latency: { type: 'string' },
    'republish-hours': { type: 'string' },
    'republish-max-skips': { type: 'string' },
    'refresh-hours': { type: 'string' },
    'owner-republish-hours': { type: 'string' },
    out: { type: 'string' },
    profile: { type: 'boolean', default: false },
    minutes: { type: 'string' },
    days: { type: 'string' },
    eclipse: { type: 'boolean', default: false },
    'sybil-blocks': { type: 'string' },
  },
})

/** A numeric flag, or exits with a line naming it. */
function flag(name: keyof typeof values, min: number, max: number): number | undefined {
  const raw = values[name]
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name}: expected a number from ${min} to ${max}, got "${String(raw)}"`)
    process.exit(2)
  }
  return n
}

const profile = values.profile ? new SimProfile() : undefined
// kad-dht and libp2p end most calls of a run with an AbortError, each capturing a stack trace:
// in a 100-server profile their constructors were about 3 % of the CPU. Nothing reads them.
Error.stackTraceLimit = 2
// The in-memory transport holds no socket, and kad-dht waits on AbortSignal timers, which do
// not keep the process alive: with every query waiting on one, Node would exit mid-run with the
// run's promise unsettled. This timer keeps it alive until the run ends.
const keepAlive = setInterval(() => undefined, 60_000)
const started = performance.now()
const result = await runSimulation({
  nodes: flag('nodes', 2, 100_000)!,
  churn: flag('churn', 0, 1)!,
  hours:
    values.days !== undefined
      ? Math.max(1, Math.round(flag('days', 0, 365)! * 24))
      : flag('hours', 1, 24 * 365)!,
  attackers: flag('attackers', 0, 0.9)!,
  seed: flag('seed', 0, 2 ** 32 - 1)!,
  ...(values.names ? { names: flag('names', 1, 1_000_000) } : {}),
  ...(values.lookups ? { lookupsPerHour: flag('lookups', 1, 100_000) } : {}),
  ...(values.latency ? { latency: flag('latency', 0, 10_000) } : {}),
  ...(values['republish-hours'] ? { republishHours: flag('republish-hours', 1, 1000) } : {}),
  ...(values['republish-max-skips']
    ? { republishMaxSkips: flag('republish-max-skips', 0, 1_000_000) }
    : {}),
  ...(values['refresh-hours'] ? { refreshHours: flag('refresh-hours', 1, 1000) } : {}),
  ...(values['owner-republish-hours']
    ? { ownerRepublishHours: flag('owner-republish-hours', 1, 1000) }
    : {}),
  progress: (line) => console.error(line),
  ...(values.minutes ? { wallLimitMs: flag('minutes', 0.1, 10_000)! * 60_000 } : {}),
  ...(profile ? { profile } : {}),
  ...(values.eclipse ? { eclipse: true } : {}),
  ...(values['sybil-blocks'] ? { sybilBlocks: flag('sybil-blocks', 1, 100_000) } : {}),
})
clearInterval(keepAlive)
const seconds = (performance.now() - started) / 1000
console.log(formatResult(result))
const usage = process.resourceUsage()
const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6
console.log(
  `  wall time ${seconds.toFixed(0)} s, CPU ${cpuSeconds.toFixed(0)} s, peak RSS ${(usage.maxRSS / 1024).toFixed(0)} MiB, load ${loadavg()[0].toFixed(1)}`,
)
if (profile) console.log(`where the real time went:\n${profile.format()}`)
if (values.out) {
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  }
  writeFileSync(
    values.out,
    `${JSON.stringify({ date: new Date().toISOString(), machine, wallSeconds: seconds, cpuSeconds, peakRssMiB: Math.round(usage.maxRSS / 1024), load: loadavg()[0], result }, null, 2)}\n`,
  )
}
process.exit(0)
