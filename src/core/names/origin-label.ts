/**
 * Origin labels: each site gets its own browser origin `<label>.an.localhost`, one DNS label that
 * encodes the whole canonical site name reversibly. See docs/PROTOCOL.md, "Origin label".
 * @module
 */

import { MAX_ORIGIN_LABEL_LENGTH, ORIGIN_LABEL_XN_FLAG } from './constants.ts'
import { InvalidNameError, quote } from './errors.ts'
import { encodeOriginLabel } from './origin-encoding.ts'
import { parseSiteName } from './site-name.ts'

// Labels never start or end with '-', so every run of hyphens in the output has one meaning:
// 1 is '.', 2 is ':', 3k is k literal hyphens, and 4 (only right after the first character)
// is the flag that keeps the label from starting with 'xn--'.
const RUNS = /-+/g

/**
 * The origin label of a site: '.' becomes '-', ':' becomes '--', each '-' becomes '---';
 * when that would start with `xn--`, `----` goes after the first character. Every valid site
 * has one: the grammar refuses a site whose label would be longer than 63 characters
 * (`InvalidNameError`, reason 'origin-label-too-long', from parsing `site`).
 * @example toOriginLabel('api.mysite:code') // 'api-mysite--code'
 */
export function toOriginLabel(site: string): string {
  return encodeOriginLabel(parseSiteName(site).site)
}

/**
 * The canonical site name an origin label stands for; the inverse of {@link toOriginLabel}.
 * Throws `InvalidNameError` (reason 'bad-origin-label') on any label `toOriginLabel` does not produce.
 * @example fromOriginLabel('api-mysite--code') // 'api.mysite:code'
 */
export function fromOriginLabel(label: string): string {
  const refuse = (why: string, cause?: unknown): never => {
    throw new InvalidNameError(
      'bad-origin-label',
      `Not the origin label of an Alternet site (${why}): ${quote(String(label))}`,
      {
        cause,
      },
    )
  }
  if (typeof label !== 'string') return refuse('not a string')
  if (label.length === 0 || label.length > MAX_ORIGIN_LABEL_LENGTH)
    refuse(`must be 1 to ${MAX_ORIGIN_LABEL_LENGTH} characters`)
  if (!/^[a-z0-9-]+$/.test(label)) refuse('only a-z, 0-9 and - may appear')
  const flagged =
    label.startsWith(ORIGIN_LABEL_XN_FLAG, 1) && label[1 + ORIGIN_LABEL_XN_FLAG.length] !== '-'
  const body = flagged ? label[0] + label.slice(1 + ORIGIN_LABEL_XN_FLAG.length) : label
  const site = body.replace(RUNS, (run) => {
    if (run.length === 1) return '.'
    if (run.length === 2) return ':'
    if (run.length % 3 === 0) return '-'.repeat(run.length / 3)
    return refuse(`a run of ${run.length} hyphens`)
  })
  let again: string
  try {
    again = toOriginLabel(site)
  } catch (error) {
    return refuse(error instanceof Error ? error.message : 'not a site name', error)
  }
  if (again !== label) refuse(`the site ${quote(site)} encodes as ${quote(again)}`)
  return site
}
