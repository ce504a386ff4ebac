/**
 * Site names: `[sub.]*name:topic`, parsed, normalised and formatted.
 * @module
 */

import {
  MAX_ADDRESS_LENGTH,
  MAX_ORIGIN_LABEL_LENGTH,
  MAX_SITE_NAME_LENGTH,
  MAX_SUBDOMAINS,
} from './constants.ts'
import { InvalidNameError, quote } from './errors.ts'
import { labelToUnicode, normaliseLabel } from './labels.ts'
import { encodeOriginLabel } from './origin-encoding.ts'

/** The parts of a site name; every label is canonical: lowercase ASCII, Punycode for Unicode. */
export interface SiteName {
  /** Subdomain labels, leftmost first: `['api']` for `api.mysite:code`; `[]` for a root site. */
  subdomains: string[]
  /** The name: `mysite` in `api.mysite:code`. */
  name: string
  /** The topic, the namespace the name lives in: `code` in `api.mysite:code`. */
  topic: string
}

/** A parsed site name together with its canonical text. */
export interface ParsedSiteName extends SiteName {
  /** Canonical site name, e.g. `api.mysite:code`. */
  site: string
}

/** UTF-8 length of `text`, counting a lone surrogate as the 3 bytes of U+FFFD. */
export function utf8Length(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4
      i++
    } else n += 3
  }
  return n
}

/** Parses the site part of an address (everything between the scheme and the path). */
export function parseSitePart(text: string): ParsedSiteName {
  if (text === '') throw new InvalidNameError('missing-name', 'The address has no site name')
  if (text.includes('@')) {
    throw new InvalidNameError(
      'userinfo',
      `An address may not carry a user name ('@'): ${quote(text)}`,
    )
  }
  if (text.includes('%')) {
    throw new InvalidNameError(
      'percent-encoded',
      `A site name may not be percent-encoded ('%'); write the characters themselves: ${quote(text)}`,
    )
  }
  const colon = text.indexOf(':')
  if (colon < 0) {
    throw new InvalidNameError(
      'missing-topic',
      `A site name needs a topic, as in 'mysite:code': ${quote(text)}`,
    )
  }
  if (text.indexOf(':', colon + 1) >= 0) {
    throw new InvalidNameError(
      'extra-colon',
      `A site name has exactly one ':' between name and topic (no port either): ${quote(text)}`,
    )
  }
  const host = text.slice(0, colon).split('.')
  if (host.length - 1 > MAX_SUBDOMAINS) {
    throw new InvalidNameError(
      'too-many-labels',
      `A site name may have at most ${MAX_SUBDOMAINS} subdomains, this one has ${host.length - 1}: ${quote(text)}`,
    )
  }
  const subdomains = host.slice(0, -1).map((label) => normaliseLabel(label, 'subdomain'))
  const name = normaliseLabel(host[host.length - 1], 'name')
  const topic = normaliseLabel(text.slice(colon + 1), 'topic')
  const site = join(subdomains, name, topic)
  if (site.length > MAX_SITE_NAME_LENGTH) {
    throw new InvalidNameError(
      'name-too-long',
      `A site name may be at most ${MAX_SITE_NAME_LENGTH} characters once encoded, this one is ${site.length}: ${quote(site)}`,
    )
  }
  // Every site is served from its own browser origin, one DNS label: a name that does not fit
  // in one could be held but never opened, so the grammar refuses it.
  const needed = encodeOriginLabel(site).length
  if (needed > MAX_ORIGIN_LABEL_LENGTH) {
    throw new InvalidNameError(
      'origin-label-too-long',
      `Too long to open in a browser: name, topic and subdomains together must fit in ${MAX_ORIGIN_LABEL_LENGTH} characters, counting ':' as 2, '.' as 1 and each '-' as 3 (letters outside a-z count in their xn-- form); this one needs ${needed}: ${quote(site)}`,
    )
  }
  return { subdomains, name, topic, site }
}

function join(subdomains: readonly string[], name: string, topic: string): string {
  return [...subdomains, name].join('.') + ':' + topic
}

/**
 * Parses a bare site name `[sub.]*name:topic` (Unicode allowed) into canonical form.
 * Throws `InvalidNameError`.
 * @example parseSiteName('API.Bücher:Code') // { subdomains: ['api'], name: 'xn--bcher-kva', topic: 'code', site: 'api.xn--bcher-kva:code' }
 */
export function parseSiteName(input: string): ParsedSiteName {
  if (typeof input !== 'string')
    throw new InvalidNameError('not-a-string', 'A site name must be a string')
  if (utf8Length(input) > MAX_ADDRESS_LENGTH) {
    throw new InvalidNameError(
      'name-too-long',
      `A site name this long cannot be valid: ${quote(input)}`,
    )
  }
  const stray = /[/?#]/.exec(input)
  if (stray !== null) {
    throw new InvalidNameError(
      'bad-character',
      `A site name is only '[sub.]name:topic', without scheme, path, query or fragment ('${stray[0]}'): ${quote(input)}`,
    )
  }
  return parseSitePart(input)
}

/** The canonical text `sub.name:topic` of `n`; normalises each label and throws `InvalidNameError` on a bad one. */
export function formatSiteName(n: SiteName): string {
  const subdomains = n.subdomains.map((label) => normaliseLabel(label, 'subdomain'))
  return parseSitePart(
    join(subdomains, normaliseLabel(n.name, 'name'), normaliseLabel(n.topic, 'topic')),
  ).site
}

/** The root site of `site`: `api.mysite:code` gives `mysite:code`. Throws `InvalidNameError`. */
export function rootSiteName(site: string): string {
  const parsed = parseSiteName(site)
  return join([], parsed.name, parsed.topic)
}

/** True when `site` has at least one subdomain. Throws `InvalidNameError`. */
export function isSubdomain(site: string): boolean {
  return parseSiteName(site).subdomains.length > 0
}

/** `site` with Punycode labels shown as Unicode, for display only: `xn--bcher-kva:code` gives `bücher:code`. */
export function toUnicodeSiteName(site: string): string {
  const parsed = parseSiteName(site)
  return join(
    parsed.subdomains.map(labelToUnicode),
    labelToUnicode(parsed.name),
    labelToUnicode(parsed.topic),
  )
}
