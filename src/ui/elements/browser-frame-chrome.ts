/**
 * What the viewer (`<an-browser-frame>`) shows around a site, above or below its frame: that it
 * is opening, an offline copy, what the app adds to a failure page, a newer version, a slow path
 * through a relay, and "About this name".
 * @module
 */
import { html, nothing } from 'lit'
import { ref, type Ref } from 'lit/directives/ref.js'
import type { SiteDocumentDetail } from '../../origins/shell/bridge-host-types.ts'
import { errorText } from '../error-text.ts'
import { formatDate, formatOld } from '../format.ts'
import { routeHash } from '../router.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import './an-name-details.ts'
import './an-site-update.ts'

/** What the viewer knows of the site it shows. */
export interface SiteChrome {
  session: AlternetSession | undefined
  /** The canonical site. */
  site: string
  /** The address as the bar shows it. */
  input: string
  /** The site is on its way. */
  loading: boolean
  /** What the frame says it shows, once it did. */
  shown: SiteDocumentDetail | undefined
  /** The viewer's own error in the frame's place: the name's details have nothing to add. */
  failed: boolean
  /** Bumped to look the name up again. */
  generation: number
  /** "About this name", for the viewer to close it for the next site. */
  about: Ref<HTMLDetailsElement>
  /** Shows the site again, looked up afresh. */
  reload: () => void
}

/** The lines around the site's frame. */
export function renderSiteChrome(chrome: SiteChrome) {
  const { session, site, shown } = chrome
  return html`
    ${chrome.loading ? html`<p class="hint" role="status">Opening ${chrome.input}…</p>` : nothing}
    ${shown?.offlineCopy !== undefined ? renderOfflineCopy(shown.offlineCopy) : nothing}
    ${renderFailureNote(shown, site)}
    <an-site-update .session=${session} site=${site} generation=${chrome.generation} @reload-site=${chrome.reload}></an-site-update>
    ${
      session?.status?.slowPath.some((slow) => slow.site === site)
        ? html`<p class="warning" role="status">This site comes through a relay, so it may load slowly.</p>`
        : nothing
    }
    <!-- A name nobody published has nothing to tell: its details would say "Name not found" again. -->
    <details ${ref(chrome.about)} class="about" ?hidden=${chrome.failed || shown?.error === 'NameNotFoundError'}>
      <summary>About this name</summary>
      <an-name-details .session=${session} site=${site} generation=${chrome.generation} @key-accepted=${chrome.reload}></an-name-details>
    </details>
  `
}

/** "Offline copy from 21 Nov 2026, 23:40 (2 hours old)", outside the site's frame. */
function renderOfflineCopy(iso: string) {
  const at = Date.parse(iso)
  return html`<p class="warning" role="status" data-offline-copy=${iso}>
    Offline copy from <time datetime=${iso}>${formatDate(at)}</time> (${formatOld(at)}): no host could be
    reached, so this is the site as this device kept it.
  </p>`
}

/** What the app adds to a failure page the frame shows (`shown.error`) of `site`. */
function renderFailureNote(shown: SiteDocumentDetail | undefined, site: string) {
  if (shown?.error === 'NameNotFoundError')
    // The frame says what happened; the app adds only what the frame cannot: the way to publish.
    return html`<p class="offer" data-error=${shown.error}>
      <a class="button primary" href=${routeHash('publish', site)}>Publish this name</a>
    </p>`
  if (shown?.error !== undefined)
    // Said once, in the frame; this line is for screen readers, which do not read a new frame out.
    return html`<p class="visually-hidden" role="status" data-error=${shown.error}>
      ${site} could not be shown: ${errorText({ name: shown.error }).title}.
    </p>`
  return nothing
}
