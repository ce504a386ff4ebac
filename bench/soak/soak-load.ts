/**
 * The load of a soak: clients spread over the relays of a `SoakNetwork` (client i's home is
 * relay i mod R), each doing `rate` operations a minute (publish, resolve or fetch, drawn with
 * `OP_MIX`), measured in windows: every operation's latency by kind, errors by kind, and each
 * relay's RSS, open file handles, connections, reservations and CPU, plus this process's CPU
 * (the clients run here, so a saturated load generator shows as such).
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Prng } from '../sim/prng.ts'
import { quantile } from '../sim/sim-result.ts'
import { getJson, type RelayProcess } from '../../test/relay/support/relay-process.ts'
import { errorKind, OP_TIMEOUT_MS, SoakClient, type OpKind, type Published } from './soak-client.ts'
import type { SoakNetwork } from './soak-network.ts'

/** Share of operations of each kind (the rest of 1 is fetches). */
export const OP_MIX = { publish: 0.2, resolve: 0.5 } as const
/** Characters of an error message kept as the example of its kind. */
const EXAMPLE_CHARS = 300
/** Clients connecting at once while the load ramps up. */
const RAMP_CONCURRENCY = 8
/** Clock ticks a second in /proc/PID/stat. */
const CLOCK_TICKS = 100

/** Latency figures of one kind of operation (ms). */
export interface Latency {
  count: number
  p50?: number
  p95?: number
  p99?: number
}

/** One relay's usage at the end of a window. */
export interface RelayUsage {
  rssMiB: number
  handles: number
  /** Open libp2p connections (-1 when `/health` did not answer). */
  connections: number
  reservations: number
  /** Share of one core the relay used over the window. */
  cpu: number
}

/** What one window measured. */
export interface WindowReport {
  /** Seconds since the load started, at the window's end. */
  at: number
  seconds: number
  clients: number
  /** Operations that completed (succeeded or failed) in the window. */
  completed: number
  succeeded: number
  opsPerSecond: number
  latency: Record<OpKind, Latency>
  errors: Record<string, number>
  relays: RelayUsage[]
  /** Share of one core this process (every client) used over the window. */
  loadCpu: number
  /**
   * p95 of how late this process's event loop ran its work over the window (ms): the
   * machine's scheduling delay, which every process here (the relays too) pays.
   */
  loopDelayP95Ms: number
}

const KINDS: OpKind[] = ['reserve', 'publish', 'resolve', 'fetch']

/** Clients and their measurements over a network. */
export class SoakLoad {
  readonly clients: SoakClient[] = []
  private readonly net: SoakNetwork
  private readonly rate: number
  private readonly rng: Prng
  private readonly published: Published[] = []
  /** Clients given a home relay so far (round robin). */
  private assigned = 0
  private readonly loadStart = performance.now()
  private window = emptyWindow()
  /** Reservation requests asked again after one failed (as the browser does), over all clients. */
  reservationRetries = 0
  /** Connections to a home relay lost and dialled again, over all clients (stopped ones included). */
  private redialsOfStopped = 0
  /** The first error message of each kind, for the report. */
  readonly examples: Record<string, string> = {}
  /** Every operation since the start. */
  private all = emptyWindow()
  private windowStart = performance.now()
  private cpuMark = process.cpuUsage()
  private relayCpuMark: number[]
  private readonly timeoutMs: number
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 })

  /** `rate`: operations per client per minute; each may take `timeoutMs`. */
  constructor(net: SoakNetwork, rate: number, timeoutMs = OP_TIMEOUT_MS, seed = 1) {
    this.net = net
    this.rate = rate
    this.timeoutMs = timeoutMs
    this.rng = new Prng(seed)
    this.relayCpuMark = net.relays.map(relayCpuSeconds)
    this.loopDelay.enable()
  }

  /** Connects `n` more clients, each with a reservation at its home relay; failures are counted. */
  async addClients(n: number): Promise<void> {
    let left = n
    await Promise.all(
      Array.from({ length: Math.min(RAMP_CONCURRENCY, n) }, async () => {
        while (left > 0) {
          left--
          const home = this.net.relays[this.assigned++ % this.net.relays.length]
          const t = performance.now()
          try {
            const client = await SoakClient.connect(home, this.timeoutMs)
            this.reservationRetries += client.reservationAttempts - 1
            this.clients.push(client)
            this.record('reserve', performance.now() - t)
          } catch (err) {
            this.fail('reserve', err)
          }
        }
      }),
    )
  }

  /** Runs every client's operations for `ms`, closing a window every `intervalMs`; resolves when every operation has completed. */
  async run(ms: number, intervalMs: number, onWindow: (w: WindowReport) => void): Promise<void> {
    const end = performance.now() + ms
    const timer = setInterval(() => void this.closeWindow().then(onWindow), intervalMs)
    try {
      await Promise.all(this.clients.map((c, i) => this.drive(c, i, end)))
    } finally {
      clearInterval(timer)
    }
    if (performance.now() - this.windowStart > intervalMs / 4) onWindow(await this.closeWindow())
  }

  /** Ends the current window and measures it. */
  async closeWindow(): Promise<WindowReport> {
    const w = this.window
    this.window = emptyWindow()
    const seconds = (performance.now() - this.windowStart) / 1000
    this.windowStart = performance.now()
    const cpu = process.cpuUsage(this.cpuMark)
    this.cpuMark = process.cpuUsage()
    const loopDelayP95Ms = this.loopDelay.percentile(95) / 1e6
    this.loopDelay.reset()
    const relayCpu = this.net.relays.map(relayCpuSeconds)
    const relays = await Promise.all(
      this.net.relays.map((r, i) => relayUsage(r, (relayCpu[i] - this.relayCpuMark[i]) / seconds)),
    )
    this.relayCpuMark = relayCpu
    const completed = KINDS.reduce((s, k) => s + w.ops[k].length, 0) + w.failed
    return {
      at: (performance.now() - this.loadStart) / 1000,
      seconds,
      clients: this.clients.length,
      completed,
      succeeded: completed - w.failed,
      opsPerSecond: completed / seconds,
      latency: Object.fromEntries(
        KINDS.map((k) => [k, latency(w.ops[k])]),
      ) as WindowReport['latency'],
      errors: w.errors,
      relays,
      loadCpu: (cpu.user + cpu.system) / 1e6 / seconds,
      loopDelayP95Ms,
    }
  }

  /** Disconnects the `n` clients connected last. */
  async removeClients(n: number): Promise<void> {
    const gone = this.clients.splice(Math.max(0, this.clients.length - n))
    for (const c of gone) this.redialsOfStopped += c.redials
    await Promise.all(gone.map((c) => c.stop().catch(() => undefined)))
  }

  /** Connections to a home relay lost and dialled again so far, over all clients. */
  get redials(): number {
    return this.clients.reduce((s, c) => s + c.redials, this.redialsOfStopped)
  }

  /** Stops every client. */
  async stop(): Promise<void> {
    this.loopDelay.disable()
    await Promise.all(this.clients.map((c) => c.stop().catch(() => undefined)))
  }

  private async drive(client: SoakClient, index: number, end: number): Promise<void> {
    const period = 60_000 / this.rate
    await sleep(this.rng.next() * period)
    while (performance.now() < end) {
      const t = performance.now()
      const draw = this.rng.next()
      const op: OpKind =
        this.published.length === 0 || draw < OP_MIX.publish
          ? 'publish'
          : draw < OP_MIX.publish + OP_MIX.resolve
            ? 'resolve'
            : 'fetch'
      try {
        if (op === 'publish') this.published.push(await client.publish(`c${index}`))
        else if (op === 'resolve') await client.resolve(this.rng.pick(this.published))
        else await client.fetch(this.net.site)
        this.record(op, performance.now() - t)
      } catch (err) {
        this.fail(op, err)
      }
      await sleep(Math.max(0, Math.min(period - (performance.now() - t), end - performance.now())))
    }
  }

  /** Every operation since the start: how many completed and succeeded, latencies and errors. */
  totals(): Pick<WindowReport, 'completed' | 'succeeded' | 'latency' | 'errors'> & {
    errorExamples: Record<string, string>
  } {
    const a = this.all
    const completed = KINDS.reduce((s, k) => s + a.ops[k].length, 0) + a.failed
    return {
      completed,
      succeeded: completed - a.failed,
      latency: Object.fromEntries(
        KINDS.map((k) => [k, latency(a.ops[k])]),
      ) as WindowReport['latency'],
      errors: { ...a.errors },
      errorExamples: { ...this.examples },
    }
  }

  private record(op: OpKind, ms: number): void {
    for (const w of [this.window, this.all]) w.ops[op].push(ms)
  }

  private fail(op: OpKind, err: unknown): void {
    const kind = `${op}: ${errorKind(err)}`
    this.examples[kind] ??= String((err as Error | undefined)?.message ?? err).slice(
      0,
      EXAMPLE_CHARS,
    )
    for (const w of [this.window, this.all]) {
      w.errors[kind] = (w.errors[kind] ?? 0) + 1
      w.failed++
    }
  }
}

function emptyWindow(): {
  ops: Record<OpKind, number[]>
  errors: Record<string, number>
  failed: number
} {
  return { ops: { reserve: [], publish: [], resolve: [], fetch: [] }, errors: {}, failed: 0 }
}

function latency(values: number[]): Latency {
  return {
    count: values.length,
    p50: quantile(values, 0.5),
    p95: quantile(values, 0.95),
    p99: quantile(values, 0.99),
  }
}

/** User plus system CPU seconds the relay process has used (0 once it is gone). */
function relayCpuSeconds(relay: RelayProcess): number {
  try {
    const fields = readFileSync(`/proc/${relay.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ')
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
  } catch {
    return 0
  }
}

async function relayUsage(relay: RelayProcess, cpu: number): Promise<RelayUsage> {
  const pid = relay.proc.pid!
  let rssMiB = 0
  let handles = 0
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    rssMiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
    handles = readdirSync(`/proc/${pid}/fd`).length
  } catch {
    // The relay is gone: zeros say so.
  }
  // getJson gives up after 5 s: a relay too busy to answer counts as -1 connections.
  const health = await getJson(relay, '/health').catch(() => undefined)
  return {
    rssMiB,
    handles,
    connections: (health?.connections as number | undefined) ?? -1,
    reservations: (health?.reservations as number | undefined) ?? -1,
    cpu,
  }
}
