/**
 * `npm run soak -- --clients N --minutes M [--rate R] [--out FILE]`: one relay process under
 * N Node libp2p clients connected over WebSockets, as browsers connect. Each client holds a
 * circuit reservation, and R times a minute (default 6) publishes a record or resolves one
 * (half each) on the relay. Prints, per interval, the errors, the reservation and operation
 * latencies (p50/p95/p99), the relay's RSS and open file handles, then the slope of RSS and
 * handles after warm-up (goal: flat).
 * The relay's per-source limits (reservations, inbound rate, new names a minute) are lifted:
 * every client comes from the same loopback address.
 * @module
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import { quantile } from '../bench/sim/sim-result.ts'
import { Prng } from '../bench/sim/prng.ts'
import { createClient, getDirect, putDirect, type Client } from '../test/relay/support/client.ts'
import { dhtKey, generateKeyPair, rootRecord } from '../test/relay/support/records.ts'
import { removeDir, startRelay, tempDir } from '../test/relay/support/relay-process.ts'

/** Length of one reporting interval. */
const INTERVAL_MS = 15_000
/** Share of the run counted as warm-up, left out of the slopes. */
const WARM_UP = 0.25
/** Clients started at once while ramping up. */
const RAMP_CONCURRENCY = 8

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '100' },
    minutes: { type: 'string', default: '2' },
    rate: { type: 'string', default: '6' },
    out: { type: 'string' },
  },
})
const clientCount = Number(values.clients)
const minutes = Number(values.minutes)
const rate = Number(values.rate)
for (const [flag, n] of [
  ['clients', clientCount],
  ['minutes', minutes],
  ['rate', rate],
] as const) {
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${flag}: expected a positive number`)
    process.exit(2)
  }
}

interface Sample {
  at: number
  ops: number[]
  errors: number
  rssMiB: number
  handles: number
}

/** The relay's resident memory (MiB) and open file handles. */
function relayUsage(pid: number): { rssMiB: number; handles: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return { rssMiB: rssKiB / 1024, handles: readdirSync(`/proc/${pid}/fd`).length }
}

/** Least-squares slope of `y` over `x`. */
function slope(points: Array<[number, number]>): number {
  const n = points.length
  if (n < 2) return 0
  const mx = points.reduce((s, p) => s + p[0], 0) / n
  const my = points.reduce((s, p) => s + p[1], 0) / n
  const num = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0)
  const den = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0)
  return den === 0 ? 0 : num / den
}

const ms = (x: number | undefined): string => (x === undefined ? '–' : x.toFixed(0))

const dir = await tempDir('an-soak-')
const relay = await startRelay(dir, [
  '--max-reservations',
  String(clientCount * 2),
  '--max-reservations-per-source',
  String(clientCount * 2),
  '--inbound-connection-threshold',
  String(clientCount * 2),
  '--new-names-per-minute',
  '0',
  '--log-level',
  'warn',
])
const pid = relay.proc.pid!
const clients: Client[] = []
const reservationMs: number[] = []
let rampErrors = 0
const started = performance.now()
let next = 0
await Promise.all(
  Array.from({ length: RAMP_CONCURRENCY }, async () => {
    while (next < clientCount) {
      next++
      const t = performance.now()
      try {
        const c = await createClient({ relays: [relay.ws], circuit: true })
        while (!c.getMultiaddrs().some((a) => a.toString().includes('/p2p-circuit'))) {
          if (performance.now() - t > 30_000) throw new Error('no reservation')
          await sleep(50)
        }
        reservationMs.push(performance.now() - t)
        clients.push(c)
      } catch {
        rampErrors++
      }
    }
  }),
)
console.log(
  `${clients.length}/${clientCount} clients hold a reservation after ${((performance.now() - started) / 1000).toFixed(0)} s (${rampErrors} failed); reservation p50/p95/p99 ${ms(quantile(reservationMs, 0.5))}/${ms(quantile(reservationMs, 0.95))}/${ms(quantile(reservationMs, 0.99))} ms`,
)

const rng = new Prng(1)
const published: Array<{ key: Uint8Array; value: Uint8Array }> = []
const samples: Sample[] = []
let current: Sample = { at: 0, ops: [], errors: 0, ...relayUsage(pid) }
const end = performance.now() + minutes * 60_000
const loadStart = performance.now()
const cpuStart = readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')
let n = 0
const runClient = async (c: Client): Promise<void> => {
  const keyPair = generateKeyPair()
  await sleep(rng.next() * (60_000 / rate))
  while (performance.now() < end) {
    const t = performance.now()
    try {
      if (published.length === 0 || rng.next() < 0.5) {
        const name = `soak-${process.pid}-${n++}:load`
        const key = await dhtKey(name)
        const value = await rootRecord(name, keyPair)
        if (!(await putDirect(c, relay.peerId, key, value))) throw new Error('refused')
        published.push({ key, value })
      } else {
        const { key } = rng.pick(published)
        if ((await getDirect(c, relay.peerId, key)) === undefined) throw new Error('not found')
      }
      current.ops.push(performance.now() - t)
    } catch {
      current.errors++
    }
    await sleep(Math.max(0, 60_000 / rate - (performance.now() - t)))
  }
}
const sampler = setInterval(() => {
  samples.push({ ...current, ...relayUsage(pid), at: (performance.now() - loadStart) / 1000 })
  current = { at: 0, ops: [], errors: 0, rssMiB: 0, handles: 0 }
}, INTERVAL_MS)
await Promise.all(clients.map(runClient))
clearInterval(sampler)
const cpuEnd = readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')
const cpuSeconds =
  (Number(cpuEnd[13]) + Number(cpuEnd[14]) - Number(cpuStart[13]) - Number(cpuStart[14])) / 100

console.log('  t (s)  ops  errors  p50/p95/p99 ms    relay RSS MiB  handles')
for (const s of samples) {
  console.log(
    `  ${s.at.toFixed(0).padStart(5)}  ${String(s.ops.length).padStart(4)}  ${String(s.errors).padStart(6)}  ${`${ms(quantile(s.ops, 0.5))}/${ms(quantile(s.ops, 0.95))}/${ms(quantile(s.ops, 0.99))}`.padEnd(16)}  ${s.rssMiB.toFixed(0).padStart(13)}  ${String(s.handles).padStart(7)}`,
  )
}
const steady = samples.slice(Math.floor(samples.length * WARM_UP))
const rssSlope = slope(steady.map((s) => [s.at / 60, s.rssMiB]))
const handleSlope = slope(steady.map((s) => [s.at / 60, s.handles]))
const errors = samples.reduce((sum, s) => sum + s.errors, 0) + rampErrors
const cpuPerClient = cpuSeconds / Math.max(1, clients.length) / minutes
console.log(
  `errors ${errors} (goal 0); after warm-up RSS ${rssSlope >= 0 ? '+' : ''}${rssSlope.toFixed(2)} MiB/min, handles ${handleSlope >= 0 ? '+' : ''}${handleSlope.toFixed(1)}/min (goal: flat); relay CPU ${(cpuPerClient * 1000).toFixed(1)} ms per client per minute`,
)
if (values.out)
  writeFileSync(
    values.out,
    `${JSON.stringify({ date: new Date().toISOString(), clients: clientCount, minutes, rate, reservationMs, samples: samples.map((s) => ({ ...s, ops: undefined, p50: quantile(s.ops, 0.5), p95: quantile(s.ops, 0.95), p99: quantile(s.ops, 0.99), count: s.ops.length })), errors, rssSlope, handleSlope, cpuPerClient }, null, 2)}\n`,
  )
await Promise.all(clients.map((c) => c.stop()))
await relay.stop()
await removeDir(dir)
process.exit(0)
