/**
 * The parts of the viewer (`<an-browser-frame>`) that only show what they are given: the address
 * bar, the site's frame and the welcome with the recently visited sites. What shows around a
 * site is `browser-frame-chrome.ts`.
 * @module
 */
import { html, nothing } from 'lit'
import { ref, type Ref } from 'lit/directives/ref.js'
import { SITE_FRAME_NAME } from '../../origins/shared/constants.ts'
import { displaySite, formatAge } from '../format.ts'
import { routeHash } from '../router.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import { recentSites } from '../session/recent-sites.ts'
import './an-discover.ts'

/**
 * What the site frame may do. Scripts, forms and popups, and its own origin (the site worker
 * only controls a same-origin frame); popups (links opened in a new tab) leave the sandbox so a
 * site opened there works as a top-level visit; downloads are allowed. Never
 * `allow-top-navigation`: a site must not move the app's window (to a lookalike page, to
 * `/?reset-sw`).
 */
const SITE_SANDBOX =
  'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox allow-downloads'

/**
 * The site's frame, on the site's origin, named for its bridge to find (`SITE_FRAME_NAME`);
 * hidden with no site or with an error in its place.
 */
export function renderSiteFrame(
  frame: Ref<HTMLIFrameElement>,
  site: string,
  failed: boolean,
  loaded: () => void,
) {
  return html`<iframe
    ${ref(frame)}
    class="frame"
    name=${SITE_FRAME_NAME}
    ?hidden=${site === '' || failed}
    title=${site === '' ? 'Site' : `Site ${displaySite(site)}`}
    sandbox=${SITE_SANDBOX}
    allow="fullscreen; clipboard-write"
    referrerpolicy="no-referrer"
    @load=${loaded}
  ></iframe>`
}

/** What the address bar shows and does. */
export interface AddressBar {
  /** The text in the address field. */
  input: string
  /** The header is folded away: the handle to bring it back starts the bar. */
  folded: boolean
  canGoBack: boolean
  canGoForward: boolean
  canReload: boolean
  submit(event: Event): void
  typed(value: string): void
  back(): void
  forward(): void
  reload(): void
  showHeader(): void
}

/** The address bar: the header's handle when folded, back, forward, reload, the address, Go. */
export function renderAddressBar(bar: AddressBar) {
  return html`
    <form @submit=${(event: Event) => bar.submit(event)} role="search" aria-label="Site address">
      ${
        bar.folded
          ? html`<button type="button" class="handle" @click=${() => bar.showHeader()}>
              <img src="/icons/icon.svg" alt="" /><span class="visually-hidden">Show the menu</span>
            </button>`
          : nothing
      }
      <div class="nav">
        <button type="button" aria-label="Back" title="Back" ?disabled=${!bar.canGoBack} @click=${() => bar.back()}>←</button>
        <button type="button" aria-label="Forward" title="Forward" ?disabled=${!bar.canGoForward} @click=${() => bar.forward()}>→</button>
        <button type="button" aria-label="Reload" title="Reload" ?disabled=${!bar.canReload} @click=${() => bar.reload()}>↻</button>
      </div>
      <div class="bar">
        <label for="address" class="visually-hidden">Address</label>
        <input
          id="address"
          name="address"
          type="text"
          inputmode="url"
          autocomplete="off"
          autocapitalize="off"
          spellcheck="false"
          enterkeyhint="go"
          placeholder="an://name:topic"
          .value=${bar.input}
          @input=${(event: Event) => bar.typed((event.target as HTMLInputElement).value)}
        />
        <button type="submit" class="primary">Go</button>
      </div>
    </form>
  `
}

/** The Browse screen before any site: how to open one, the sites visited lately, Discover. */
export function renderWelcome(session: AlternetSession | undefined) {
  return html`
    <section class="card welcome">
      <h2>Open a site</h2>
      <p>
        Type an Alternet address above, such as <code>an://mysite:code</code> or just <code>mysite:code</code>, and press
        Go. Sites come straight from the people who host them, checked against their owner’s signature.
      </p>
      <p><a class="button" href="#/publish">Publish your own site</a></p>
    </section>
    ${renderRecent()}
    <an-discover .session=${session}></an-discover>
  `
}

/** The sites this browser opened lately, one tap away (Discover lists the relays' directory below). */
function renderRecent() {
  const recent = recentSites()
  if (recent.length === 0) return nothing
  return html`<section class="card recent" aria-labelledby="recent">
    <h2 id="recent">Recently visited</h2>
    <ul>
      ${recent.map(
        ({ site, at }) =>
          html`<li>
            <a href=${routeHash('view', `an://${site}`)}>${displaySite(site)}</a>
            <span class="hint">${formatAge(at)}</span>
          </li>`,
      )}
    </ul>
  </section>`
}
