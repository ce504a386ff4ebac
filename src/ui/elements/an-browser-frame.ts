/**
 * `<an-browser-frame>`: the viewer. An address bar (`an://…`, `web+an:…` or a bare
 * `name:topic`), back, forward and reload, the site in a frame on its own origin (through the
 * bridge), and what the name resolved to one click away. Offline copies and failure pages
 * the site's service worker served are named above the frame.
 * @module
 */
import { LitElement, html, nothing } from 'lit'
import { keyed } from 'lit/directives/keyed.js'
import { createRef, ref } from 'lit/directives/ref.js'
import type { SiteDocumentDetail, SiteScrollDetail } from '../../origins/shell/bridge-host-types.ts'
import { SITE_FRAME_NAME } from '../../origins/shared/constants.ts'
import { ServiceWorkerUnsupportedError } from '../../origins/shared/errors.ts'
import { parseAddress, toUnicodeAddress } from '../../core/names/index.ts'
import { errorText } from '../error-text.ts'
import { FrameHistory } from '../frame-history.ts'
import { parseRoute, routeHash } from '../router.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import { SessionController } from '../session/session-controller.ts'
import { sharedStyles } from '../styles.ts'
import { browserFrameStyles } from './browser-frame-styles.ts'
import { allRelaysFailing, withinOffline, withinRelays } from '../session/online-state.ts'
import { noteVisit, recentSites } from '../session/recent-sites.ts'
import { displaySite, formatAge } from '../format.ts'
import './an-error-message.ts'
import './an-address-lookahead.ts'
import './an-name-details.ts'
import './an-site-update.ts'
import './an-discover.ts'

/** How long Reload waits for the network's newest record of the name before showing the cached one. */
export const RELOAD_LOOKUP_MS = 5_000

/**
 * What the site frame may do. Scripts, forms and popups, and its own origin (the site worker
 * only controls a same-origin frame); popups (links opened in a new tab) leave the sandbox so a
 * site opened there works as a top-level visit; downloads are allowed. Never
 * `allow-top-navigation`: a site must not move the app's window (to a lookalike page, to
 * `/?reset-sw`).
 */
const SITE_SANDBOX =
  'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox allow-downloads'

const offlineDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const oldUnits = [
  { unit: 'day', ms: 86_400_000 },
  { unit: 'hour', ms: 3_600_000 },
  { unit: 'minute', ms: 60_000 },
] as const

/** How old something made at `at` is: "2 hours old", "1 day old", "less than a minute old". */
function formatOld(at: number, now: number = Date.now()): string {
  const age = Math.max(0, now - at)
  for (const { unit, ms } of oldUnits) {
    const count = Math.floor(age / ms)
    if (count >= 1)
      return `${new Intl.NumberFormat(undefined, { style: 'unit', unit, unitDisplay: 'long' }).format(count)} old`
  }
  return 'less than a minute old'
}

/** A route's address as a person wrote it: `an://bad%20name` reads `an://bad name`. */
function readable(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

/** The viewer of `an://` sites. */
export class AnBrowserFrame extends LitElement {
  static override properties = {
    session: { attribute: false },
    address: {},
    input: { state: true },
    site: { state: true },
    error: { state: true },
    loading: { state: true },
    shown: { state: true },
    generation: { state: true },
    folded: { type: Boolean },
  }

  static override styles = [sharedStyles, browserFrameStyles]

  /** The app's session. */
  declare session: AlternetSession | undefined
  /** The address the route asks for (raw or percent-encoded, as after `#/view/`). */
  declare address: string
  declare private input: string
  /** The canonical site shown, '' before the first. */
  declare private site: string
  declare private error: unknown
  declare private loading: boolean
  /** What the frame says it shows: the last document the bridge reported. */
  declare private shown: SiteDocumentDetail | undefined
  declare private generation: number
  /** On a phone, the app's header is folded away: the address bar offers it back (`show-header`). */
  declare folded: boolean

  private readonly history = new FrameHistory()
  /** The address just opened from the address bar: its document is a new visit, not a move. */
  private typedVisit: string | undefined
  private readonly frame = createRef<HTMLIFrameElement>()
  /** Changes when the site frame is emptied: a new frame element replaces it. */
  private frameKey = 0
  private readonly about = createRef<HTMLDetailsElement>()
  private subscribed: EventTarget | undefined
  /**
   * Leaving Browse, the address bar keeps only what is shown: the current site's address, or
   * nothing after an address that did not parse (coming back shows the welcome, not its error).
   */
  private readonly onLeave = (): void => {
    if (parseRoute(location.hash).screen === 'view') return
    if (this.site !== '') {
      this.input = this.shown === undefined ? this.input : toUnicodeAddress(this.shown.address)
      return
    }
    this.error = undefined
    this.input = ''
  }
  private readonly onDocument = (event: Event): void =>
    this.documentShown((event as CustomEvent<SiteDocumentDetail>).detail)
  /** The site shown was scrolled (its bridge says which way): `site-scroll`, for the header. */
  private readonly onSiteScroll = (event: Event): void => {
    const { site, direction } = (event as CustomEvent<SiteScrollDetail>).detail
    if (site !== this.site || !this.reading) return
    this.dispatchEvent(
      new CustomEvent('site-scroll', { detail: direction, bubbles: true, composed: true }),
    )
  }

  constructor() {
    super()
    new SessionController(this, () => this.session)
    this.address = ''
    this.input = ''
    this.site = ''
    this.loading = false
    this.generation = 0
    this.folded = false
  }

  /** A site shows, with no error in its place: what the app's header folds away for on a phone. */
  get reading(): boolean {
    return this.site !== '' && this.error === undefined
  }

  /** The focus is in the site's frame: the person turned to the site. */
  siteFocused(): boolean {
    return this.frame.value !== undefined && this.shadowRoot?.activeElement === this.frame.value
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('address') && this.address !== '') void this.open(this.address, false)
    // Another site starts with its details closed: open, they would push it out of view on a phone.
    if (changed.has('site') && this.about.value !== undefined) this.about.value.open = false
    const bridges = this.session?.bridges
    if (bridges !== this.subscribed) {
      this.subscribed?.removeEventListener('document', this.onDocument)
      this.subscribed?.removeEventListener('scroll', this.onSiteScroll)
      bridges?.addEventListener('document', this.onDocument)
      bridges?.addEventListener('scroll', this.onSiteScroll)
      this.subscribed = bridges
    }
  }

  private wasReading = false

  override updated(): void {
    if (this.reading === this.wasReading) return
    this.wasReading = this.reading
    this.dispatchEvent(new Event('reading-change', { bubbles: true, composed: true }))
  }

  override connectedCallback(): void {
    super.connectedCallback()
    addEventListener('hashchange', this.onLeave)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    removeEventListener('hashchange', this.onLeave)
    this.subscribed?.removeEventListener('document', this.onDocument)
    this.subscribed?.removeEventListener('scroll', this.onSiteScroll)
    this.subscribed = undefined
  }

  /** Shows `raw` (any accepted spelling); `push` adds it to the app's history. */
  async open(raw: string, push: boolean): Promise<void> {
    let href: string
    let site: string
    try {
      const parsed = parseAddress(raw.trim())
      href = parsed.href
      site = parsed.site
    } catch (error) {
      // No site under an address that does not parse: the previous one must not stay shown,
      // nor stay loaded in the frame. The bar shows what failed, to be corrected.
      this.error = error
      this.input = push ? raw : readable(raw)
      this.site = ''
      this.shown = undefined
      this.loading = false
      this.blankFrame()
      return
    }
    // The route names the site shown (its page reported back): nothing to open again.
    if (href === this.history.current && site === this.site && !push) return
    this.error = undefined
    this.input = toUnicodeAddress(href)
    this.site = site
    if (push) this.typedVisit = href
    if (push && decodeURI(location.hash) !== routeHash('view', href))
      history.pushState(null, '', routeHash('view', href))
    await this.show(href)
  }

  private async show(href: string): Promise<void> {
    this.loading = true
    this.error = undefined
    const previous = this.shown?.site
    this.shown = undefined
    // Another site's page must not stay in the frame under the new address while this one loads.
    if (previous !== undefined && previous !== this.site) this.blankFrame()
    try {
      // The bridges exist while the node starts: the bridge page and the site worker load
      // meanwhile, and the site's requests wait for the node. Without a node here they still
      // show what the site worker has (offline copies).
      if (this.session?.bridges === undefined) await this.session?.whenRunning()
      const bridges = this.session?.bridges
      if (bridges === undefined)
        throw new ServiceWorkerUnsupportedError('This browser has no service workers.')
      await this.updateComplete
      const showing = bridges.show(this.frame.value!, href)
      // With no network, or no relay answering, a site this device has no copy of fails in
      // seconds, with words, instead of after every timeout of the node.
      // A site opened lately may still come from its copy here once the node's own tries time
      // out: only a site never opened is cut short when no relay answers.
      const seen = recentSites().some((recent) => recent.site === this.site)
      const bounded =
        this.session?.online === false
          ? withinOffline(showing)
          : seen
            ? showing
            : withinRelays(showing, () => allRelaysFailing(this.session?.status?.relays))
      await bounded.catch((error: unknown) => {
        // Its bridge frame holds the browser's own error page: it goes, to be made anew later.
        const name = (error as Error)?.name
        if (name === 'OfflineError' || name === 'NoRelayError') bridges.disconnect(this.site)
        throw error
      })
    } catch (error) {
      this.error = error
      this.loading = false
      this.blankFrame()
    }
  }

  /**
   * Empties the site frame, so nothing stale stays under a new address: the frame is replaced by
   * a new one (the page in it ends, and its history with it). A new frame rather than a move of
   * the old one to `about:blank`: a frame that goes from a site's process to the app's and back
   * to another site's in a moment is where Chromium's frame tracking (DevTools, automation) loses
   * it.
   */
  private blankFrame(): void {
    const frame = this.frame.value
    if (frame === undefined || !frame.hasAttribute('src')) return
    this.frameKey++
    this.requestUpdate()
  }

  /**
   * The site's page loaded. Its report usually came first; a page served through another tab's
   * bridge (this tab's node runs there) is reported to that tab, so this ends "Opening…" here.
   */
  private frameLoaded(): void {
    if (this.frame.value?.hasAttribute('src') !== true) return
    this.loading = false
    // Its bridge follows the new document's scrolling (the app cannot see into the frame).
    if (this.site !== '') this.session?.bridges?.followScroll(this.site)
  }

  private documentShown(detail: SiteDocumentDetail): void {
    if (detail.site !== this.site) return
    // The site did answer (a late copy after an offline give-up): it is shown, not the error.
    this.error = undefined
    this.loading = false
    this.shown = detail
    if (detail.address === this.typedVisit) this.history.open(detail.address)
    else this.history.visit(detail.address)
    this.typedVisit = undefined
    if (detail.error === undefined) noteVisit(detail.site)
    if (this.shadowRoot?.activeElement?.id !== 'address')
      this.input = toUnicodeAddress(detail.address)
    if (location.hash.startsWith(routeHash('view')))
      history.replaceState(null, '', routeHash('view', detail.address))
    this.requestUpdate()
  }

  override render() {
    return html`
      <form @submit=${this.onSubmit} role="search" aria-label="Site address">
        ${
          this.folded
            ? html`<button type="button" class="handle" @click=${() => this.dispatchEvent(new Event('show-header', { bubbles: true, composed: true }))}>
                <img src="/icons/icon.svg" alt="" /><span class="visually-hidden">Show the menu</span>
              </button>`
            : nothing
        }
        <div class="nav">
          <button type="button" aria-label="Back" title="Back" ?disabled=${!this.canGoBack} @click=${this.back}>←</button>
          <button type="button" aria-label="Forward" title="Forward" ?disabled=${!this.history.canGoForward} @click=${this.forward}>→</button>
          <button type="button" aria-label="Reload" title="Reload" ?disabled=${this.site === ''} @click=${this.reload}>↻</button>
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
            .value=${this.input}
            @input=${(event: Event) => (this.input = (event.target as HTMLInputElement).value)}
          />
          <button type="submit" class="primary">Go</button>
        </div>
      </form>
      <an-address-lookahead .session=${this.session} typed=${this.input} shown=${this.site}></an-address-lookahead>
      <an-error-message .error=${this.error}></an-error-message>
      ${this.site === '' ? this.renderWelcome() : this.renderSiteChrome()}
      ${keyed(
        this.frameKey,
        html`<iframe
          ${ref(this.frame)}
          class="frame"
          name=${SITE_FRAME_NAME}
          ?hidden=${this.site === '' || this.error !== undefined}
          title=${this.site === '' ? 'Site' : `Site ${displaySite(this.site)}`}
          sandbox=${SITE_SANDBOX}
          allow="fullscreen; clipboard-write"
          referrerpolicy="no-referrer"
          @load=${this.frameLoaded}
        ></iframe>`,
      )}
    `
  }

  private renderSiteChrome() {
    const shown = this.shown
    return html`
      ${this.loading ? html`<p class="hint" role="status">Opening ${this.input}…</p>` : nothing}
      ${shown?.offlineCopy !== undefined ? this.renderOfflineCopy(shown.offlineCopy) : nothing}
      ${
        shown?.error === 'NameNotFoundError'
          ? // The frame says what happened; the app adds only what the frame cannot: the way to publish.
            html`<p class="offer" data-error=${shown.error}>
              <a class="button primary" href=${routeHash('publish', this.site)}>Publish this name</a>
            </p>`
          : shown?.error !== undefined
            ? // Said once, in the frame; this line is for screen readers, which do not read a new frame out.
              html`<p class="visually-hidden" role="status" data-error=${shown.error}>
                ${this.site} could not be shown: ${errorText({ name: shown.error }).title}.
              </p>`
            : nothing
      }
      <an-site-update .session=${this.session} site=${this.site} generation=${this.generation} @reload-site=${this.reload}></an-site-update>
      ${
        this.session?.status?.slowPath.some((slow) => slow.site === this.site)
          ? html`<p class="warning" role="status">This site comes through a relay, so it may load slowly.</p>`
          : nothing
      }
      <!-- A name nobody published has nothing to tell: its details would say "Name not found" again. -->
      <details ${ref(this.about)} class="about" ?hidden=${this.error !== undefined || shown?.error === 'NameNotFoundError'}>
        <summary>About this name</summary>
        <an-name-details .session=${this.session} site=${this.site} generation=${this.generation} @key-accepted=${this.reload}></an-name-details>
      </details>
    `
  }

  /** "Offline copy from 21 Nov 2026, 23:40 (2 hours old)", outside the site's frame. */
  private renderOfflineCopy(iso: string) {
    const at = Date.parse(iso)
    return html`<p class="warning" role="status" data-offline-copy=${iso}>
      Offline copy from <time datetime=${iso}>${offlineDate.format(at)}</time> (${formatOld(at)}): no host could be
      reached, so this is the site as this device kept it.
    </p>`
  }

  private renderWelcome() {
    return html`
      <section class="card welcome">
        <h2>Open a site</h2>
        <p>
          Type an Alternet address above, such as <code>an://mysite:code</code> or just <code>mysite:code</code>, and press
          Go. Sites come straight from the people who host them, checked against their owner’s signature.
        </p>
        <p><a class="button" href="#/publish">Publish your own site</a></p>
      </section>
      ${this.renderRecent()}
      <an-discover .session=${this.session}></an-discover>
    `
  }

  /** The sites this browser opened lately, one tap away (Discover lists the relays' directory below). */
  private renderRecent() {
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

  private onSubmit(event: Event): void {
    event.preventDefault()
    void this.open(this.input, true)
  }

  /** Back is the site shown before an address that did not parse, else the entry behind. */
  private get canGoBack(): boolean {
    return this.history.canGoBack || (this.site === '' && this.history.current !== undefined)
  }

  private back(): void {
    const address = this.site === '' ? this.history.current : this.history.back()
    if (address !== undefined) void this.move(address)
  }

  private forward(): void {
    const address = this.history.forward()
    if (address !== undefined) void this.move(address)
  }

  /** Shows an entry of the list, which may be another site than the one shown. */
  private move(address: string): Promise<void> {
    this.error = undefined
    this.input = toUnicodeAddress(address)
    this.site = parseAddress(address).site
    return this.show(address)
  }

  private async reload(): Promise<void> {
    const current = this.history.current ?? this.input
    this.generation++
    this.loading = true
    await this.lookUpAfresh(current)
    void this.show(current)
  }

  /**
   * Reload means the newest version: the name is looked up on the network first, so the page
   * does not come from the cached record (kept until its TTL passes) while "About this name"
   * already shows the new version. Offline, or past {@link RELOAD_LOOKUP_MS}, the cache serves.
   */
  private async lookUpAfresh(address: string): Promise<void> {
    const peer = this.session?.peer
    if (peer === undefined || this.session?.online === false) return
    let site: string
    try {
      site = parseAddress(address).site
    } catch {
      return
    }
    await peer
      .resolve(site, { fresh: true, signal: AbortSignal.timeout(RELOAD_LOOKUP_MS) })
      .catch(() => undefined)
  }
}

customElements.define('an-browser-frame', AnBrowserFrame)

declare global {
  interface HTMLElementTagNameMap {
    'an-browser-frame': AnBrowserFrame
  }
}
