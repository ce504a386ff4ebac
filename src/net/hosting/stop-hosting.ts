/**
 * Stopping hosting a site on this device: the site's record is signed again (seq + 1) without
 * this node among its hosts, keeping every other host the owner signed in (other devices,
 * mirrors) and the content root; then the site is marked as not hosted here and its blocks are
 * deleted. With no host left the record carries none: the name stays held and its content root
 * named, and visitors get "no host reachable" at once instead of dialling a device that no
 * longer serves it (docs/PROTOCOL.md: a `root` record may carry neither hosts nor content; an
 * `A` record keeps its content).
 *
 * Order: the record first, the blocks last. When the publish fails nothing is deleted and the
 * site stays hosted here (`StopHostingError`), so visitors the old record sends here are still
 * served and the person can try again.
 * @module
 */
import { equals } from '../../core/bytes.ts'
import { parseSiteName } from '../../core/names/index.ts'
import {
  decodeRecord,
  type RecordFields,
  type RecordHost,
  type SignedRecord,
} from '../../core/records/index.ts'
import type { PublishedSites } from '../../storage/index.ts'
import { StopHostingError } from './errors.ts'
import type { SiteHost } from './site-host.ts'

/** Phases of `stopHosting`, in order. */
export type StopHostingPhase = 'withdrawing' | 'deleting' | 'done'

/** A progress report of `stopHosting`. */
export interface StopHostingProgress {
  /** Canonical site name. */
  site: string
  phase: StopHostingPhase
  /** Hosts the record names without this node (`deleting` and `done`). */
  hostsLeft?: number
  /** DHT servers that accepted the new record (`deleting` and `done`, when one was published). */
  accepted?: number
}

/** What `stopHosting` is asked to do. */
export interface StopHostingOptions {
  signal?: AbortSignal
  onProgress?(progress: StopHostingProgress): void
}

/** What `stopHosting` did. */
export interface StopHostingResult {
  /** Canonical site name. */
  site: string
  /**
   * The record published without this node; undefined when none was needed (this device does
   * not publish the site, or its record already did not list this node).
   */
  record?: SignedRecord
  /** DHT servers that accepted `record` (0 without one). */
  accepted: number
  /** The hosts the site's record names now (this node not among them). */
  hosts: RecordHost[]
}

/** What `stopHosting` works with. */
export interface StopHostingContext {
  /** Deletes the blocks and stops serving. */
  host: Pick<SiteHost, 'stopHosting'>
  /** Signs the fields with the owner key and puts the record (the naming service's `publish`). */
  publish(
    fields: RecordFields,
    options: { signal?: AbortSignal },
  ): Promise<{ record: SignedRecord; accepted: number }>
  /**
   * Looks the name up afresh, so that hosts signed in by another device since this one last
   * published are kept. A failed lookup falls back to the record kept here.
   */
  resolve?(
    site: string,
    options: { signal?: AbortSignal; fresh?: boolean },
  ): Promise<{ record: SignedRecord }>
  /** This node's peer ID as multihash bytes (a host entry's `id`). */
  self: Uint8Array
  /** The sites this device publishes (their last record, and whether they are hosted here). */
  sites: Pick<PublishedSites, 'getPublishedSite' | 'putPublishedSite'> &
    Partial<Pick<PublishedSites, 'setHosted'>>
}

/** The newest record of the holder of `kept`: the network's when it is newer, else `kept`. */
async function newestRecord(
  context: StopHostingContext,
  kept: SignedRecord,
  signal?: AbortSignal,
): Promise<SignedRecord> {
  if (context.resolve === undefined) return kept
  try {
    const { record } = await context.resolve(kept.body.name, { signal, fresh: true })
    const newer =
      record.body.name === kept.body.name &&
      equals(record.holder, kept.holder) &&
      record.body.seq > kept.body.seq
    return newer ? record : kept
  } catch {
    signal?.throwIfAborted()
    return kept
  }
}

/** The fields of the next version of `record` with `hosts` (none when empty). */
function withoutSelf(record: SignedRecord, hosts: RecordHost[]): RecordFields {
  const {
    v: _v,
    owner: _owner,
    created: _created,
    expires: _expires,
    hosts: _hosts,
    ...kept
  } = record.body
  const fields: RecordFields = { ...kept, seq: record.body.seq + 1 }
  if (hosts.length > 0) fields.hosts = hosts
  return fields
}

/**
 * Stops hosting `site` here; see the module comment. Throws `StopHostingError` (its `cause` is
 * the naming service's error: `PublishRefusedError`, `NameHeldError`...) when the record could
 * not be updated, with nothing deleted; the signal's reason when aborted before the record went out
 * (nothing deleted either). Once the record is out the blocks are deleted whatever the signal.
 */
export async function stopHosting(
  context: StopHostingContext,
  site: string,
  options: StopHostingOptions = {},
): Promise<StopHostingResult> {
  const { signal } = options
  const key = parseSiteName(site).site
  const report = (progress: Omit<StopHostingProgress, 'site'>): void =>
    options.onProgress?.({ site: key, ...progress })
  report({ phase: 'withdrawing' })

  const result: StopHostingResult = { site: key, accepted: 0, hosts: [] }
  const published = await context.sites.getPublishedSite(key)
  if (published !== undefined) {
    const current = await newestRecord(context, decodeRecord(published.record), signal)
    const listed = current.body.hosts ?? []
    const others = listed.filter((h) => !equals(h.id, context.self))
    result.hosts = others
    if (others.length < listed.length) {
      signal?.throwIfAborted()
      try {
        const { record, accepted } = await context.publish(withoutSelf(current, others), {
          signal,
        })
        result.record = record
        result.accepted = accepted
        await context.sites.putPublishedSite(record.bytes, { hosted: false })
      } catch (error) {
        signal?.throwIfAborted()
        throw new StopHostingError(key, error)
      }
    }
    await context.sites.setHosted?.(key, false)
  }
  // Past this point the record no longer sends visitors here: the blocks go even when aborted.

  report({ phase: 'deleting', hostsLeft: result.hosts.length, accepted: result.accepted })
  await context.host.stopHosting(key)
  report({ phase: 'done', hostsLeft: result.hosts.length, accepted: result.accepted })
  return result
}
