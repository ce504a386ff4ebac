/**
 * The public site directory: the sites whose owners opted in, as this relay knows them. The
 * opt-in is part of the owner-signed record (`meta.directory = "listed"`), so only the holder
 * of a name can list it, and only the record the relay's guarded store accepted (signature,
 * validity, no takeover, no rollback) counts. The directory hears of each record as the store
 * accepts it (through `RecordWatch`), keeps one entry per site from its newest record, drops it
 * when a newer record no longer opts in, when it expires, and when the name is revoked or its
 * content blocked (`purge`). Bounded in total, per source (the address block whose DHT put
 * brought the record) and per owner key. See docs/PROTOCOL.md, "The site directory".
 * @module
 */
import { Libp2pRecord } from '@libp2p/record'
import { decodeRecord, type SignedRecord } from '@alternet/core/records'
import { DHT_RECORD_PREFIX } from '../constants.ts'
import { currentSender, type RecordPolicy } from '../record-store.ts'
import {
  DIRECTORY_MAX_ENTRIES,
  DIRECTORY_MAX_PER_OWNER,
  DIRECTORY_MAX_PER_SOURCE,
  DIRECTORY_MAX_TITLE_CHARS,
  DIRECTORY_META_KEY,
  DIRECTORY_META_LISTED,
  DIRECTORY_PAGE_SIZE,
} from './constants.ts'

/** One listed site, as `GET /directory` shows it. */
export interface DirectoryListing {
  /** The canonical site name. */
  site: string
  /** `meta.title` of its record, when it has one (cut to `DIRECTORY_MAX_TITLE_CHARS`). */
  title?: string
  /** When its current record was signed, ms since the epoch. */
  updated: number
  /** When its current record expires, ms since the epoch. */
  expires: number
}

interface Entry extends DirectoryListing {
  seq: number
  owner: string
  source: string
  key: Uint8Array
  value: Uint8Array
}

/** Why a listing was not kept (for the relay's metrics and the spec). */
export type DirectoryRefusal = 'full' | 'source-quota' | 'owner-quota' | 'not-servable'

/** What the directory works with. */
export interface SiteDirectoryInit {
  policy: Pick<RecordPolicy, 'isServable'>
  /** @default DIRECTORY_MAX_ENTRIES */
  maxEntries?: number
  /** @default DIRECTORY_MAX_PER_SOURCE */
  maxPerSource?: number
  /** @default DIRECTORY_MAX_PER_OWNER */
  maxPerOwner?: number
  /** Called for each listing refused. */
  refused?(reason: DirectoryRefusal, site: string): void
  /** @default Date.now */
  now?: () => number
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function listed(record: SignedRecord): boolean {
  const { body } = record
  return body.content !== undefined && body.meta?.[DIRECTORY_META_KEY] === DIRECTORY_META_LISTED
}

/** The relay's public site directory. */
export class SiteDirectory {
  private readonly init: SiteDirectoryInit
  private readonly now: () => number
  private readonly entries = new Map<string, Entry>()

  constructor(init: SiteDirectoryInit) {
    this.init = init
    this.now = init.now ?? Date.now
  }

  /** Hears of a value the relay's store accepted (the `RecordWatch` callback). */
  onStored(dsKey: string, value: Uint8Array): void {
    if (!dsKey.startsWith(DHT_RECORD_PREFIX)) return
    // Read now: the sender is known only within the store write's own context.
    const source = currentSender()?.source ?? 'local'
    let key: Uint8Array
    let envelope: Uint8Array
    let record: SignedRecord
    try {
      const stored = Libp2pRecord.deserialize(value)
      key = stored.key
      envelope = stored.value
      record = decodeRecord(envelope)
    } catch {
      return
    }
    void this.consider(key, envelope, record, source)
  }

  private async consider(
    key: Uint8Array,
    value: Uint8Array,
    record: SignedRecord,
    source: string,
  ): Promise<void> {
    const { body } = record
    const site = body.name
    const held = this.entries.get(site)
    if (held !== undefined && held.seq > body.seq) return
    if (!listed(record)) {
      if (held !== undefined) this.entries.delete(site)
      return
    }
    if (!(await this.init.policy.isServable(key, value))) {
      this.entries.delete(site)
      this.init.refused?.('not-servable', site)
      return
    }
    const latest = this.entries.get(site)
    if (latest !== undefined && latest.seq > body.seq) return
    const owner = hex(body.owner)
    if (latest === undefined || latest.owner !== owner) {
      const reason = this.roomFor(source, owner)
      if (reason !== undefined) {
        this.init.refused?.(reason, site)
        return
      }
    }
    const title = body.meta?.title?.slice(0, DIRECTORY_MAX_TITLE_CHARS)
    this.entries.set(site, {
      site,
      ...(title === undefined || title === '' ? {} : { title }),
      updated: body.created,
      expires: body.expires,
      seq: body.seq,
      owner,
      source: latest?.source ?? source,
      key,
      value,
    })
  }

  /** Why a new listing of `owner` from `source` does not fit, or undefined when it does. */
  private roomFor(source: string, owner: string): DirectoryRefusal | undefined {
    this.dropExpired()
    if (this.entries.size >= (this.init.maxEntries ?? DIRECTORY_MAX_ENTRIES)) return 'full'
    let fromSource = 0
    let ofOwner = 0
    for (const e of this.entries.values()) {
      if (e.source === source) fromSource++
      if (e.owner === owner) ofOwner++
    }
    if (source !== 'local' && fromSource >= (this.init.maxPerSource ?? DIRECTORY_MAX_PER_SOURCE))
      return 'source-quota'
    if (ofOwner >= (this.init.maxPerOwner ?? DIRECTORY_MAX_PER_OWNER)) return 'owner-quota'
    return undefined
  }

  private dropExpired(): void {
    const now = this.now()
    for (const [site, e] of this.entries) if (e.expires <= now) this.entries.delete(site)
  }

  /** The sites listed now, most recently signed first (at most `DIRECTORY_PAGE_SIZE`). */
  list(): DirectoryListing[] {
    this.dropExpired()
    return [...this.entries.values()]
      .sort((a, b) => b.updated - a.updated || a.site.localeCompare(b.site))
      .slice(0, DIRECTORY_PAGE_SIZE)
      .map(({ site, title, updated, expires }) => ({
        site,
        ...(title === undefined ? {} : { title }),
        updated,
        expires,
      }))
  }

  /** Checks every listing again (after a revocation or a blocklist change); drops those no longer servable. */
  async purge(): Promise<void> {
    this.dropExpired()
    for (const [site, e] of [...this.entries]) {
      if (!(await this.init.policy.isServable(e.key, e.value))) this.entries.delete(site)
    }
  }

  /** How many sites are listed. */
  get size(): number {
    return this.entries.size
  }
}
