/**
 * Punycode (RFC 3492): the bootstring encoding of a Unicode label into `a-z0-9-`.
 * Only the raw transform; the `xn--` prefix and label rules live in labels.ts.
 * @module
 */

import { InvalidNameError } from './errors.ts'

// RFC 3492 section 5: parameter values for Punycode.
const BASE = 36
const TMIN = 1
const TMAX = 26
const SKEW = 38
const DAMP = 700
const INITIAL_BIAS = 72
const INITIAL_N = 0x80
const DELIMITER = '-'
/** RFC 3492 section 6.4 asks for overflow detection; 2^31 - 1 as in the RFC's sample code. */
const MAX_INT = 0x7fffffff
const MAX_CODE_POINT = 0x10ffff

// RFC 3492 section 6.1.
function adapt(delta: number, numPoints: number, firstTime: boolean): number {
  delta = firstTime ? Math.floor(delta / DAMP) : delta >> 1
  delta += Math.floor(delta / numPoints)
  let k = 0
  while (delta > ((BASE - TMIN) * TMAX) >> 1) {
    delta = Math.floor(delta / (BASE - TMIN))
    k += BASE
  }
  return k + Math.floor(((BASE - TMIN + 1) * delta) / (delta + SKEW))
}

function threshold(k: number, bias: number): number {
  return k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias
}

// 0-25 are a-z, 26-35 are 0-9 (RFC 3492 section 5); the encoder writes lowercase.
function encodeDigit(d: number): string {
  return String.fromCharCode(d < 26 ? 0x61 + d : 0x16 + d)
}

function decodeDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x16
  if (c >= 0x41 && c <= 0x5a) return c - 0x41
  if (c >= 0x61 && c <= 0x7a) return c - 0x61
  return BASE
}

function overflow(): never {
  throw new InvalidNameError('bad-punycode', 'Punycode overflow: this is not a valid encoded label')
}

/** Punycode of `input` (RFC 3492 section 6.3), without the `xn--` prefix; basic code points keep their case. */
export function punycodeEncode(input: string): string {
  const points = Array.from(input, (c) => c.codePointAt(0)!)
  let output = ''
  for (const c of points) if (c < INITIAL_N) output += String.fromCharCode(c)
  const basic = output.length
  let handled = basic
  if (basic > 0) output += DELIMITER
  let n = INITIAL_N
  let delta = 0
  let bias = INITIAL_BIAS
  while (handled < points.length) {
    let m = MAX_CODE_POINT + 1
    for (const c of points) if (c >= n && c < m) m = c
    if (m - n > Math.floor((MAX_INT - delta) / (handled + 1))) overflow()
    delta += (m - n) * (handled + 1)
    n = m
    for (const c of points) {
      if (c < n && ++delta > MAX_INT) overflow()
      if (c !== n) continue
      let q = delta
      for (let k = BASE; ; k += BASE) {
        const t = threshold(k, bias)
        if (q < t) break
        output += encodeDigit(t + ((q - t) % (BASE - t)))
        q = Math.floor((q - t) / (BASE - t))
      }
      output += encodeDigit(q)
      bias = adapt(delta, handled + 1, handled === basic)
      delta = 0
      handled++
    }
    delta++
    n++
  }
  return output
}

/**
 * The Unicode text of Punycode `input` (RFC 3492 section 6.2), without the `xn--` prefix.
 * Accepts either case of the digits, as the RFC does. Throws `InvalidNameError` ('bad-punycode').
 */
export function punycodeDecode(input: string): string {
  const bad = (why: string): never => {
    throw new InvalidNameError('bad-punycode', `Not valid Punycode (${why}): '${input}'`)
  }
  const delimiter = input.lastIndexOf(DELIMITER)
  const output: number[] = []
  for (let j = 0; j < Math.max(delimiter, 0); j++) {
    const c = input.charCodeAt(j)
    if (c >= INITIAL_N) bad('a non-ASCII character before the delimiter')
    output.push(c)
  }
  let n = INITIAL_N
  let i = 0
  let bias = INITIAL_BIAS
  for (let pos = delimiter > 0 ? delimiter + 1 : 0; pos < input.length;) {
    const oldI = i
    let w = 1
    for (let k = BASE; ; k += BASE) {
      if (pos >= input.length) bad('it ends in the middle of a number')
      const digit = decodeDigit(input.charCodeAt(pos++))
      if (digit >= BASE) bad(`'${input[pos - 1]}' is not a digit`)
      if (digit > Math.floor((MAX_INT - i) / w)) overflow()
      i += digit * w
      const t = threshold(k, bias)
      if (digit < t) break
      if (w > Math.floor(MAX_INT / (BASE - t))) overflow()
      w *= BASE - t
    }
    const length = output.length + 1
    bias = adapt(i - oldI, length, oldI === 0)
    if (Math.floor(i / length) > MAX_INT - n) overflow()
    n += Math.floor(i / length)
    i %= length
    if (n > MAX_CODE_POINT || (n >= 0xd800 && n <= 0xdfff))
      bad('it encodes a code point that is not a Unicode scalar value')
    output.splice(i, 0, n)
    i++
  }
  return String.fromCodePoint(...output)
}
