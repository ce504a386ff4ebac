/**
 * Small formatting helpers for bytes, ages and dates, in the person's locale.
 * @module
 */

import { toUnicodeSiteName } from '../core/names/index.ts'

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'] as const
const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** `1.5 MB` */
export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  return unit === 0 ? `${value} ${UNITS[0]}` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`
}

/** `1 file`, `3 files`: a count and its noun, `many` (the noun with an s) unless it is one. */
export function countOf(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })

/** `3 minutes ago`, `in 2 hours`, for a time in ms since the epoch. */
export function formatAge(at: number, now: number = Date.now()): string {
  const delta = at - now
  const size = Math.abs(delta)
  if (size < MINUTE) return relative.format(Math.round(delta / SECOND), 'second')
  if (size < HOUR) return relative.format(Math.round(delta / MINUTE), 'minute')
  if (size < DAY) return relative.format(Math.round(delta / HOUR), 'hour')
  return relative.format(Math.round(delta / DAY), 'day')
}

const oldUnits = [
  { unit: 'day', ms: DAY },
  { unit: 'hour', ms: HOUR },
  { unit: 'minute', ms: MINUTE },
] as const

/** How old something made at `at` is: "2 hours old", "1 day old", "less than a minute old". */
export function formatOld(at: number, now: number = Date.now()): string {
  const age = Math.max(0, now - at)
  for (const { unit, ms } of oldUnits) {
    const count = Math.floor(age / ms)
    if (count >= 1)
      return `${new Intl.NumberFormat(undefined, { style: 'unit', unit, unitDisplay: 'long' }).format(count)} old`
  }
  return 'less than a minute old'
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

/** A date and time in the person's locale, without seconds: `6 Dec 2026, 08:40`. */
export function formatDate(at: number): string {
  return dateTime.format(at)
}

/** A site name as people write it: Punycode labels in Unicode (`xn--caf-dma:food` reads `café:food`). */
export function displaySite(site: string): string {
  try {
    return toUnicodeSiteName(site)
  } catch {
    return site
  }
}
