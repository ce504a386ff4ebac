/**
 * A name's record from the node's own relays first: each connected relay is asked at once
 * (`relay-record.ts`; for a name the cache does not hold, while the cache is still read:
 * `relay-asks.ts`) beside kad-dht's look-up, and the first record that verifies answers while
 * the look-up goes on. It is made safe as follows:
 *
 * - only the relays this node trusts are asked: those whose revokers it trusts (the relay that
 *   served the app, by default; `RelayManager.trustedRelayPeers`). The first already serves the
 *   app's own code; each of them can already withdraw any name for this person;
 * - the record is validated like any other (signature, key, expiry, registrar, a subdomain
 *   against its root's record);
 * - a pinned name takes only the pinned holder's record (never taken over); an unpinned one is
 *   pinned to the record's holder on first use, as a look-up's choice is;
 * - it is cached where the cache keeps the higher seq of a holder (never rolled back); the
 *   look-up goes on, caches its own choice under the same rule, and tells `update` when it found
 *   a newer record (`settleEarly`).
 *
 * See docs/PROTOCOL.md ("The name DHT").
 * @module
 */
import { equals } from '../../core/bytes.ts'
import type { SignedRecord } from '../../core/records/index.ts'
import type { AlternetStorage } from '../../storage/index.ts'
import type { RelayAnswers } from './relay-asks.ts'
import type { LookedUp } from './resolver-types.ts'

/** What the early answer works with: the resolver's store, validation and events. */
export interface EarlyContext {
  storage: AlternetStorage
  now: () => number
  /** Validates a record of `name` (a subdomain's against `rootRecord`). */
  validate(bytes: Uint8Array, name: string, rootRecord?: SignedRecord): Promise<SignedRecord>
}

/** One name's question: the name, and its root's record for a subdomain. */
export interface EarlyQuestion {
  name: string
  rootRecord?: SignedRecord
}

/**
 * The first record of `asked` (the relays' answers for the name) that verifies and, for a pinned
 * name, is the pinned holder's; pinned (when no holder was) and cached as the look-up's choice
 * would be. Undefined when none does. The pin is read while the relays answer, not before.
 */
export async function earlyRecord(
  ctx: EarlyContext,
  question: EarlyQuestion,
  asked: RelayAnswers,
): Promise<LookedUp | undefined> {
  const { name, rootRecord } = question
  const { pins, records } = ctx.storage
  const pinRead = pins.getPin(name)
  const check = async (bytes: Uint8Array | undefined): Promise<SignedRecord | undefined> => {
    if (bytes === undefined) return undefined
    const record = await ctx.validate(bytes, name, rootRecord)
    const pin = await pinRead
    return pin === undefined || equals(pin.holder, record.holder) ? record : undefined
  }
  const record = await firstDefined(asked.answers.map((a) => a.then(check).catch(() => undefined)))
  asked.stop()
  if (record === undefined) return undefined
  const now = ctx.now()
  // The pin (when none was) and the cache are written at once, each in its own transaction. A
  // record cached for a holder whose pin then failed is never served: the cache answers only
  // with the pinned holder's record, and the look-up caches its own choice.
  const pinning =
    (await pinRead) === undefined
      ? pins.pin(name, record.holder, now).then(
          () => true,
          () => false,
        )
      : true
  const [pinned, fresh] = await Promise.all([
    pinning,
    records.putCachedRecord(name, record.bytes, now),
  ])
  if (!pinned) return undefined // another holder was pinned meanwhile: the look-up decides
  if (fresh) return { record, fromCache: false, receivedAt: now }
  // the cache holds a newer record of the holder: that one answers
  const cached = await records.getCachedRecord(name)
  const newer =
    cached === undefined
      ? record
      : await ctx.validate(cached.bytes, name, rootRecord).catch(() => record)
  return { record: newer, fromCache: false, receivedAt: now }
}

/**
 * The look-up's answer after a relay's early one: `update` tells of a newer record it found (the
 * cache kept the newer of the two); a key change or a revocation is told as a background
 * refresh tells it.
 */
export function settleEarly(
  events: EventTarget,
  name: string,
  early: LookedUp,
  result: { one: LookedUp } | { error: unknown },
): void {
  if ('error' in result) {
    tellLookupError(events, result.error)
    return
  }
  const chosen = result.one.record
  if (!equals(chosen.holder, early.record.holder) || chosen.body.seq > early.record.body.seq)
    events.dispatchEvent(new CustomEvent('update', { detail: { site: name, record: chosen } }))
}

/** Tells `events` of a background look-up's key change or revocation. */
export function tellLookupError(events: EventTarget, error: unknown): void {
  if ((error as Error).name === 'OwnerKeyChangedError')
    events.dispatchEvent(new CustomEvent('keychange', { detail: error }))
  if ((error as Error).name === 'NameRevokedError')
    events.dispatchEvent(new CustomEvent('revoked', { detail: error }))
}

/** The first of `answers` to resolve defined; undefined once all resolved undefined. */
function firstDefined<T>(answers: Promise<T | undefined>[]): Promise<T | undefined> {
  return new Promise((resolve) => {
    let left = answers.length
    if (left === 0) resolve(undefined)
    for (const answer of answers)
      void answer.then((value) => {
        left--
        if (value !== undefined || left === 0) resolve(value)
      })
  })
}
