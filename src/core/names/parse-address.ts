/**
 * Addresses: `an://[sub.]*name:topic[/path][?query][#fragment]` and the forms that lead to it.
 * The algorithm, step by step, is in docs/PROTOCOL.md, "Parsing an address".
 * @module
 */

import { MAX_ADDRESS_LENGTH, SCHEME } from './constants.ts'
import { InvalidNameError, describeCharacter, quote } from './errors.ts'
import { parseSitePart, toUnicodeSiteName, utf8Length } from './site-name.ts'
import type { SiteName } from './site-name.ts'

/** A parsed, canonical `an://` address. */
export interface AnAddress extends SiteName {
  /** Canonical site name, e.g. `api.mysite:code`. */
  site: string
  /** Always starts with '/' ('/' when absent); percent-escapes are kept, never decoded. */
  path: string
  /** '' or '?…'. */
  query: string
  /** '' or '#…'. */
  fragment: string
  /** Canonical address, e.g. `an://api.mysite:code/path?q#f`. */
  href: string
}

/** `web+an:` (any case), then optionally `//`. */
const WEB_SCHEME = /^web\+an:(?:\/\/)?/i
/** `an://` (any case). `an:` without `//` is the bare site name whose name is `an`. */
const AN_SCHEME = /^an:\/\//i
/** Any other `scheme://`. */
const OTHER_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i
/** The whole address percent-encoded once, as `navigator.registerProtocolHandler` hands it over. */
const ENCODED_ENVELOPE = /^(?:web(?:\+|%2b)an%3a|an%3a%2f%2f)/i

/** Refused anywhere after the site: controls, whitespace, and lone surrogates (no UTF-8 form). */
const FORBIDDEN = /[\p{Cc}\p{Cs}\p{White_Space}]/u
const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/

// The URL Standard's percent-encode sets for a path, a special-scheme query and a fragment,
// so that the href matches what a browser makes of the same text on the site's http origin.
const PATH_ENCODE = /["<>`{}]|[^\x00-\x7f]/gu
const QUERY_ENCODE = /["'<>]|[^\x00-\x7f]/gu
const FRAGMENT_ENCODE = /["<>`]|[^\x00-\x7f]/gu

const encoder = new TextEncoder()

function percentEncode(text: string, set: RegExp): string {
  return text.replace(set, (c) =>
    Array.from(encoder.encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(
      '',
    ),
  )
}

function checkTail(part: string, what: 'path' | 'query' | 'fragment'): void {
  const bad = FORBIDDEN.exec(part)
  if (bad !== null) {
    throw new InvalidNameError(
      'bad-path',
      `The ${what} may not contain spaces or invisible characters (it has ${describeCharacter(bad[0])}); percent-encode them, a space as %20: ${quote(part)}`,
    )
  }
  if (what !== 'path') return
  if (part.includes('\\')) {
    throw new InvalidNameError(
      'bad-path',
      `The path may not contain '\\'; write '/' or '%5C': ${quote(part)}`,
    )
  }
  if (BAD_ESCAPE.test(part)) {
    throw new InvalidNameError(
      'bad-path',
      `In the path, '%' must start an escape such as '%20': ${quote(part)}`,
    )
  }
}

function decodeEnvelope(input: string): string {
  try {
    return decodeURIComponent(input)
  } catch (cause) {
    throw new InvalidNameError(
      'bad-percent-encoding',
      `This percent-encoded address does not decode: ${quote(input)}`,
      {
        cause,
      },
    )
  }
}

function stripScheme(input: string): string {
  const web = WEB_SCHEME.exec(input)
  if (web !== null) return input.slice(web[0].length)
  const an = AN_SCHEME.exec(input)
  if (an !== null) return input.slice(an[0].length)
  if (OTHER_SCHEME.test(input)) {
    const scheme = input.slice(0, input.indexOf(':'))
    throw new InvalidNameError(
      'bad-scheme',
      `Alternet addresses start with 'an://' or 'web+an:', not '${scheme}:': ${quote(input)}`,
    )
  }
  return input
}

/**
 * Parses an Alternet address into canonical form. Accepts `an://…`, `web+an://…`, `web+an:…`,
 * the whole address percent-encoded once (`web%2Ban%3A…`, as a protocol handler receives it),
 * and a bare `name:topic[/path]`. Throws `InvalidNameError`.
 * @example parseAddress('WEB+AN:API.MySite:Code/docs?v=2').href // 'an://api.mysite:code/docs?v=2'
 */
export function parseAddress(input: string): AnAddress {
  if (typeof input !== 'string')
    throw new InvalidNameError('not-a-string', 'An address must be a string')
  if (input === '') throw new InvalidNameError('empty', 'The address is empty')
  if (utf8Length(input) > MAX_ADDRESS_LENGTH) {
    throw new InvalidNameError(
      'address-too-long',
      `An address may be at most ${MAX_ADDRESS_LENGTH} bytes long`,
    )
  }
  const text = ENCODED_ENVELOPE.test(input) ? decodeEnvelope(input) : input
  const rest = stripScheme(text)

  const hash = rest.indexOf('#')
  const beforeHash = hash < 0 ? rest : rest.slice(0, hash)
  const question = beforeHash.indexOf('?')
  const beforeQuery = question < 0 ? beforeHash : beforeHash.slice(0, question)
  const slash = beforeQuery.indexOf('/')
  const sitePart = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash)
  const rawPath = slash < 0 ? '' : beforeQuery.slice(slash)
  const rawQuery = question < 0 ? '' : beforeHash.slice(question)
  const rawFragment = hash < 0 ? '' : rest.slice(hash)

  const { subdomains, name, topic, site } = parseSitePart(sitePart)
  checkTail(rawPath, 'path')
  checkTail(rawQuery, 'query')
  checkTail(rawFragment, 'fragment')
  const path = rawPath === '' ? '/' : percentEncode(rawPath, PATH_ENCODE)
  const query = rawQuery.length <= 1 ? '' : percentEncode(rawQuery, QUERY_ENCODE)
  const fragment = rawFragment.length <= 1 ? '' : percentEncode(rawFragment, FRAGMENT_ENCODE)
  const href = `${SCHEME}://${site}${path}${query}${fragment}`
  return { subdomains, name, topic, site, path, query, fragment, href }
}

/** The canonical address of a site and an optional path: `formatAddress('mysite:code', '/a')` gives `an://mysite:code/a`. */
export function formatAddress(site: string, path = '/'): string {
  const tail =
    path === ''
      ? ''
      : path.startsWith('/') || path.startsWith('?') || path.startsWith('#')
        ? path
        : `/${path}`
  return parseAddress(`${SCHEME}://${site}${tail}`).href
}

/**
 * `address` with its site's Punycode labels shown as Unicode, for display only:
 * `an://xn--caf-dma:blog/a` gives `an://café:blog/a`. What does not parse comes back unchanged.
 */
export function toUnicodeAddress(address: string): string {
  try {
    const { site, path, query, fragment } = parseAddress(address)
    return `${SCHEME}://${toUnicodeSiteName(site)}${path}${query}${fragment}`
  } catch {
    return address
  }
}
