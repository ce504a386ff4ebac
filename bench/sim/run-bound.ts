/**
 * `RunBound`: the real time a simulation run may take (`--minutes`), for the whole run. When it
 * passes, the bound aborts its signal and calls `onStop` (the simulation stops every server,
 * which ends every query, dial and put under way at once); phases check `stopped` and the run
 * reports what it simulated. Also measures the process's CPU time, so the run can print what a
 * server started and a simulated hour cost.
 * @module
 */

/** CPU seconds (user and system) this process has used. */
export function cpuSeconds(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

/**
 * How much longer than the last hour (and the final lookups' estimate) the next hour and the
 * final lookups are allowed to take: an hour's real time varies with churn, the servers' tables
 * and the machine's load, and the final lookups must still fit.
 */
export const HOUR_MARGIN = 1.5

/**
 * Whether another simulated hour and then the final lookups fit in `remainingMs` of real time,
 * given the last hour's real time (undefined before the first: nothing measured, it starts) and
 * the final lookups' estimate, ms.
 */
export function roomForAnotherHour(
  remainingMs: number,
  lastHourMs: number | undefined,
  finalMs: number,
): boolean {
  return lastHourMs === undefined || remainingMs >= HOUR_MARGIN * (lastHourMs + finalMs)
}

/** A run's real-time limit. */
export class RunBound {
  private readonly controller = new AbortController()
  private readonly timer?: NodeJS.Timeout
  private readonly deadline: number

  /** `limitMs` of real time from now (none when undefined); `onStop` runs once when it passes. */
  constructor(limitMs: number | undefined, onStop: () => void) {
    this.deadline = performance.now() + (limitMs ?? Infinity)
    if (limitMs !== undefined)
      this.timer = setTimeout(() => {
        this.controller.abort(new Error('the run’s time is up'))
        onStop()
      }, limitMs)
  }

  /** Aborted when the time is up. */
  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** Whether the time is up. */
  get stopped(): boolean {
    return this.controller.signal.aborted
  }

  /** Real time left, ms (Infinity without a limit). */
  remainingMs(): number {
    return this.deadline - performance.now()
  }

  /** `signal` joined with a real-time bound of `ms`. */
  within(ms: number): AbortSignal {
    return AbortSignal.any([this.signal, AbortSignal.timeout(ms)])
  }

  /** Clears the timer (the run ended first). */
  dispose(): void {
    clearTimeout(this.timer)
  }
}
