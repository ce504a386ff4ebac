/**
 * Who can serve a site now, as `<an-name-details>` (`an-name-details.ts`) shows it: its mirrors
 * and hosts, each with when it was last seen, until when its mirrors keep it up, and the offer to
 * help host it.
 * @module
 */
import { html, nothing, type TemplateResult } from 'lit'
import type { SiteSource, SiteSources } from '../../net/index.ts'
import { formatAge, formatDate } from '../format.ts'
import { reachableSourcesText } from '../site-sources-text.ts'

/**
 * What `found` says of the site's sources; `showUntil` when the mirrors' date is this person's
 * to know (not on a site this device publishes: it has its own line), `helpOffer` below.
 */
export function renderSourcesFound(
  found: SiteSources,
  showUntil: boolean,
  helpOffer: TemplateResult | typeof nothing,
) {
  const summary = found.canServe
    ? html`<span class="ok" data-can-serve="yes">Yes: ${reachableSourcesText(found)} can serve it.</span>`
    : html`<span class="warning" data-can-serve="no">No one can serve it right now: no mirror holds it and no host answers.</span>`
  const until =
    found.mirroredUntil !== undefined && showUntil
      ? html`<span class="mirrored-until" data-mirrored-until
          >Its mirrors keep it up until ${formatDate(found.mirroredUntil)}, even while its owner is away.</span
        >`
      : nothing
  return html`${summary} ${until}
    ${found.sources.length > 0 ? html`<ul>${found.sources.map((s) => renderSource(s))}</ul>` : nothing}
    <span class="hint explain">A mirror is a relay that keeps a full copy of a site and serves it while its publisher is away.</span>
    ${helpOffer}`
}

function renderSource(source: SiteSource) {
  const seen =
    source.lastSeen === undefined
      ? 'not reached'
      : source.reachable
        ? 'answering now'
        : `last seen ${formatAge(source.lastSeen)}`
  return html`<li data-source=${source.kind}>${source.name} (${seen}) <span class="hint mono id" title="The end of its network ID">${source.shortId}</span></li>`
}
