/**
 * Where a published site lives, in words: this device, its mirrors (by host), and until when it
 * stays up without this device. Shared by the publish result and My sites.
 * @module
 */
import type { KeepAlive } from '../net/index.ts'
import { countOf, formatDate } from './format.ts'

const DAY_MS = 86_400_000

/** What a mirror is, said once where mirrors first appear. */
export const MIRROR_EXPLANATION =
  'A mirror is a relay that keeps a full copy of your site and serves it while this device is off.'

/** The horizon choices of the publish form, in words. */
export function horizonLabel(ms: number): string {
  const days = Math.round(ms / DAY_MS)
  if (days === 7) return '1 week'
  return countOf(days, 'day')
}

/** `This device and 2 mirrors: a.example.org, b.example.org` (or without this device). */
export function placesText(keepAlive: KeepAlive | undefined, hostedHere: boolean): string {
  const mirrors = keepAlive?.mirrors ?? []
  const here = hostedHere ? 'This device' : ''
  if (mirrors.length === 0) return hostedHere ? 'Only this device' : 'Nowhere that answered'
  const list = `${countOf(mirrors.length, 'mirror')}: ${mirrors.join(', ')}`
  return here === '' ? list.charAt(0).toUpperCase() + list.slice(1) : `${here} and ${list}`
}

/**
 * Until when the site stays up without this device, or the warning that closing this tab takes
 * it offline (no mirror holds it).
 */
export function awayText(keepAlive: KeepAlive | undefined, hostedHere: boolean): string {
  if (keepAlive?.aliveUntil !== undefined && keepAlive.mirrors.length > 0)
    return `Without this device it stays up until ${formatDate(keepAlive.aliveUntil)}.`
  return hostedHere
    ? 'No mirror holds it yet: closing this tab takes the site offline until you open Alternet again.'
    : 'No mirror holds it: it is offline until someone hosts it.'
}

/** The same for a list's "Up without this device" row: `until 13 Dec 2026, 10:13`, or the warning. */
export function awayShortText(keepAlive: KeepAlive | undefined, hostedHere: boolean): string {
  if (keepAlive?.aliveUntil !== undefined && keepAlive.mirrors.length > 0)
    return `until ${formatDate(keepAlive.aliveUntil)}`
  return hostedHere
    ? 'no: no mirror holds it yet, so closing this tab takes it offline'
    : 'no: no mirror holds it'
}
