/**
 * Errors of the records module. Each class's `name` is its stable code: tests and the UI match
 * on `name`, never on the message, which is written for people.
 * @module
 */

/** Base class of every record refusal (never thrown itself). */
export class RecordError extends Error {
  override name = 'RecordError'
}

/** The bytes are not a well-formed record: bad CBOR, non-canonical encoding, unknown or wrong fields. */
export class MalformedRecordError extends RecordError {
  override name = 'MalformedRecordError'
}

/** The record is larger than the protocol allows (10 KiB). */
export class RecordTooLargeError extends RecordError {
  override name = 'RecordTooLargeError'
}

/** The record's `type` is a string this peer does not know. */
export class UnknownRecordTypeError extends RecordError {
  override name = 'UnknownRecordTypeError'
}

/** The record lives longer than 48 hours (`expires - created`). */
export class RecordLifetimeTooLongError extends RecordError {
  override name = 'RecordLifetimeTooLongError'
}

/** The signature is missing, malformed, or does not verify for the record's owner key. */
export class InvalidSignatureError extends RecordError {
  override name = 'InvalidSignatureError'
}

/** The key that signed a subdomain record may not speak for the root name. */
export class UnauthorizedSignerError extends RecordError {
  override name = 'UnauthorizedSignerError'
}

/** The record has expired. */
export class RecordExpiredError extends RecordError {
  override name = 'RecordExpiredError'
}

/** The record claims to be created further in the future than clock skew explains. */
export class RecordFromFutureError extends RecordError {
  override name = 'RecordFromFutureError'
}

/** The record's name does not hash to the DHT key it was stored or found under. */
export class KeyMismatchError extends RecordError {
  override name = 'KeyMismatchError'
}

/** The name carries no valid registration by a registrar this network trusts. */
export class UnregisteredNameError extends RecordError {
  override name = 'UnregisteredNameError'
}
