/**
 * Path normalisation: manifest keys from files a person picks, and URL paths from the network.
 * Both produce the same form (NFC, absolute, '/'-separated, no dot or empty segments), so a
 * normalised request path can be looked up in a manifest as is. Rules, in order, in
 * docs/PROTOCOL.md, "Paths".
 * @module
 */
import { InvalidPathError } from './errors.ts'
import { MAX_PATH_LENGTH, MAX_SEGMENT_LENGTH } from './constants.ts'

const encoder = new TextEncoder()
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** C0 controls, DEL and C1 controls: never part of a name. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
/** A lone surrogate: text that has no UTF-8 form. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
/** A percent sign followed by two hex digits. */
const PERCENT_TRIPLET = /^%[0-9a-fA-F]{2}/

function byteLength(text: string): number {
  return encoder.encode(text).length
}

function checkCharacters(text: string): void {
  if (text.includes('\\')) {
    throw new InvalidPathError(
      'backslash',
      'Paths use "/" as separator; a backslash is not allowed.',
    )
  }
  if (CONTROL.test(text)) {
    throw new InvalidPathError(
      'control-character',
      'The path contains a control character (such as NUL).',
    )
  }
}

/**
 * Checks the segments of an absolute, decoded, NFC path. With `trailingSlash`, a final empty
 * segment (a path ending in '/') is allowed.
 */
function checkSegments(path: string, trailingSlash: boolean): void {
  const segments = path.split('/').slice(1)
  const last = segments.length - 1
  segments.forEach((segment, i) => {
    if (segment === '') {
      if (i === last && trailingSlash) return
      if (i === last) {
        throw new InvalidPathError('trailing-slash', 'A file path cannot end with "/".')
      }
      throw new InvalidPathError('empty-segment', 'The path has an empty segment ("//").')
    }
    if (segment === '.' || segment === '..') {
      throw new InvalidPathError('dot-segment', 'The path contains a "." or ".." segment.')
    }
    if (byteLength(segment) > MAX_SEGMENT_LENGTH) {
      throw new InvalidPathError(
        'segment-too-long',
        `A file or folder name is longer than ${MAX_SEGMENT_LENGTH} bytes.`,
      )
    }
  })
  if (byteLength(path) > MAX_PATH_LENGTH) {
    throw new InvalidPathError('path-too-long', `The path is longer than ${MAX_PATH_LENGTH} bytes.`)
  }
}

/**
 * Normalises the path of a file being published into a manifest key: a leading '/' is added if
 * missing, the text is NFC; nothing is percent-decoded ('%' is an ordinary character in a file
 * name). Refuses, with `InvalidPathError`, backslashes, control characters, empty, '.' and '..'
 * segments, a trailing '/', and paths or names over the limits.
 * @example normalizePath('docs/a b.html') // '/docs/a b.html'
 */
export function normalizePath(path: string): string {
  if (typeof path !== 'string' || path === '' || path === '/') {
    throw new InvalidPathError('empty', 'The path is empty.')
  }
  if (LONE_SURROGATE.test(path)) {
    throw new InvalidPathError('invalid-utf8', 'The path is not valid Unicode text.')
  }
  checkCharacters(path)
  const absolute = (path.startsWith('/') ? path : `/${path}`).normalize('NFC')
  checkSegments(absolute, false)
  return absolute
}

/**
 * Normalises the path of a URL received from the network (`URL.pathname`, or the path of an
 * `/an/route` request): must start with '/', is percent-decoded exactly once as UTF-8
 * (strictly), then NFC. A trailing '/' is kept: it asks for the folder's index page. Refuses,
 * with `InvalidPathError`, encoded separators (`%2F`, `%5C`), invalid percent-encoding or
 * UTF-8, a literal '?' or '#', and everything `normalizePath` refuses.
 * @example normalizeRequestPath('/docs/a%20b.html') // '/docs/a b.html'
 */
export function normalizeRequestPath(urlPath: string): string {
  if (typeof urlPath !== 'string' || urlPath === '') {
    throw new InvalidPathError('empty', 'The path is empty.')
  }
  // Each decoded byte takes at most three characters: anything longer cannot fit the limit.
  if (urlPath.length > MAX_PATH_LENGTH * 3) {
    throw new InvalidPathError('path-too-long', `The path is longer than ${MAX_PATH_LENGTH} bytes.`)
  }
  if (!urlPath.startsWith('/')) {
    throw new InvalidPathError('not-absolute', 'A request path must start with "/".')
  }
  if (urlPath.includes('?') || urlPath.includes('#')) {
    throw new InvalidPathError(
      'reserved-character',
      'A request path cannot contain a literal "?" or "#" (send the path without query or fragment).',
    )
  }
  if (LONE_SURROGATE.test(urlPath)) {
    throw new InvalidPathError('invalid-utf8', 'The path is not valid Unicode text.')
  }
  checkCharacters(urlPath)
  const decoded = percentDecode(urlPath)
  checkCharacters(decoded)
  const path = decoded.normalize('NFC')
  checkSegments(path, true)
  return path
}

/** Decodes every `%XX` once; other characters stand for their own UTF-8 bytes. */
function percentDecode(text: string): string {
  if (!text.includes('%')) return text
  const bytes: number[] = []
  for (let i = 0; i < text.length;) {
    const char = text[i]
    if (char === '%') {
      const triplet = text.slice(i, i + 3)
      if (!PERCENT_TRIPLET.test(triplet)) {
        throw new InvalidPathError(
          'invalid-percent-encoding',
          'The path has a "%" that is not followed by two hexadecimal digits.',
        )
      }
      const byte = parseInt(triplet.slice(1), 16)
      if (byte === 0x2f || byte === 0x5c) {
        throw new InvalidPathError(
          'encoded-separator',
          'The path contains an encoded "/" or "\\" (%2F or %5C).',
        )
      }
      bytes.push(byte)
      i += 3
    } else {
      const codePoint = text.codePointAt(i) as number
      const step = codePoint > 0xffff ? 2 : 1
      for (const b of encoder.encode(text.slice(i, i + step))) bytes.push(b)
      i += step
    }
  }
  try {
    return strictUtf8.decode(new Uint8Array(bytes))
  } catch {
    throw new InvalidPathError('invalid-utf8', 'The path does not decode to valid UTF-8 text.')
  }
}

/**
 * Percent-encodes a normalised path for a URL or a `Location` header: each segment with
 * `encodeURIComponent`, separators kept. `normalizeRequestPath(encodePath(p)) === p`.
 */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}
