/**
 * The one error the names module throws.
 * @module
 */

/** Stable codes for why a name, address or origin label was refused. See docs/PROTOCOL.md. */
export type InvalidNameReason =
  | 'not-a-string'
  | 'empty'
  | 'address-too-long'
  | 'bad-percent-encoding'
  | 'bad-scheme'
  | 'missing-name'
  | 'userinfo'
  | 'percent-encoded'
  | 'missing-topic'
  | 'extra-colon'
  | 'too-many-labels'
  | 'empty-label'
  | 'bad-character'
  | 'leading-hyphen'
  | 'trailing-hyphen'
  | 'label-too-long'
  | 'bad-punycode'
  | 'name-too-long'
  | 'bad-path'
  | 'origin-label-too-long'
  | 'bad-origin-label'

/** Thrown when an input is not a valid Alternet name, address or origin label. */
export class InvalidNameError extends Error {
  override name = 'InvalidNameError'
  /** Why: a stable kebab-case code, safe to branch on (the message is for people). */
  readonly reason: InvalidNameReason

  constructor(reason: InvalidNameReason, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.reason = reason
  }
}

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Z}]/gu
const MAX_SHOWN = 80

/** Characters a person cannot see or tell apart, by the name a person knows them by. */
const CHARACTER_NAMES: Readonly<Record<string, string>> = {
  ' ': 'a space',
  '\t': 'a tab',
  '\n': 'a line break',
  '\r': 'a line break',
  '\u00a0': 'a non-breaking space',
  '\u00ad': 'an invisible soft hyphen',
  '\u200b': 'an invisible zero-width space',
  '\u200c': 'an invisible joiner',
  '\u200d': 'an invisible joiner',
  '\u2028': 'a line break',
  '\u2029': 'a line break',
  '\ufeff': 'an invisible byte-order mark',
}

const UNSEEN = /^[\p{Cc}\p{Cf}\p{Z}]$/u
const LONE_SURROGATE = /^\p{Cs}$/u

/**
 * One character as an error message names it, in words a person reads: visible characters
 * quoted as they are (`'_'`, `'Ａ'`), invisible ones by name (`a space`, `an invisible
 * character`), never as a code point.
 */
export function describeCharacter(c: string): string {
  const named = CHARACTER_NAMES[c]
  if (named !== undefined) return named
  if (/^\p{Z}$/u.test(c)) return 'a space character'
  if (UNSEEN.test(c)) return 'an invisible character'
  if (LONE_SURROGATE.test(c)) return 'a broken character'
  return `'${c}'`
}

/** What a quoted text shows in place of a character a person cannot see (the message names it). */
const UNSEEN_MARK = '\ufffd'

/**
 * `text` quoted for an error message, with each invisible character but the plain space shown
 * as `�`, so the message stays readable and shows where it is (`describeCharacter` names it).
 */
export function quote(text: string): string {
  const shown = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text
  return `'${shown.replace(INVISIBLE, (c) => (c === ' ' ? c : UNSEEN_MARK))}'`
}
