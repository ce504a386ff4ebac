/**
 * The questions to the trusted relays for a name's record (`relay-record.ts`), sent while the
 * device's store is still read: a name the cache does not hold has its relays' answers on the
 * way by the time the miss is known, instead of only then being asked. A name the cache answered
 * lately is not asked ahead (its next resolve most likely reads it again), and a name is asked
 * once however many resolves wait on it. What is asked ahead is only bytes: `relay-first.ts`
 * validates each answer, checks it against the pin and caches it as before.
 * @module
 */
import type { Connection } from '@libp2p/interface'
import { dhtKey } from '../../core/records/index.ts'
import { DHT_GET_TIMEOUT_MS } from './constants.ts'
import { askRelayForRecord } from './relay-record.ts'

/** Names whose cached record answered lately, remembered (the oldest forgotten first). */
const MAX_CACHED_LATELY = 256

/** The relays' answers for one name: each relay's value, or undefined (none, or it failed). */
export interface RelayAnswers {
  answers: Promise<Uint8Array | undefined>[]
  /** Stops the questions still under way. */
  stop(): void
}

/** Asks each of `connections` for the value under `key` now, each bounded by a look-up's time. */
export function askRelays(
  key: Uint8Array | Promise<Uint8Array>,
  connections: readonly Connection[],
  signal?: AbortSignal,
): RelayAnswers {
  const controller = new AbortController()
  // A relay that never answers holds its stream no longer than a look-up may take.
  const bounds = [controller.signal, AbortSignal.timeout(DHT_GET_TIMEOUT_MS)]
  const asked = AbortSignal.any(signal === undefined ? bounds : [signal, ...bounds])
  const answers = connections.map(async (connection) => {
    try {
      // The stream is opened while the key is hashed.
      return await askRelayForRecord(connection, key, asked)
    } catch {
      return undefined
    }
  })
  return { answers, stop: () => controller.abort() }
}

/** What `EarlyAsks.ask` gives its caller: `done` stops the questions unless a look-up took them. */
export interface AskedAhead {
  done(): void
}

const NOTHING: AskedAhead = { done: () => undefined }

/** The questions asked ahead, by name, until a look-up takes them or their asker is done. */
export class EarlyAsks {
  private readonly pending = new Map<string, RelayAnswers>()
  private readonly cachedLately = new Set<string>()

  /**
   * Asks `connections` for `name`'s record now, unless the cache answered `name` lately or it is
   * being asked already. The caller calls `done` once the cache answered or the look-up returned.
   */
  ask(name: string, connections: () => readonly Connection[]): AskedAhead {
    if (this.cachedLately.has(name) || this.pending.has(name)) return NOTHING
    const open = connections()
    if (open.length === 0) return NOTHING
    const mine = askRelays(dhtKey(name), open)
    this.pending.set(name, mine)
    return {
      done: () => {
        if (this.pending.get(name) !== mine) return
        this.pending.delete(name)
        mine.stop()
      },
    }
  }

  /** The answers asked ahead for `name`, now the look-up's own (undefined when none were). */
  take(name: string): RelayAnswers | undefined {
    const answers = this.pending.get(name)
    this.pending.delete(name)
    return answers
  }

  /** The cache holds `name` now: its next resolves are not asked ahead. */
  cached(name: string): void {
    this.cachedLately.delete(name)
    this.cachedLately.add(name)
    if (this.cachedLately.size > MAX_CACHED_LATELY)
      this.cachedLately.delete(this.cachedLately.values().next().value as string)
  }
}
