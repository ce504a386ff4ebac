/**
 * Whether a write fits the guarded store, and room for it when it does not: quotas per peer and
 * per source, new names per source, the share kept for names that grow, and eviction in the
 * order the relay README documents ("The bounded store").
 * @module
 */
import { STORE_GROWTH_RESERVE } from './constants.ts'
import type { RecordRefusedError } from './errors.ts'
import type { Sender } from './record-senders.ts'
import type { StoreLimits } from './store-types.ts'
import type { NewNameRate, StoreAccounting } from './store-accounting.ts'

/** What `makeRoom` reads and acts on: the store's bookkeeping and its ways to refuse and evict. */
export interface RoomContext {
  counts: StoreAccounting
  limits: StoreLimits
  /** Peers exempt from quotas and the new-name rate (configured bootstrap relays). */
  exempt: ReadonlySet<string>
  newNames: NewNameRate
  refuse(reason: string, key: string, peer: string | undefined, message: string): RecordRefusedError
  evict(key: string): Promise<void>
}

/**
 * Makes room for `size` bytes under `k` from `who`, or throws `RecordRefusedError`: the
 * sender's peer and source quotas (`quota`, `source-quota`) and, for a name not stored yet,
 * its source's new-name allowance (`rate`); then, when the store is full, eviction (see the
 * record-store.ts module doc) or `store-full`. A name not stored yet must fit below the growth reserve.
 */
export async function makeRoom(
  ctx: RoomContext,
  k: string,
  size: number,
  who: Sender | undefined,
  isRecord: boolean,
): Promise<void> {
  const previous = ctx.counts.entries.get(k)
  const growth = size - (previous?.size ?? 0)
  const peer = who?.peer
  const source = who?.source === '' ? undefined : who?.source
  if (peer != null && !ctx.exempt.has(peer)) {
    const used = ctx.counts.peerBytes(peer) - (previous?.peer === peer ? previous.size : 0)
    if (used + size > ctx.limits.peerQuota)
      throw ctx.refuse('quota', k, peer, `peer ${peer} has used its store quota`)
    if (source !== undefined) {
      const fromSource =
        ctx.counts.sourceBytes(source) - (previous?.source === source ? previous.size : 0)
      if (fromSource + size > ctx.limits.sourceQuota)
        throw ctx.refuse('source-quota', k, peer, `${source} has used its store quota`)
      if (isRecord && previous === undefined && !ctx.newNames.take(source))
        throw ctx.refuse('rate', k, peer, `${source} is adding new names too fast`)
    }
  }
  const limit =
    previous === undefined
      ? Math.floor(ctx.limits.maxBytes * (1 - STORE_GROWTH_RESERVE))
      : ctx.limits.maxBytes
  const fits = (): boolean => ctx.counts.bytes + growth <= limit
  if (fits()) return
  if (ctx.limits.evictionPolicy === 'refuse')
    throw ctx.refuse('store-full', k, peer, 'the store is full')
  const now = Date.now()
  for (const [victim, entry] of ctx.counts.entries) {
    if (fits()) break
    if (victim === k) continue
    if (entry.protectedUntil !== undefined && entry.protectedUntil > now) continue
    await ctx.evict(victim)
  }
  const writer = source ?? previous?.source
  while (!fits() && ctx.limits.evictionPolicy === 'heaviest') {
    const heaviest = ctx.counts.heaviestSource(writer)
    const share = (): number => ctx.counts.sourceBytes(writer) + size
    if (heaviest === undefined || heaviest.bytes <= share()) break
    let evicted = false
    for (const victim of ctx.counts.newestOf(heaviest.source)) {
      if (fits() || ctx.counts.sourceBytes(heaviest.source) <= share()) break
      if (victim === k) continue
      await ctx.evict(victim)
      evicted = true
    }
    if (!evicted) break
  }
  if (!fits()) throw ctx.refuse('store-full', k, peer, 'the store is full of live name records')
}
