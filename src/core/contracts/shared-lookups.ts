/**
 * Work in flight shared by the callers that ask for the same key at the same time (the
 * resolver's network lookups). The work runs with a signal of its own, aborted only once every
 * caller waiting on it has given up: one caller's signal (a look-ahead cancelled by the next
 * keystroke, or by Go) never fails the others that joined it, such as the document a bridge
 * asked for meanwhile. Each caller still stops waiting as soon as its own signal aborts.
 * @module
 */

interface Shared<T> {
  promise: Promise<T>
  controller: AbortController
  /** Callers still waiting; one with no signal waits for good. */
  waiting: number
}

/** Work by key, shared while it runs. */
export class SharedLookups<T> {
  private readonly running = new Map<string, Shared<T>>()

  /** Whether work for `key` is under way. */
  has(key: string): boolean {
    return this.running.has(key)
  }

  /** How many keys have work under way. */
  get size(): number {
    return this.running.size
  }

  /**
   * The result of the work under way for `key`, else of `work` started now. Rejects with
   * `signal`'s reason when it aborts first; the work itself is aborted only when no caller
   * waits any more.
   */
  run(key: string, work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    let shared = this.running.get(key)
    if (shared === undefined) {
      const controller = new AbortController()
      const entry: Shared<T> = { controller, waiting: 0, promise: work(controller.signal) }
      entry.promise
        .finally(() => {
          if (this.running.get(key) === entry) this.running.delete(key)
        })
        .catch(() => {})
      this.running.set(key, entry)
      shared = entry
    }
    shared.waiting++
    if (signal === undefined) return shared.promise
    const joined = shared
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        joined.waiting--
        if (joined.waiting === 0) {
          // Nobody waits: the work stops, and the next caller starts it afresh.
          if (this.running.get(key) === joined) this.running.delete(key)
          joined.controller.abort(signal.reason)
        }
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      joined.promise
        .finally(() => signal.removeEventListener('abort', onAbort))
        .then(resolve, reject)
    })
  }
}
