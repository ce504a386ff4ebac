/**
 * Publishing a site: hash the files (in a worker), store the blocks in batches, store the
 * manifest with them as the hosted site (atomic), sign and publish the root record with the
 * content root and this node as host, keep the record for republishing. Progress throughout.
 * @module
 */
import type { CID } from 'multiformats/cid'
import type { Manifest } from '../../core/content/index.ts'
import { isSubdomain, parseSiteName } from '../../core/names/index.ts'
import type { RecordFields, RecordHost, SignedRecord } from '../../core/records/index.ts'
import type { KeepAlive, PublishedSites } from '../../storage/index.ts'
import type { MirrorCopies } from '../mirror/index.ts'
import type { ContentStore } from './content-store.ts'
import { hashSite } from './hash-site.ts'
import type { SiteHost } from './site-host.ts'
import { prepareFiles, totalSize, type PublishFile } from './site-files.ts'
import type { PublishProgress } from './publish-progress.ts'

export type { PublishPhase, PublishProgress } from './publish-progress.ts'

/** Signed fields a caller may add to the record: metadata, cache TTL, a registration. */
export type ExtraRecordFields = Partial<
  Pick<RecordFields, 'meta' | 'ttl' | 'registration' | 'root'>
>

/** What `publishSite` is asked to do. */
export interface PublishSiteInit {
  /** The site name, e.g. `mysite:code` or `blog.mysite:code` (normalised). */
  site: string
  /** The files: a picked folder's `File`s, `{ path, content }` entries, or one page as text. */
  files: Iterable<PublishFile>
  signal?: AbortSignal
  onProgress?(progress: PublishProgress): void
  /** More signed fields for the record. */
  record?: ExtraRecordFields
  /**
   * How long the site should stay up without this device, in ms: the owner key pre-signs the
   * record's next versions that far ahead for the mirrors (see "Records kept alive").
   * @default DEFAULT_KEEP_ALIVE_HORIZON_MS (30 days)
   */
  horizon?: number
  /**
   * Hash in a worker when the runtime has one.
   * @default true
   */
  worker?: boolean
}

/** A published site. */
export interface PublishedSiteResult {
  /** Canonical site name. */
  site: string
  /** The content root (manifest CID) now in the record. */
  root: CID
  manifest: Manifest
  /** The signed record put into the DHT. */
  record: SignedRecord
  /** DHT servers that accepted it. */
  accepted: number
  /** Files and bytes published. */
  files: number
  bytes: number
  /** Whether the hashing ran in a worker. */
  usedWorker: boolean
  /** Where the site's copies stand once publishing ended (when the context watches mirrors). */
  mirrors?: MirrorCopies
  /**
   * Until when the site stays up without this device, ms since the epoch: the record's expiry
   * when at least one mirror holds the site, else undefined (it lives with this device).
   */
  availableUntil?: number
  /** Where the site lives without this device (when the context keeps sites alive). */
  keepAlive?: KeepAlive
}

/** What `publishSite` works with: the store, the host, the naming service, this node. */
export interface PublishContext {
  store: ContentStore
  host: Pick<SiteHost, 'refresh'>
  /** Signs the fields with the owner key and puts the record (the naming service's `publish`). */
  publish(
    fields: RecordFields,
    options: { signal?: AbortSignal },
  ): Promise<{ record: SignedRecord; accepted: number }>
  /** This node as a host, at the time of publishing (may wait until the node is reachable). */
  hostEntry(): RecordHost | Promise<RecordHost>
  /** Where the record is kept for republishing. */
  sites: Pick<PublishedSites, 'getPublishedSite' | 'putPublishedSite'>
  /**
   * Waits for the mirrors to copy the site (`waitForMirrors`), reporting each round; without it
   * publishing ends when the record is out.
   */
  mirrors?(
    site: string,
    root: CID,
    options: { signal?: AbortSignal; onProgress(copies: MirrorCopies): void },
  ): Promise<MirrorCopies>
  /**
   * Pushes the site's manifest and blocks to the connected relays (`pushToRelays`) while the
   * mirrors are watched, reporting the bytes sent; without it the mirrors pull from this node.
   */
  upload?(
    record: SignedRecord,
    options: { signal?: AbortSignal; onProgress(bytesSent: number): void },
  ): Promise<unknown>
  /**
   * Pre-signs the record's next versions up to `horizon` and hands them to the mirrors holding
   * the site (`keepSiteAlive`); without it the site lives as long as its record once this device
   * is gone.
   */
  keepAlive?(
    record: SignedRecord,
    mirrors: readonly string[],
    horizon: number | undefined,
    signal?: AbortSignal,
  ): Promise<KeepAlive>
}

/**
 * Publishes a site from files. Throws `InvalidSiteFilesError`, the content core's
 * `InvalidPathError` / `InvalidManifestError`, the store's errors (`StorageFullError`), the
 * naming service's errors (`NameHeldError`...), or the signal's reason. The content is stored
 * and hosted before the record goes out, so the first visitor finds it.
 */
export async function publishSite(
  context: PublishContext,
  init: PublishSiteInit,
): Promise<PublishedSiteResult> {
  const { signal } = init
  const site = parseSiteName(init.site).site
  const files = prepareFiles(init.files)
  const progress: PublishProgress = {
    site,
    phase: 'hashing',
    bytesHashed: 0,
    bytesStored: 0,
    filesDone: 0,
    filesTotal: files.length,
  }
  const total = totalSize(files)
  if (total !== undefined) progress.bytesTotal = total
  const report = (change: Partial<PublishProgress>): void => {
    Object.assign(progress, change)
    init.onProgress?.({ ...progress })
  }
  report({})

  const hashed = await hashSite(files, {
    signal,
    worker: init.worker,
    onProgress: report,
    onBatch: async (blocks) => {
      signal?.throwIfAborted()
      // Their CIDs were just computed from their bytes: not hashed again.
      await context.store.putBlocks(site, blocks, { verified: true })
      report({ bytesStored: progress.bytesStored + blocks.reduce((n, b) => n + b.bytes.length, 0) })
    },
  })
  const bytes = Object.values(hashed.manifest.files).reduce((n, f) => n + f.size, 0)
  report({ phase: 'storing', path: undefined, filesDone: files.length, bytesHashed: bytes })
  signal?.throwIfAborted()
  await context.store.putSite(site, hashed.cid, [{ cid: hashed.cid, bytes: hashed.bytes }])
  context.host.refresh()
  report({ bytesStored: bytes, bytesTotal: bytes })

  report({ phase: 'announcing' })
  signal?.throwIfAborted()
  const previous = await context.sites.getPublishedSite(site)
  const fields: RecordFields = {
    ...init.record,
    type: isSubdomain(site) ? 'A' : 'root',
    name: site,
    seq: Math.max(previous?.seq ?? 0, previous?.presignedSeq ?? 0) + 1,
    content: hashed.cid,
    hosts: [await context.hostEntry()],
  }
  const { record, accepted } = await context.publish(fields, { signal })
  await context.sites.putPublishedSite(record.bytes, { hosted: true })
  let mirrors: MirrorCopies | undefined
  if (context.mirrors !== undefined) {
    report({ phase: 'mirroring', accepted, mirrorsDone: 0 })
    // Pushed while the mirrors are watched: they take the bytes from either path.
    const upload = context
      .upload?.(record, { signal, onProgress: (bytes) => report({ bytesUploaded: bytes }) })
      .catch(() => signal?.throwIfAborted())
    mirrors = await context.mirrors(site, hashed.cid, {
      signal,
      onProgress: (copies) =>
        report({ mirrorsDone: copies.complete.length, mirrorsWanted: copies.wanted }),
    })
    await upload
  }
  let keepAlive: KeepAlive | undefined
  if (mirrors !== undefined && mirrors.complete.length > 0 && context.keepAlive !== undefined)
    keepAlive = await context.keepAlive(record, mirrors.complete, init.horizon, signal)
  report({ phase: 'done', accepted })
  const availableUntil =
    keepAlive?.aliveUntil ??
    (mirrors !== undefined && mirrors.complete.length > 0 ? record.body.expires : undefined)
  return {
    ...(mirrors === undefined ? {} : { mirrors }),
    ...(availableUntil === undefined ? {} : { availableUntil }),
    ...(keepAlive === undefined ? {} : { keepAlive }),
    site,
    root: hashed.cid,
    manifest: hashed.manifest,
    record,
    accepted,
    files: files.length,
    bytes,
    usedWorker: hashed.usedWorker,
  }
}
