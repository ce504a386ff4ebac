/**
 * Facts about a site that About this name and My sites both show, in the same words: until when
 * it stays up without this device, the visits this device served, and the age of its record
 * (its date on hover).
 * @module
 */
import { html, nothing, type TemplateResult } from 'lit'
import type { KeepAlive } from '../../net/index.ts'
import { formatAge, formatDate } from '../format.ts'
import { visitsText } from '../session/visits-served.ts'
import { awayShortText } from '../site-places.ts'

/** The "Up without this device" row of a `<dl>`; `warn` marks its answer as a warning. */
export function awayRow(
  keepAlive: KeepAlive | undefined,
  hostedHere: boolean,
  warn = false,
): TemplateResult {
  return html`<dt>Up without this device</dt>
    <dd data-away class=${warn ? 'warning' : nothing}>${awayShortText(keepAlive, hostedHere)}</dd>`
}

/** The "Visits served by this device" row of a `<dl>`. */
export function visitsRow(count: number): TemplateResult {
  return html`<dt>Visits served by this device</dt>
    <dd data-visits>${visitsText(count)}</dd>`
}

/** How long ago `at` (ms since the epoch) was, as a `<time>` whose title is the date. */
export function ageTime(at: number): TemplateResult {
  return html`<time datetime=${new Date(at).toISOString()} title=${formatDate(at)}>${formatAge(at)}</time>`
}
