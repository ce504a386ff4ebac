/**
 * `<an-browser-frame>`: the viewer. An address bar (`an://…`, `web+an:…` or a bare
 * `name:topic`), back, forward and reload, the site in a frame on its own origin (through the
 * bridge), and what the name resolved to one click away. Offline copies and failure pages
 * the site's service worker served are named above the frame.
 * @module
 */
import { LitElement, html } from 'lit'
import { keyed } from 'lit/directives/keyed.js'
import { createRef } from 'lit/directives/ref.js'
import type { SiteDocumentDetail } from '../../origins/shell/bridge-host-types.ts'
import { ServiceWorkerUnsupportedError } from '../../origins/shared/errors.ts'
import { parseAddress, toUnicodeAddress } from '../../core/names/index.ts'
import { FrameHistory } from '../frame-history.ts'
import { parseRoute, routeHash } from '../router.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import { SessionController } from '../session/session-controller.ts'
import { BridgeEvents } from '../session/bridge-events.ts'
import { sharedStyles } from '../styles.ts'
import { browserFrameStyles } from './browser-frame-styles.ts'
import { noteVisit } from '../session/recent-sites.ts'
import { lookUpAfresh, showWithin } from '../site-opening.ts'
import { renderAddressBar, renderSiteFrame, renderWelcome } from './browser-frame-views.ts'
import { renderSiteChrome } from './browser-frame-chrome.ts'
import './an-error-message.ts'
import './an-address-lookahead.ts'

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
  constructor() {
    super()
    new SessionController(this, () => this.session)
    new BridgeEvents(this, () => this.session, {
      document: (detail) => this.documentShown(detail),
      // The site shown was scrolled (its bridge says which way): `site-scroll`, for the header.
      scroll: ({ site, direction }) => {
        if (site !== this.site || !this.reading) return
        const detail = direction
        this.dispatchEvent(
          new CustomEvent('site-scroll', { detail, bubbles: true, composed: true }),
        )
      },
    })
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
      await showWithin(this.session, this.site, showing)
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
      ${renderAddressBar({
        input: this.input,
        folded: this.folded,
        canGoBack: this.canGoBack,
        canGoForward: this.history.canGoForward,
        canReload: this.site !== '',
        submit: (event) => this.onSubmit(event),
        typed: (value) => (this.input = value),
        back: () => this.back(),
        forward: () => this.forward(),
        reload: () => void this.reload(),
        showHeader: () =>
          this.dispatchEvent(new Event('show-header', { bubbles: true, composed: true })),
      })}
      <an-address-lookahead .session=${this.session} typed=${this.input} shown=${this.site}></an-address-lookahead>
      <an-error-message .error=${this.error}></an-error-message>
      ${this.site === '' ? renderWelcome(this.session) : this.renderSiteChrome()}
      ${keyed(
        this.frameKey,
        renderSiteFrame(this.frame, this.site, this.error !== undefined, () => this.frameLoaded()),
      )}
    `
  }

  private renderSiteChrome() {
    return renderSiteChrome({
      session: this.session,
      site: this.site,
      input: this.input,
      loading: this.loading,
      shown: this.shown,
      failed: this.error !== undefined,
      generation: this.generation,
      about: this.about,
      reload: () => void this.reload(),
    })
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
    await lookUpAfresh(this.session, current)
    void this.show(current)
  }
}

customElements.define('an-browser-frame', AnBrowserFrame)

declare global {
  interface HTMLElementTagNameMap {
    'an-browser-frame': AnBrowserFrame
  }
}
