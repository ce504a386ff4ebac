/**
 * Errors of the naming service. Each class's `name` is its stable code: tests and the UI branch
 * on `name`, never on the message. Record validation errors of the core (`RecordExpiredError`,
 * `UnauthorizedSignerError`, ...) pass through unchanged.
 * @module
 */
import type { SignedRecord } from '../../core/records/index.ts'

/** No valid record of the name was found: never published, expired, or every copy refused. */
export class NameNotFoundError extends Error {
  override name = 'NameNotFoundError'
  /** The canonical site name. */
  readonly site: string
  constructor(site: string, message = `No record of "${site}" was found.`, options?: ErrorOptions) {
    super(message, options)
    this.site = site
  }
}

/**
 * The name is now signed by another key than the one pinned on first use. The person decides:
 * `acceptKeyChange(site, offered)` accepts it knowingly.
 */
export class OwnerKeyChangedError extends Error {
  override name = 'OwnerKeyChangedError'
  /** The canonical site name resolved. */
  readonly site: string
  /** The holder key pinned for the root name. */
  readonly pinned: Uint8Array
  /** The holder key of the record offered now. */
  readonly offered: Uint8Array
  /** The record offered now (valid, but under the other key). */
  readonly record: SignedRecord
  constructor(site: string, pinned: Uint8Array, offered: Uint8Array, record: SignedRecord) {
    super(
      `"${site}" is now signed by a different key than the one first seen. It may have changed hands, or someone may be impersonating it.`,
    )
    this.site = site
    this.pinned = pinned
    this.offered = offered
    this.record = record
  }
}

/**
 * First visit, and the servers disagree on who holds the name: different holder keys were
 * returned by equally many servers, so none is trusted or pinned. The person decides:
 * `acceptKeyChange(site, offer.holder)` pins the holder they pick (check its fingerprint with
 * the owner first).
 */
export class NameContestedError extends Error {
  override name = 'NameContestedError'
  /** The canonical site name resolved. */
  readonly site: string
  /** Each tied holder, how many servers returned it, and its best record. */
  readonly offers: ReadonlyArray<{ holder: Uint8Array; servers: number; record: SignedRecord }>
  constructor(
    site: string,
    offers: ReadonlyArray<{ holder: Uint8Array; servers: number; record: SignedRecord }>,
  ) {
    super(
      `The servers disagree on who owns "${site}": ${offers.length} different owner keys were each named by as many networks (address blocks).`,
    )
    this.site = site
    this.offers = offers
  }
}

/** Publishing a name that another key holds until its record expires. */
export class NameHeldError extends Error {
  override name = 'NameHeldError'
  /** The canonical site name. */
  readonly site: string
  /** The key that holds it. */
  readonly holder: Uint8Array
  /** When the holder's record expires, ms since the epoch: the name is free after that. */
  readonly until: number
  constructor(site: string, holder: Uint8Array, until: number) {
    super(`"${site}" is held by another key until ${new Date(until).toISOString()}.`)
    this.site = site
    this.holder = holder
    this.until = until
  }
}

/** CNAME records lead in a circle, or further than `MAX_CNAME_DEPTH`. */
export class CnameLoopError extends Error {
  override name = 'CnameLoopError'
  /** The names followed, in order. */
  readonly chain: string[]
  constructor(chain: string[]) {
    super(`CNAME records loop or go too deep: ${chain.join(' → ')}`)
    this.chain = chain
  }
}

/** No DHT server took the record (none reachable, or each refused it). */
export class PublishRefusedError extends Error {
  override name = 'PublishRefusedError'
  /** The canonical site name. */
  readonly site: string
  /** Why each server that answered refused, when known. */
  readonly errors: Error[]
  constructor(site: string, errors: Error[]) {
    super(
      `No DHT server stored the record of "${site}"${errors.length > 0 ? `: ${errors[0].message}` : ''}.`,
    )
    this.site = site
    this.errors = errors
  }
}

/** The DHT did not answer in time (no relay reachable, or a slow network). */
export class LookupTimeoutError extends Error {
  override name = 'LookupTimeoutError'
  /** True when the look-up ended early because every server it asked failed to answer. */
  readonly unanswered: boolean
  constructor(message: string, options?: ErrorOptions & { unanswered?: boolean }) {
    super(message, options)
    this.unanswered = options?.unanswered ?? false
  }
}

/** A trusted revoker revoked the name (or its root): it must not be resolved or shown. */
export class NameRevokedError extends Error {
  override name = 'NameRevokedError'
  /** The canonical site name resolved. */
  readonly site: string
  /** The name the revocation names: the site or its root. */
  readonly revoked: string
  /** When the revocation was issued, ms since the epoch. */
  readonly issued: number
  constructor(site: string, revoked: string, issued: number) {
    super(
      `"${site}" was revoked${revoked === site ? '' : ` (with its root "${revoked}")`} by a trusted revoker.`,
    )
    this.site = site
    this.revoked = revoked
    this.issued = issued
  }
}
