/**
 * `RunBound`: the real time a simulation run may take (`--minutes`), for the whole run. When it
 * passes, the bound aborts its signal and calls `onStop` (the simulation stops every server,
 * which ends every query, dial and put under way at once); phases check `stopped` and the run
 * reports what it simulated. `guard` bounds one operation of a phase the same way, so that a
 * wait that never ends fails that operation instead of stalling the run. Also measures the
 * process's CPU time, so the run can print what a server started and a simulated hour cost.
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

  /**
   * Runs `op` with a signal that aborts when the run's time is up or `ms` of real time have
   * passed. An `op` that has not ended `ms` after it started is abandoned: the guard resolves
   * undefined at once and calls `onCut`, whatever `op` still waits for; so does the end of the
   * run's time (without `onCut`). An error `op` ends with before then is passed on. The guard's
   * timer holds the process open, as a wait on a timer signal alone would not.
   */
  async guard<T>(
    ms: number,
    op: (signal: AbortSignal) => Promise<T>,
    onCut: () => void,
  ): Promise<T | undefined> {
    const own = new AbortController()
    let timer: NodeJS.Timeout | undefined
    let stopped = (): void => undefined
    const cut = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        own.abort(new DOMException('the operation’s real-time bound passed', 'TimeoutError'))
        onCut()
        resolve(undefined)
      }, ms)
      stopped = () => resolve(undefined)
      this.signal.addEventListener('abort', stopped, { once: true })
    })
    const run = op(AbortSignal.any([this.signal, own.signal]))
    // Abandoned, it may still fail later: nobody waits for it then.
    run.catch(() => undefined)
    try {
      return await Promise.race([run, cut])
    } finally {
      clearTimeout(timer)
      this.signal.removeEventListener('abort', stopped)
    }
  }

  /** Clears the timer (the run ended first). */
  dispose(): void {
    clearTimeout(this.timer)
  }
}
