/**
 * One label of a site name (a subdomain, the name or the topic): normalisation and validation.
 * The steps, in order, are specified in docs/PROTOCOL.md, "Labels".
 * @module
 */

import { ACE_PREFIX, MAX_LABEL_LENGTH } from './constants.ts'
import { InvalidNameError, describeCharacter, quote } from './errors.ts'
import { punycodeDecode, punycodeEncode } from './punycode.ts'

/** Which part of a site name a label is; only used to word error messages. */
export type LabelRole = 'subdomain' | 'name' | 'topic'

const ASCII = /^[\x00-\x7f]*$/
const NOT_ALLOWED = /[^\p{L}\p{M}\p{N}-]/u
const STARTS_WITH_MARK = /^\p{M}/u

/**
 * The canonical ASCII form of one label: lowercased, NFC-normalised, and Punycode-encoded
 * (`xn--…`) when it holds non-ASCII letters. Throws `InvalidNameError`.
 */
export function normaliseLabel(raw: string, role: LabelRole): string {
  if (raw === '') {
    throw new InvalidNameError(
      'empty-label',
      role === 'topic'
        ? 'The topic after the colon is empty'
        : `The ${role} is empty (a dot at the start or end, two dots in a row, or nothing before the colon)`,
    )
  }
  const unicode = ASCII.test(raw) ? raw.toLowerCase() : raw.toLowerCase().normalize('NFC')
  const bad = NOT_ALLOWED.exec(unicode)
  if (bad !== null) {
    const what =
      role === 'topic' && bad[0] === '.' ? 'A topic may not contain' : `A ${role} may not contain`
    throw new InvalidNameError(
      'bad-character',
      `${what} ${describeCharacter(bad[0])} (only letters, digits and '-'): ${quote(raw)}`,
    )
  }
  const ascii = ASCII.test(unicode)
  if (!ascii && unicode.normalize('NFKC') !== unicode) {
    const culprit = Array.from(unicode).find((c) => c.normalize('NFKC') !== c)
    throw new InvalidNameError(
      'bad-character',
      `A ${role} may not contain compatibility characters such as fullwidth letters` +
        `${culprit === undefined ? '' : ` (${describeCharacter(culprit)})`}: ${quote(raw)}`,
    )
  }
  if (STARTS_WITH_MARK.test(unicode)) {
    throw new InvalidNameError(
      'bad-character',
      `A ${role} may not start with a combining mark: ${quote(raw)}`,
    )
  }
  if (unicode.startsWith('-')) {
    throw new InvalidNameError(
      'leading-hyphen',
      `A ${role} may not start with a hyphen: ${quote(raw)}`,
    )
  }
  if (unicode.endsWith('-')) {
    throw new InvalidNameError(
      'trailing-hyphen',
      `A ${role} may not end with a hyphen: ${quote(raw)}`,
    )
  }
  const encoded = ascii ? unicode : ACE_PREFIX + punycodeEncode(unicode)
  if (encoded.length > MAX_LABEL_LENGTH) {
    throw new InvalidNameError(
      'label-too-long',
      `A ${role} may be at most ${MAX_LABEL_LENGTH} characters` +
        `${ascii ? '' : ' once encoded as Punycode'}, this one is ${encoded.length}: ${quote(raw)}`,
    )
  }
  if (ascii && encoded.startsWith(ACE_PREFIX)) checkAceLabel(encoded, role)
  return encoded
}

/** An ASCII `xn--` label must be exactly what {@link normaliseLabel} makes of its decoded text. */
function checkAceLabel(label: string, role: LabelRole): void {
  const refuse = (cause?: unknown): never => {
    const why = cause instanceof Error ? ` (${cause.message})` : ''
    throw new InvalidNameError(
      'bad-punycode',
      `A ${role} starting with 'xn--' must be the Punycode form of a valid Unicode label${why}: ${quote(label)}`,
      { cause },
    )
  }
  let decoded: string
  try {
    decoded = punycodeDecode(label.slice(ACE_PREFIX.length))
  } catch (error) {
    return refuse(error)
  }
  if (ASCII.test(decoded)) refuse(new Error('it decodes to plain ASCII'))
  let again: string
  try {
    again = normaliseLabel(decoded, role)
  } catch (error) {
    return refuse(error)
  }
  if (again !== label)
    refuse(new Error(`the decoded label is not in canonical form, it encodes as '${again}'`))
}

/** The Unicode text of a canonical label, for display: `xn--bcher-kva` becomes `bücher`. */
export function labelToUnicode(label: string): string {
  return label.startsWith(ACE_PREFIX) ? punycodeDecode(label.slice(ACE_PREFIX.length)) : label
}
