/**
 * kad-dht's look-up of a name, as the resolver takes it: the servers' records validated, one
 * chosen by pin or vote (`choose-record.ts`), the holder pinned on first use and the record
 * cached. A tie with no pin pins nobody and throws `NameContestedError`; a record under another
 * key than the pinned one throws `OwnerKeyChangedError`. See docs/PROTOCOL.md (#selection).
 * @module
 */
import type { SignedRecord } from '../../core/records/index.ts'
import { DHT_GET_TIMEOUT_MS } from './constants.ts'
import { validCandidates } from './candidates.ts'
import { chooseRecord } from './choose-record.ts'
import { getCandidates } from './dht-records.ts'
import { NameContestedError, NameNotFoundError, OwnerKeyChangedError } from './errors.ts'
import type { LookedUp, ResolverInit } from './resolver-types.ts'

/** What the servers' look-up works with: the resolver's settings and its record of offers. */
export interface ServerChoiceContext {
  init: ResolverInit
  /** Validates a record of `name` (a subdomain's against `rootRecord`). */
  validate(bytes: Uint8Array, name: string, rootRecord?: SignedRecord): Promise<SignedRecord>
  /** Keeps a record offered under another holder than the pinned one, or in a tie. */
  offer(name: string, record: SignedRecord): void
}

/** The error told when `name`'s servers offer `record` while `pinned` holds it here. */
export function keyChanged(
  ctx: ServerChoiceContext,
  name: string,
  pinned: Uint8Array,
  record: SignedRecord,
): OwnerKeyChangedError {
  ctx.offer(name, record)
  return new OwnerKeyChangedError(name, pinned, record.holder, record)
}

/** kad-dht's look-up of `name`: the servers' records, chosen by pin or vote, pinned and cached. */
export async function lookupServers(
  ctx: ServerChoiceContext,
  name: string,
  key: Uint8Array,
  rootRecord: SignedRecord | undefined,
  signal?: AbortSignal,
): Promise<LookedUp> {
  const { init } = ctx
  const candidates = await getCandidates(init.dht, key, {
    signal,
    timeoutMs: DHT_GET_TIMEOUT_MS,
    ...(init.blockOf === undefined ? {} : { blockOf: init.blockOf }),
  })
  const { valid, refusal } = await validCandidates(name, candidates, {
    now: init.now(),
    trustedRegistrars: init.trustedRegistrars,
    rootRecord,
  })
  if (valid.length === 0) {
    // Only refused copies: say why (an unauthorised signer, an unregistered name...).
    if (refusal !== undefined) throw refusal
    throw new NameNotFoundError(name)
  }
  const { pins, records } = init.storage
  const now = init.now()
  const pin = await pins.getPin(name)
  const options = { key, trustedRegistrars: init.trustedRegistrars }
  const choice = chooseRecord(
    name,
    valid,
    pin === undefined ? options : { ...options, pinned: pin.holder },
  )
  if (choice.conflict !== undefined)
    init.events.dispatchEvent(new CustomEvent('conflict', { detail: choice.conflict }))
  if (choice.tied !== undefined) {
    // No majority and no pin: pin nobody, let the person pick (acceptKeyChange).
    for (const offer of choice.tied) ctx.offer(name, offer.record)
    throw new NameContestedError(name, choice.tied)
  }
  if (pin !== undefined && choice.record === undefined) {
    const unpinned = chooseRecord(name, valid, options)
    const offered = unpinned.record ?? unpinned.tied![0].record
    throw keyChanged(ctx, name, pin.holder, offered)
  }
  let best = choice.record!
  if (pin === undefined) {
    try {
      await pins.pin(name, best.holder, now)
    } catch (err) {
      if ((err as Error).name !== 'PinMismatchError') throw err
      const { pinned: holder } = err as { pinned: Uint8Array }
      throw keyChanged(ctx, name, holder, best)
    }
  }
  if (!(await records.putCachedRecord(name, best.bytes, now))) {
    // the cache holds a newer record of this holder than any server sent: keep using it
    const cached = await records.getCachedRecord(name)
    if (cached !== undefined)
      best = await ctx.validate(cached.bytes, name, rootRecord).catch(() => best)
  }
  return {
    record: best,
    fromCache: false,
    receivedAt: now,
    ...(choice.conflict === undefined ? {} : { conflict: choice.conflict }),
  }
}
