/**
 * A seeded pseudo-random generator (mulberry32): the simulation draws every choice it makes
 * (keys, churn, lookups, attacks) from one, so a seed names a run.
 * @module
 */

/** A seeded source of numbers in [0, 1), integers and byte strings. */
export class Prng {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** The next number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]
  }

  /** `n` distinct elements (all of them when there are fewer). */
  sample<T>(items: readonly T[], n: number): T[] {
    const copy = [...items]
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      ;[copy[i], copy[j]] = [copy[j], copy[i]]
    }
    return copy.slice(0, n)
  }

  /** `length` bytes (a key seed). */
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length)
    for (let i = 0; i < length; i++) out[i] = this.int(256)
    return out
  }
}

/**
 * Makes `Math.random` (kad-dht's query paths, libp2p's own choices) a generator seeded with
 * `seed` until the returned function restores it: what it draws no longer differs between
 * runs of one seed; only the interleaving of concurrent work still may.
 */
export function seedMathRandom(seed: number): () => void {
  const original = Math.random
  const prng = new Prng(seed)
  Math.random = () => prng.next()
  return () => {
    Math.random = original
  }
}
