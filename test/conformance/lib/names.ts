/**
 * Names and addresses as docs/PROTOCOL.md "Names and addresses" specifies them, written from
 * the text for the conformance check: parsing an address step by step, label normalisation
 * with the platform's Unicode tables (toLowerCase, NFC, NFKC, General_Category), and the origin
 * label in both directions.
 * @module
 */
import { decodePunycode, encodePunycode } from './punycode.ts'

/** What parsing gives: the parts of a canonical address, or the spec's reason for refusing. */
export type Parsed =
  | {
      ok: true
      canonical: string
      site: string
      name: string
      topic: string
      subdomains: string[]
      path: string
    }
  | { ok: false; reason: string }

class Refusal extends Error {
  readonly reason: string
  constructor(reason: string) {
    super(reason)
    this.reason = reason
  }
}
const refuse = (reason: string): never => {
  throw new Refusal(reason)
}

const MAX_ADDRESS_LENGTH = 2048
const MAX_SUBDOMAINS = 8
const MAX_LABEL_LENGTH = 63
const MAX_SITE_NAME_LENGTH = 253
const MAX_ORIGIN_LABEL_LENGTH = 63

const utf8 = new TextEncoder()
const CONTROL = /[\u0000-\u001f\u007f-\u009f]|\p{Cs}/u
const WHITESPACE = /[ \t\n\v\f\r\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u
const NON_ASCII = /[^\u0000-\u007f]/

/** Steps 1–10 of "Labels". */
export function normaliseLabel(input: string): string {
  if (input === '') refuse('empty-label')
  let label = input.toLowerCase()
  const unicode = NON_ASCII.test(label)
  if (unicode) label = label.normalize('NFC')
  if (!/^[-\p{L}\p{M}\p{N}]*$/u.test(label)) refuse('bad-character')
  if (unicode && label.normalize('NFKC') !== label) refuse('bad-character')
  if (/^\p{M}/u.test(label)) refuse('bad-character')
  if (label.startsWith('-')) refuse('leading-hyphen')
  if (label.endsWith('-')) refuse('trailing-hyphen')
  if (unicode) label = `xn--${encodePunycode(label)}`
  if (label.length > MAX_LABEL_LENGTH) refuse('label-too-long')
  if (!unicode && label.startsWith('xn--')) {
    const decoded = decodePunycode(label.slice(4))
    if (decoded === null || !NON_ASCII.test(decoded)) refuse('bad-punycode')
    let again: string | undefined
    try {
      again = normaliseLabel(decoded!)
    } catch (error) {
      if (!(error instanceof Refusal)) throw error
    }
    if (again !== label) refuse('bad-punycode')
  }
  return label
}

/** "Origin label", encoding steps 1 and 2. */
export function encodeOriginLabel(site: string): string {
  const plain = site.replace(/[-.:]/g, (c) => (c === '.' ? '-' : c === ':' ? '--' : '---'))
  return plain.startsWith('xn--') ? `x----${plain.slice(1)}` : plain
}

/** "Origin label", decoding: the site of `label`, or null when the encoding does not give it. */
export function decodeOriginLabel(label: string): string | null {
  if (label.length < 1 || label.length > MAX_ORIGIN_LABEL_LENGTH) return null
  if (!/^[a-z0-9-]+$/.test(label)) return null
  const flagged = label.startsWith('----', 1) && label[5] !== '-'
  const body = flagged ? label[0] + label.slice(5) : label
  let bad = false
  const site = body.replace(/-+/g, (run) => {
    if (run.length === 1) return '.'
    if (run.length === 2) return ':'
    if (run.length % 3 === 0) return '-'.repeat(run.length / 3)
    bad = true
    return ''
  })
  if (bad) return null
  const parsed = parseSitePart(site)
  return parsed !== null && encodeOriginLabel(parsed.site) === label ? parsed.site : null
}

function parseSitePart(
  text: string,
): { site: string; name: string; topic: string; subdomains: string[] } | null {
  try {
    return siteOf(text)
  } catch (error) {
    if (error instanceof Refusal) return null
    throw error
  }
}

/** Step 6 of "Parsing an address". */
function siteOf(text: string): { site: string; name: string; topic: string; subdomains: string[] } {
  if (text === '') refuse('missing-name')
  if (text.includes('@')) refuse('userinfo')
  if (text.includes('%')) refuse('percent-encoded')
  const parts = text.split(':')
  if (parts.length === 1) refuse('missing-topic')
  if (parts.length > 2) refuse('extra-colon')
  const host = parts[0].split('.')
  if (host.length - 1 > MAX_SUBDOMAINS) refuse('too-many-labels')
  const labels = [...host, parts[1]].map(normaliseLabel)
  const topic = labels.pop()!
  const name = labels.pop()!
  const site = `${[...labels, name].join('.')}:${topic}`
  if (site.length > MAX_SITE_NAME_LENGTH) refuse('name-too-long')
  if (encodeOriginLabel(site).length > MAX_ORIGIN_LABEL_LENGTH) refuse('origin-label-too-long')
  return { site, name, topic, subdomains: labels }
}

/** Percent-encodes what the set matches, as UTF-8 bytes with uppercase hex. */
function encodeSet(text: string, set: RegExp): string {
  return Array.from(text, (c) =>
    set.test(c)
      ? Array.from(utf8.encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(
          '',
        )
      : c,
  ).join('')
}

const PREFIXES = ['web+an%3a', 'web%2ban%3a', 'an%3a%2f%2f']

function parse(input: string): Parsed {
  if (input === '') refuse('empty')
  if (utf8.encode(input).length > MAX_ADDRESS_LENGTH) refuse('address-too-long')
  let text = input
  if (PREFIXES.some((p) => text.toLowerCase().startsWith(p))) {
    if (/%(?![0-9a-fA-F]{2})/.test(text)) refuse('bad-percent-encoding')
    const bytes = Uint8Array.from(
      text.replace(/%([0-9a-fA-F]{2})|[^]/gu, (m, h: string | undefined) =>
        h === undefined
          ? String.fromCharCode(...utf8.encode(m))
          : String.fromCharCode(parseInt(h, 16)),
      ),
      (c) => c.charCodeAt(0),
    )
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    } catch {
      refuse('bad-percent-encoding')
    }
  }
  const lower = text.toLowerCase()
  if (lower.startsWith('web+an:')) {
    text = text.slice(7)
    if (text.startsWith('//')) text = text.slice(2)
  } else if (lower.startsWith('an://')) text = text.slice(5)
  else if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) refuse('bad-scheme')
  const hash = text.indexOf('#')
  const fragment = hash < 0 ? undefined : text.slice(hash + 1)
  const beforeHash = hash < 0 ? text : text.slice(0, hash)
  const mark = beforeHash.indexOf('?')
  const query = mark < 0 ? undefined : beforeHash.slice(mark + 1)
  const beforeQuery = mark < 0 ? beforeHash : beforeHash.slice(0, mark)
  const slash = beforeQuery.indexOf('/')
  const path = slash < 0 ? undefined : beforeQuery.slice(slash)
  const site = siteOf(slash < 0 ? beforeQuery : beforeQuery.slice(0, slash))
  for (const part of [path, query, fragment])
    if (part !== undefined && (CONTROL.test(part) || WHITESPACE.test(part))) refuse('bad-path')
  if (path !== undefined && (path.includes('\\') || /%(?![0-9a-fA-F]{2})/.test(path)))
    refuse('bad-path')
  const canonicalPath = encodeSet(path ?? '/', /[^\u0000-\u007f]|["<>`{}]/u)
  const q = query ? `?${encodeSet(query, /[^\u0000-\u007f]|["'<>]/u)}` : ''
  const f = fragment ? `#${encodeSet(fragment, /[^\u0000-\u007f]|["<>`]/u)}` : ''
  return {
    ok: true,
    ...site,
    path: canonicalPath,
    canonical: `an://${site.site}${canonicalPath}${q}${f}`,
  }
}

/** A bare site name as "Parsing an address" says (the paragraph on bare site names). */
export function parseSiteName(
  input: string,
): { ok: true; site: string } | { ok: false; reason: string } {
  try {
    if (utf8.encode(input).length > MAX_ADDRESS_LENGTH) refuse('name-too-long')
    if (/[/?#]/.test(input)) refuse('bad-character')
    return { ok: true, site: siteOf(input).site }
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.reason }
    throw error
  }
}

/** Parses an address input as "Parsing an address" says. */
export function parseAddress(input: string): Parsed {
  try {
    return parse(input)
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.reason }
    throw error
  }
}
