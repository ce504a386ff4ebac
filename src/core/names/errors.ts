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

/** `text` quoted for an error message, with invisible characters spelled out as `\u{…}`. */
export function quote(text: string): string {
  const shown = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text
  const escaped = shown.replace(INVISIBLE, (c) => {
    if (c === ' ') return c
    return `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`
  })
  return `'${escaped}'`
}
