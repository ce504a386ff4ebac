/**
 * Keeping a published site up without this device: once mirrors hold the site completely, the
 * owner key pre-signs the record's next versions up to the horizon the owner chose, the highest
 * `seq` is stored first (the next record this device signs must be above it, whatever happens
 * next), then the records are handed to each mirror, and where the site lives (mirror names,
 * until when) is stored for the app to show. See docs/PROTOCOL.md, "Records kept alive".
 * @module
 */
import { peerIdFromString } from '@libp2p/peer-id'
import type { Libp2p } from '@libp2p/interface'
import type { RecordFields, SignedRecord } from '../../core/records/index.ts'
import type { KeepAlive, PublishedSites } from '../../storage/index.ts'
import { handRecords } from './hand-records.ts'
import { mirrorName, type KnownRelay } from './mirror-names.ts'
import { presignRecords } from './presign-records.ts'

/** What keeping a site alive works with. */
export interface KeepSiteAliveContext {
  libp2p: Pick<Libp2p, 'dialProtocol' | 'peerStore' | 'getConnections'>
  /** Signs fields with the owner key; without it nothing is pre-signed (the mirrors are still asked). */
  sign?(fields: RecordFields): Promise<SignedRecord>
  sites: Partial<Pick<PublishedSites, 'setKeepAlive'>>
  /** The relays as configured, to name mirrors by their host. */
  relays(): readonly KnownRelay[]
  /** Time between pre-signed records. @default DEFAULT_PRESIGN_SPACING_MS */
  spacing?: number
  /** Lifetime of each pre-signed record. @default DEFAULT_PRESIGNED_LIFETIME_MS */
  lifetime?: number
  now(): number
}

/**
 * Pre-signs `record`'s next versions up to `horizon` (ms after its `created`) and hands them to
 * `mirrors` (peer IDs holding the site completely). Resolves with what was stored.
 */
export async function keepSiteAlive(
  context: KeepSiteAliveContext,
  record: SignedRecord,
  mirrors: readonly string[],
  horizon: number,
  signal?: AbortSignal,
): Promise<KeepAlive> {
  const site = record.body.name
  const peers = mirrors.map((m) => peerIdFromString(m))
  const records =
    context.sign === undefined || peers.length === 0
      ? []
      : await presignRecords(context.sign, record, {
          horizon,
          ...(context.spacing === undefined ? {} : { spacing: context.spacing }),
          ...(context.lifetime === undefined ? {} : { lifetime: context.lifetime }),
        })
  if (records.length > 0)
    await context.sites.setKeepAlive?.(site, {
      presignedSeq: records[records.length - 1].body.seq,
    })
  signal?.throwIfAborted()
  const handed = await handRecords(context.libp2p, peers, site, records, signal)
  const holding = handed.mirrors.filter((m) => m.status?.state === 'complete')
  const names = await Promise.all(
    holding.map((m) => mirrorName(context.libp2p, context.relays(), peerIdFromString(m.peer))),
  )
  const keepAlive: KeepAlive = {
    horizon,
    mirrors: names.sort(),
    checkedAt: context.now(),
  }
  if (holding.length > 0) keepAlive.aliveUntil = handed.aliveUntil ?? record.body.expires
  await context.sites.setKeepAlive?.(site, { keepAlive })
  return keepAlive
}
