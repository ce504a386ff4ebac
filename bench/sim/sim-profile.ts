/**
 * `SimProfile`: where a simulation's real time goes. libp2p hands its `metrics` component every
 * kad-dht call it traces (`get`, `put`, `getClosestPeers`, each `sendRequest` by message type);
 * the byte meter passes them here, which times each call from its start to its last event and
 * counts how it ended. The simulation adds its own phases (start-up, churn, republish, …) and
 * the honest servers' inbound DHT handlers. `npm run sim -- --profile` prints the table.
 * @module
 */

/** A call slower than this is counted as slow (real time, ms). */
export const SLOW_CALL_MS = 1_000

interface Entry {
  count: number
  totalMs: number
  maxMs: number
  slow: number
  errors: Map<string, number>
}

/** Durations and outcomes of traced calls, by label. */
export class SimProfile {
  private readonly entries = new Map<string, Entry>()
  /** Calls under way: their label and start (real time, ms). */
  private readonly open = new Set<{ label: string; started: number }>()

  /** The calls under way, the oldest first: label and age (real time, ms). */
  underWay(): Array<{ label: string; ms: number }> {
    const now = performance.now()
    return [...this.open]
      .sort((a, b) => a.started - b.started)
      .map((c) => ({ label: c.label, ms: now - c.started }))
  }

  /** Notes one call of `label` that took `ms`, and the error it ended with, if any. */
  note(label: string, ms: number, error?: unknown): void {
    let e = this.entries.get(label)
    if (e === undefined) {
      e = { count: 0, totalMs: 0, maxMs: 0, slow: 0, errors: new Map() }
      this.entries.set(label, e)
    }
    e.count++
    e.totalMs += ms
    e.maxMs = Math.max(e.maxMs, ms)
    if (ms >= SLOW_CALL_MS) e.slow++
    if (error !== undefined) {
      const name = (error as { name?: string })?.name ?? 'Error'
      e.errors.set(name, (e.errors.get(name) ?? 0) + 1)
    }
  }

  /** Runs `fn`, noting its time under `label`. */
  async time<T>(label: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now()
    const call = { label, started }
    this.open.add(call)
    try {
      const value = await fn()
      this.note(label, performance.now() - started)
      return value
    } catch (err) {
      this.note(label, performance.now() - started, err)
      throw err
    } finally {
      this.open.delete(call)
    }
  }

  /**
   * `fn` wrapped so that each call is timed under `label(args)`: a returned async iterable from
   * its first event to its end, a promise until it settles. With `failedEvent`, a `QUERY_ERROR`
   * event counts as the call's error: kad-dht's `sendRequest` yields a failed request as one
   * instead of throwing (a query's own events carry its peers' errors, which are not its own).
   * Calls under way are listed by `underWay`.
   */
  wrap<F>(label: (args: unknown[]) => string, fn: F, { failedEvent = false } = {}): F {
    const open = this.open
    const note = (call: { label: string; started: number }, error?: unknown): void => {
      open.delete(call)
      this.note(call.label, performance.now() - call.started, error)
    }
    return function (this: unknown, ...args: unknown[]): unknown {
      const call = { label: label(args), started: performance.now() }
      open.add(call)
      const result = (fn as (...a: unknown[]) => unknown).apply(this, args)
      if (result != null && typeof result === 'object' && Symbol.asyncIterator in result) {
        return (async function* () {
          let error: unknown
          try {
            for await (const event of result as AsyncIterable<unknown>) {
              const e = event as { name?: string; error?: unknown }
              if (failedEvent && e?.name === 'QUERY_ERROR') error ??= e.error ?? e
              yield event
            }
          } catch (err) {
            error = err
            throw err
          } finally {
            note(call, error)
          }
        })()
      }
      if (result instanceof Promise)
        return result.then(
          (v: unknown) => {
            note(call)
            return v
          },
          (err: unknown) => {
            note(call, err)
            throw err
          },
        )
      note(call)
      return result
    } as F
  }

  /** The table: one line per label, the most total time first. */
  format(): string {
    const rows = [...this.entries].sort((a, b) => b[1].totalMs - a[1].totalMs)
    const width = Math.max(5, ...rows.map(([label]) => label.length))
    return [
      `  ${'label'.padEnd(width)}  ${'calls'.padStart(8)}  ${'total s'.padStart(9)}  ${'mean ms'.padStart(9)}  ${'max ms'.padStart(8)}  ${`≥${SLOW_CALL_MS} ms`.padStart(9)}  errors`,
      ...rows.map(
        ([label, e]) =>
          `  ${label.padEnd(width)}  ${String(e.count).padStart(8)}  ${(e.totalMs / 1000).toFixed(1).padStart(9)}  ${(e.totalMs / e.count).toFixed(1).padStart(9)}  ${e.maxMs.toFixed(0).padStart(8)}  ${String(e.slow).padStart(9)}  ${[
            ...e.errors,
          ]
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
      ),
    ].join('\n')
  }
}
