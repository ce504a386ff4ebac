/**
 * Punycode (RFC 3492) with the parameters docs/PROTOCOL.md "Unicode" lists, written from the
 * RFC for the conformance check. Overflow is detected at 2^31 − 1.
 * @module
 */

const BASE = 36
const TMIN = 1
const TMAX = 26
const SKEW = 38
const DAMP = 700
const INITIAL_BIAS = 72
const INITIAL_N = 128
const MAX_INT = 0x7fffffff

function adapt(delta: number, points: number, first: boolean): number {
  delta = first ? Math.floor(delta / DAMP) : delta >> 1
  delta += Math.floor(delta / points)
  let k = 0
  while (delta > ((BASE - TMIN) * TMAX) >> 1) {
    delta = Math.floor(delta / (BASE - TMIN))
    k += BASE
  }
  return k + Math.floor(((BASE - TMIN + 1) * delta) / (delta + SKEW))
}

const digitChar = (d: number): string => String.fromCharCode(d < 26 ? 97 + d : 22 + d)

function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 22
  if (c >= 0x41 && c <= 0x5a) return c - 0x41
  if (c >= 0x61 && c <= 0x7a) return c - 0x61
  return -1
}

/** Encodes the code points of `text` (lowercase digits). */
export function encodePunycode(text: string): string {
  const points = Array.from(text, (c) => c.codePointAt(0)!)
  let out = points
    .filter((p) => p < 0x80)
    .map((p) => String.fromCodePoint(p))
    .join('')
  const basic = out.length
  let handled = basic
  if (basic > 0) out += '-'
  let n = INITIAL_N
  let delta = 0
  let bias = INITIAL_BIAS
  while (handled < points.length) {
    const m = Math.min(...points.filter((p) => p >= n))
    delta += (m - n) * (handled + 1)
    n = m
    for (const p of points) {
      if (p < n) delta++
      if (p !== n) continue
      let q = delta
      for (let k = BASE; ; k += BASE) {
        const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias
        if (q < t) break
        out += digitChar(t + ((q - t) % (BASE - t)))
        q = Math.floor((q - t) / (BASE - t))
      }
      out += digitChar(q)
      bias = adapt(delta, handled + 1, handled === basic)
      delta = 0
      handled++
    }
    delta++
    n++
  }
  return out
}

/** Decodes `input`; null on a non-digit, a truncated number, overflow or a non-ASCII basic part. */
export function decodePunycode(input: string): string | null {
  const delimiter = input.lastIndexOf('-')
  const output: number[] = []
  for (let j = 0; j < Math.max(delimiter, 0); j++) {
    const c = input.charCodeAt(j)
    if (c >= 0x80) return null
    output.push(c)
  }
  let n = INITIAL_N
  let i = 0
  let bias = INITIAL_BIAS
  for (let at = delimiter > 0 ? delimiter + 1 : 0; at < input.length;) {
    const old = i
    let w = 1
    for (let k = BASE; ; k += BASE) {
      if (at >= input.length) return null
      const digit = digitValue(input.charCodeAt(at++))
      if (digit < 0) return null
      if (digit > Math.floor((MAX_INT - i) / w)) return null
      i += digit * w
      const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias
      if (digit < t) break
      if (w > Math.floor(MAX_INT / (BASE - t))) return null
      w *= BASE - t
    }
    const length = output.length + 1
    bias = adapt(i - old, length, old === 0)
    if (Math.floor(i / length) > MAX_INT - n) return null
    n += Math.floor(i / length)
    i %= length
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return null
    output.splice(i, 0, n)
    i++
  }
  return String.fromCodePoint(...output)
}
