/**
 * Reading a request ahead of its name: a request of a site answered lately (a page's style
 * sheets, scripts and images after the page) is read from the record the site was last answered
 * from (manifest, sources and verified bytes) while its name resolves. The fetcher uses that
 * answer only when the name resolves to the same record (the same signed bytes); otherwise it
 * gives it up (its reads are aborted, its body cancelled) and reads the request anew.
 * @module
 */
import type { AnAddress } from '../../core/names/index.ts'
import type { SignedRecord } from '../../core/records/index.ts'

/** Sites whose last record is remembered (the oldest out). */
const MAX_READ_AHEAD_SITES = 16

/** A request being read ahead. */
export interface ReadingAhead {
  /** The record it is read from. */
  record: SignedRecord
  response: Promise<Response>
  /** Stops it: the name resolved to another record (or failed). */
  giveUp(): void
}

/** The records sites were last answered from, and the reads ahead made from them. */
export interface ReadAhead {
  /**
   * Starts reading `address` with `read` from its site's last record, when the site was
   * answered lately (`readLately`); undefined otherwise.
   */
  start(
    address: AnAddress,
    read: (record: SignedRecord, signal: AbortSignal) => Promise<Response>,
    signal: AbortSignal | undefined,
  ): ReadingAhead | undefined
  /** `record` answered a request of `site` now. */
  remember(site: string, record: SignedRecord): void
}

/** Reads ahead for the sites in `readLately` (those whose manifests are kept in memory). */
export function createReadAhead(readLately: ReadonlySet<string>): ReadAhead {
  const lastRecords = new Map<string, SignedRecord>()
  return {
    start(address, read, signal) {
      const record = lastRecords.get(address.site)
      if (record === undefined || !readLately.has(address.site)) return undefined
      const stop = new AbortController()
      const response = read(
        record,
        signal === undefined ? stop.signal : AbortSignal.any([signal, stop.signal]),
      )
      response.catch(() => {})
      return {
        record,
        response,
        giveUp() {
          stop.abort(new Error('The name resolved to another record.'))
          void response.then((r) => r.body?.cancel().catch(() => {})).catch(() => {})
        },
      }
    },
    remember(site, record) {
      lastRecords.delete(site)
      lastRecords.set(site, record)
      if (lastRecords.size > MAX_READ_AHEAD_SITES)
        lastRecords.delete(lastRecords.keys().next().value as string)
    },
  }
}
