/**
 * Validator and selector for kad-dht's `validators` / `selectors` maps, registered under the
 * `an` namespace (kad-dht picks them by the text between the first and second `/` of the key).
 * The kad-dht types are restated structurally: src/core does not import libp2p.
 * @module
 */
import { selectRecord } from './select-record.ts'
import { validateRecord } from './validate-record.ts'

/** kad-dht's `ValidateFn`: throws (rejects) when `value` may not be stored under `key`. */
export type AnValidator = (
  key: Uint8Array,
  value: Uint8Array,
  options?: { signal?: AbortSignal },
) => Promise<void>
/** kad-dht's `SelectFn`: the index of the best of `records`, all found under `key`. */
export type AnSelector = (key: Uint8Array, records: Uint8Array[]) => number

/** Configuration shared by the validator and the selector. */
export interface AnRecordsInit {
  /** Registrar keys of a permissioned network. @default [] (an open network) */
  trustedRegistrars?: readonly Uint8Array[]
  /** The clock, ms since the epoch. @default Date.now */
  now?: () => number
}

/**
 * A kad-dht validator for `/an/` keys: the full `validateRecord` at the current time, with the
 * key checked against the record's name.
 *
 * @example
 * ```ts
 * kadDHT({ protocol: '/an/kad/1.0.0', validators: { an: createAnValidator() }, selectors: { an: createAnSelector() } })
 * ```
 */
export function createAnValidator(init: AnRecordsInit = {}): AnValidator {
  const trustedRegistrars = init.trustedRegistrars ?? []
  const clock = init.now ?? Date.now
  return async (key, value, options) => {
    await validateRecord(value, { key, now: clock(), trustedRegistrars, signal: options?.signal })
  }
}

/** A kad-dht selector for `/an/` keys: `selectRecord` with the key and trusted registrars. */
export function createAnSelector(init: Pick<AnRecordsInit, 'trustedRegistrars'> = {}): AnSelector {
  const trustedRegistrars = init.trustedRegistrars ?? []
  return (key, records) => selectRecord(records, { key, trustedRegistrars })
}

/** The validator of an open network (no registrars) at the system clock. */
export const anValidator: AnValidator = createAnValidator()
/** The selector of an open network (no registrars). */
export const anSelector: AnSelector = createAnSelector()
