/**
 * `KeyLocks`: runs async work one at a time per key, so two writes of one key cannot both pass
 * a check made before either is written (the guarded store's PUTs of one name).
 * @module
 */

/** Per-key serialisation of async work; a key's entry is dropped once its queue is empty. */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<unknown>>()

  /** Runs `fn` once every earlier `run` of `k` has settled; resolves or rejects as `fn` does. */
  async run<T>(k: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(k) ?? Promise.resolve()
    const run = before.then(fn, fn)
    const tail = run.catch(() => undefined)
    this.tails.set(k, tail)
    try {
      return await run
    } finally {
      if (this.tails.get(k) === tail) this.tails.delete(k)
    }
  }
}
