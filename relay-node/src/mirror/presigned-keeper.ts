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
}

/**
 * Answers a status question; when it carries pre-signed records of a site held completely,
 * keeps those that pass `checkPresigned` first.
 */
export async function answerWithRecords(
  ctx: KeeperContext,
  question: MirrorQuestion,
  status: (site: string) => MirrorStatus,
): Promise<MirrorStatus> {
  const { site, records } = question
  const entry = ctx.disk.get(site)
  if (records === undefined || entry === undefined || !ctx.servable(site, entry.root))
    return status(site)
  const current = Buffer.from(entry.record, 'base64')
  const held = (entry.future ?? []).map((r) => new Uint8Array(Buffer.from(r, 'base64')))
  const { accepted, refused } = await checkPresigned(
    {
      site,
      holder: entry.owner,
      root: entry.root,
      seq: decodeRecord(current).body.seq,
      registrars: ctx.registrars,
      now: Date.now(),
    },
    records.slice(0, MAX_HANDED_RECORDS).map((r) => new Uint8Array(Buffer.from(r, 'base64'))),
  )
  const future = mergePresigned(held, accepted)
  const latest = ctx.disk.get(site)
  if (latest !== undefined && latest.root === entry.root) {
    await ctx.disk.update({
      ...latest,
      future: future.map((r) => Buffer.from(r).toString('base64')),
    })
    ctx.log.info('pre-signed records kept', {
      site,
      accepted: accepted.length,
      refused: refused.length,
    })
  }
  void putDuePresigned(ctx)
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
