/**
 * `<an-app>`: the whole app. A header with the navigation and the network status, notices
 * (missing browser features, an update waiting, the node running in another tab), and the
 * screen of the current route. The viewer stays mounted while other screens show, so the site
 * being read is still there when the person comes back. The viewer is part of the first screen;
 * every other screen's code (publishing with its QR code, my sites, identity, settings) is
 * loaded the first time it is shown.
 * @module
 */
import { LitElement, html, nothing } from 'lit'
import { parseRoute, routeHash, type Route, type Screen } from '../router.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import { SessionController } from '../session/session-controller.ts'
import { sharedStyles } from '../styles.ts'
import { appStyles } from './app-styles.ts'
import type { AnBrowserFrame } from './an-browser-frame.ts'
import { HeaderFold } from '../header-fold.ts'
import { allRelaysFailing } from '../session/online-state.ts'
import './an-browser-frame.ts'
import './an-capability-notice.ts'
import './an-error-message.ts'
import './an-network-status.ts'
import './an-update-banner.ts'

const NAV: readonly { screen: Screen; label: string }[] = [
  { screen: 'view', label: 'Browse' },
  { screen: 'publish', label: 'Publish' },
  { screen: 'sites', label: 'My sites' },
  { screen: 'identity', label: 'Identity' },
  { screen: 'settings', label: 'Settings' },
]

/** The code of each screen but the viewer, loaded the first time the screen is shown. */
const SCREEN_CODE: Record<Exclude<Screen, 'view'>, () => Promise<unknown>> = {
  publish: () => import('../pages/an-publish-page.ts'),
  sites: () => import('../pages/an-sites-page.ts'),
  identity: () => import('../pages/an-identity-page.ts'),
  settings: () => import('../pages/an-settings-page.ts'),
}

/** A screen's code could not be loaded (no network on a first visit, before the app was kept). */
export class ScreenLoadError extends Error {
  override name = 'ScreenLoadError'
}

const TITLES: Record<Screen, string> = {
  view: 'Browse',
  publish: 'Publish',
  sites: 'My sites',
  identity: 'Identity',
  settings: 'Settings',
}

/** The app shell. */
export class AnApp extends LitElement {
  static override properties = {
    session: { attribute: false },
    route: { state: true },
    screenError: { state: true },
    menuOpen: { state: true },
  }

  static override styles = [sharedStyles, appStyles]

  /** The app's session. */
  declare session: AlternetSession | undefined
  declare private route: Route
  /** Why the current screen's code did not load. */
  declare private screenError: ScreenLoadError | undefined
  /** On a phone: the screens' list is open over the page. */
  declare private menuOpen: boolean

  private readonly onHashChange = (): void => {
    this.route = parseRoute(location.hash)
    this.menuOpen = false
  }
  /** A press anywhere outside the navigation folds the phone's menu. */
  private readonly onPointerDown = (event: Event): void => {
    const nav = this.renderRoot.querySelector('nav')
    if (this.menuOpen && nav !== null && !event.composedPath().includes(nav)) this.menuOpen = false
  }

  /** On a phone, the header folds away while a site is read. */
  private readonly fold = new HeaderFold(this, {
    header: () => this.renderRoot.querySelector('header'),
    reading: () => this.route.screen === 'view' && this.viewer()?.reading === true,
    siteFocused: () => this.viewer()?.siteFocused() === true,
    leaveSite: () => this.renderRoot.querySelector('main')?.focus({ preventScroll: true }),
    alarm: () => this.session?.online === false || allRelaysFailing(this.session?.status?.relays),
  })

  constructor() {
    super()
    new SessionController(this, () => this.session)
    this.route = parseRoute(location.hash)
    this.menuOpen = false
  }

  override connectedCallback(): void {
    super.connectedCallback()
    window.addEventListener('hashchange', this.onHashChange)
    document.addEventListener('pointerdown', this.onPointerDown)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    window.removeEventListener('hashchange', this.onHashChange)
    document.removeEventListener('pointerdown', this.onPointerDown)
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('route')) this.loadScreen()
  }

  /**
   * Loads the current screen's code (at once when it was loaded before); says so when it cannot.
   * The browser keeps a failed import as failed, so only a reload asks for that code again.
   */
  private loadScreen(): void {
    const { screen } = this.route
    this.screenError = undefined
    if (screen === 'view') return
    SCREEN_CODE[screen]().catch((error: unknown) => {
      if (this.route.screen !== screen) return
      this.screenError = new ScreenLoadError(`The code of the ${screen} screen did not load.`, {
        cause: error,
      })
    })
  }

  override updated(changed: Map<string, unknown>): void {
    // The phase as an attribute, for styling and for tests to wait on.
    if (this.session !== undefined) this.dataset.phase = this.session.phase
    if (changed.has('route')) {
      document.title = `${TITLES[this.route.screen]} · Alternet`
      if (changed.get('route') !== undefined) {
        // Move focus to the new screen's heading, as a page load would for a screen reader.
        this.renderRoot.querySelector<HTMLElement>('main')?.focus({ preventScroll: true })
      }
    }
  }

  override render() {
    const session = this.session
    const { screen, argument } = this.route
    return html`
      <button type="button" class="skip primary" @click=${this.skipToContent}>Skip to content</button>
      <header>
        <a class="brand" href=${routeHash('view')}><img src="/icons/icon.svg" alt="" /><span class="brand-name">Alternet</span></a>
        <nav aria-label="Main" class=${this.menuOpen ? 'open' : ''} @keydown=${this.onNavKey} @focusout=${this.onNavFocusOut}>
          <button type="button" class="menu" aria-expanded=${this.menuOpen ? 'true' : 'false'} aria-controls="screens" @click=${() => (this.menuOpen = !this.menuOpen)}>
            <span class="icon" aria-hidden="true">☰</span><span class="visually-hidden">Menu: </span>${TITLES[screen]}
          </button>
          <ul id="screens" @click=${() => (this.menuOpen = false)}>
            ${NAV.map((item) => html`<li><a href=${routeHash(item.screen)} aria-current=${item.screen === screen ? 'page' : 'false'}>${item.label}</a></li>`)}
          </ul>
        </nav>
        <an-network-status .session=${session}></an-network-status>
      </header>
      <main tabindex="-1" aria-label=${TITLES[screen]}>
        <an-capability-notice .missing=${session?.missing ?? []}></an-capability-notice>
        <an-update-banner .session=${session}></an-update-banner>
        ${this.renderPhase()}
        ${this.renderScreenError()}
        <an-browser-frame
          .session=${session}
          address=${screen === 'view' ? argument : ''}
          ?hidden=${screen !== 'view'}
          ?folded=${this.fold.folded}
          @reading-change=${() => this.requestUpdate()}
          @show-header=${this.showHeader}
          @site-scroll=${(event: CustomEvent<'up' | 'down'>) => this.fold.siteScrolled(event.detail)}
        ></an-browser-frame>
        ${screen === 'publish' ? html`<an-publish-page class="page" .session=${session} site=${argument}></an-publish-page>` : nothing}
        ${screen === 'sites' ? html`<an-sites-page class="page" .session=${session}></an-sites-page>` : nothing}
        ${screen === 'identity' ? html`<an-identity-page class="page" .session=${session} section=${argument}></an-identity-page>` : nothing}
        ${screen === 'settings' ? html`<an-settings-page class="page" .session=${session}></an-settings-page>` : nothing}
      </main>
    `
  }

  private viewer(): AnBrowserFrame | null {
    return this.renderRoot.querySelector('an-browser-frame')
  }

  /** The handle in the address bar: the header comes back, the focus on its menu button. */
  private showHeader(): void {
    this.fold.unfold()
    this.renderRoot.querySelector<HTMLElement>('.menu')?.focus({ preventScroll: true })
  }

  /** Escape folds the phone's menu and gives the focus back to its button. */
  private onNavKey(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || !this.menuOpen) return
    this.menuOpen = false
    this.renderRoot.querySelector<HTMLElement>('.menu')?.focus()
  }

  /** The focus leaving the navigation (Tab past its last link) folds the phone's menu. */
  private onNavFocusOut(event: FocusEvent): void {
    const nav = event.currentTarget as HTMLElement
    if (!nav.contains(event.relatedTarget as Node | null)) this.menuOpen = false
  }

  /** The skip link: the focus goes past the header and navigation, to the screen. */
  private skipToContent(): void {
    const main = this.renderRoot.querySelector<HTMLElement>('main')
    const first = main?.querySelector<HTMLElement>('an-browser-frame:not([hidden]), .page')
    main?.focus()
    first?.scrollIntoView({ block: 'start' })
  }

  private renderScreenError() {
    if (this.screenError === undefined) return nothing
    return html`<section class="page">
      <an-error-message .error=${this.screenError}></an-error-message>
      <button type="button" class="primary" @click=${() => location.reload()}>Reload</button>
    </section>`
  }

  private renderPhase() {
    const session = this.session
    switch (session?.phase) {
      case 'elsewhere':
        return html`<section class="warning" role="status" aria-labelledby="elsewhere">
          <strong id="elsewhere">Alternet is open in another tab.</strong>
          <p>Your node runs once per browser, so your keys are never used twice at the same time.</p>
          <button type="button" class="primary" @click=${() => session.takeOver()}>Use Alternet in this tab</button>
        </section>`
      case 'failed':
        return html`<section aria-labelledby="failed">
          <h2 id="failed">Your node did not start</h2>
          <an-error-message .error=${session.error}></an-error-message>
          <button type="button" class="primary" @click=${() => session.start()}>Try again</button>
        </section>`
      default:
        return nothing
    }
  }
}

customElements.define('an-app', AnApp)

declare global {
  interface HTMLElementTagNameMap {
    'an-app': AnApp
  }
}
