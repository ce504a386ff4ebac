/**
 * A mirror's handling of pre-signed records (see `presigned.ts`): keeping those a status
 * question carries, and putting each into the DHT when its time comes.
 * @module
 */
import { decodeRecord, dhtKey } from '@alternet/core/records'
import type { MirrorQuestion, MirrorStatus } from '@alternet/net/mirror'
import type { Logger } from '../log.ts'
import type { RelayNode } from '../node.ts'
import type { MirrorStore } from './mirror-store.ts'
import {
  aliveUntil,
  checkPresigned,
  duePresigned,
  livePresigned,
  mergePresigned,
  type PresignedRefusal,
} from './presigned.ts'

/** Records read from one question at most (the rest are ignored). */
const MAX_HANDED_RECORDS = 120

/** What the keeper works with. */
export interface KeeperContext {
  disk: MirrorStore
  node: RelayNode
  log: Logger
  registrars: readonly Uint8Array[]
  /** Whether a site's content may be served (not revoked, not blocked). */
  servable(site: string, root: string): boolean
  signal: AbortSignal
  /** Bytes of kept pre-signed records one source may have handed, across all sites. */
  presignedBytesPerSource: number
}

/** Who handed a question's records, and how many of them may be checked now. */
export interface RecordOrigin {
  /** The source (address block) of the peer: what the per-source byte limit counts against. */
  source: string
  /** Records of the question the peer's budget allows checking (the rest: `busy`). */
  checkable: number
}

/** Bytes of the kept records `source` handed, across every site but `except`. */
function sourceBytes(ctx: KeeperContext, source: string, except: string): number {
  let bytes = 0
  for (const entry of ctx.disk.sites())
    if (entry.site !== except && entry.futureSource === source)
      for (const r of entry.future ?? []) bytes += Math.ceil((r.length * 3) / 4)
  return bytes
}

/**
 * Answers a status question; when it carries pre-signed records of a site held completely,
 * keeps those that pass `checkPresigned` first, within the peer's budget of checks and its
 * source's byte limit.
 */
export async function answerWithRecords(
  ctx: KeeperContext,
  question: MirrorQuestion,
  status: (site: string) => MirrorStatus,
  origin: RecordOrigin,
): Promise<MirrorStatus> {
  const { site, records } = question
  const entry = ctx.disk.get(site)
  if (records === undefined || entry === undefined || !ctx.servable(site, entry.root))
    return status(site)
  const handed = records.slice(0, MAX_HANDED_RECORDS)
  const checkable = Math.min(handed.length, origin.checkable)
  const current = Buffer.from(entry.record, 'base64')
  const held = (entry.future ?? []).map((r) => new Uint8Array(Buffer.from(r, 'base64')))
  const decoded: Uint8Array[] = handed
    .slice(0, checkable)
    .map((r) => new Uint8Array(Buffer.from(r, 'base64')))
  const checked = await checkPresigned(
    {
      site,
      holder: entry.owner,
      root: entry.root,
      seq: decodeRecord(current).body.seq,
      registrars: ctx.registrars,
      now: Date.now(),
    },
    decoded,
  )
  const refused: Array<{ index: number; reason: PresignedRefusal }> = [...checked.refused]
  for (let index = checkable; index < handed.length; index++)
    refused.push({ index, reason: 'busy' })
  // Accepted records are kept while the source's bytes stay within its limit.
  const room = ctx.presignedBytesPerSource - sourceBytes(ctx, origin.source, site)
  let future: Uint8Array[] = held
  let accepted = 0
  for (const bytes of checked.accepted) {
    const next = mergePresigned(future, [bytes])
    if (next.reduce((n, r) => n + r.length, 0) > room) {
      refused.push({ index: decoded.indexOf(bytes), reason: 'source-quota' })
      continue
    }
    future = next
    accepted++
  }
  refused.sort((a, b) => a.index - b.index)
  const latest = ctx.disk.get(site)
  if (accepted > 0 && latest !== undefined && latest.root === entry.root) {
    await ctx.disk.update({
      ...latest,
      future: future.map((r) => Buffer.from(r).toString('base64')),
      futureSource: origin.source,
    })
    ctx.log.info('pre-signed records kept', { site, accepted, refused: refused.length })
    void putDuePresigned(ctx)
  }
  return {
    ...status(site),
    presigned: future.length,
    refusedRecords: refused,
    aliveUntil: aliveUntil(future, current),
  }
}

/** Puts into the DHT each kept pre-signed record whose time has come; drops the worthless. */
export async function putDuePresigned(ctx: KeeperContext): Promise<void> {
  const now = Date.now()
  for (const entry of ctx.disk.sites()) {
    if (entry.future === undefined || entry.future.length === 0) continue
    if (!ctx.servable(entry.site, entry.root)) continue
    const records = entry.future.map((r) => new Uint8Array(Buffer.from(r, 'base64')))
    const seq = decodeRecord(Buffer.from(entry.record, 'base64')).body.seq
    const due = duePresigned(records, seq, now)
    if (due !== undefined) {
      const key = await dhtKey(entry.site)
      try {
        for await (const event of ctx.node.services.dht.put(key, due, {
          signal: ctx.signal,
        }))
          void event
        ctx.log.info('pre-signed record put', {
          site: entry.site,
          seq: decodeRecord(due).body.seq,
        })
      } catch (err) {
        ctx.log.warn('pre-signed record not put', { site: entry.site, error: err })
      }
    }
    const latest = ctx.disk.get(entry.site)
    if (latest === undefined || latest.root !== entry.root) continue
    const latestSeq = Math.max(
      decodeRecord(Buffer.from(latest.record, 'base64')).body.seq,
      due === undefined ? 0 : decodeRecord(due).body.seq,
    )
    const kept = livePresigned(records, latestSeq, Date.now())
    if (kept.length !== records.length)
      await ctx.disk.update({
        ...latest,
        ...(due !== undefined && latestSeq === decodeRecord(due).body.seq
          ? { record: Buffer.from(due).toString('base64') }
          : {}),
        future: kept.map((r) => Buffer.from(r).toString('base64')),
      })
  }
}
