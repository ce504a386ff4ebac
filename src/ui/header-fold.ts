/**
 * On a phone, the app's header folds away while a site is read and comes back on a scroll up, a
 * tap on the handle in the address bar, or the focus reaching it, as mobile browsers fold their
 * toolbars. It never stays folded over bad news: while the network is gone or no relay answers,
 * it is shown and does not fold.
 *
 * The site's frame is on another origin, so the app only hears which way it scrolls, from the
 * site's bridge (`site-scroll`: down folds, up unfolds). What the app sees itself is the person
 * turning to the site (the focus enters its frame: a tap, a click, Tab) and
 * the page's own scroll (a frame that already has the focus does not take it anew, so a scroll
 * up that shows the header hands the focus back to the app's screen). So while a site shows on a phone the page is one header taller than the
 * screen (the site and "About this name" fill the screen below the address bar), and folded means
 * the page scrolled past its header. The header is never covered nor taken out of the page: the
 * browser scrolls it back for the keyboard and screen readers, a scroll that runs out at the top
 * of the site passes on to the page and brings it back, a scroll past the site's end folds it, and
 * on a real phone the browser folds its own toolbar with the page's scroll, giving the site more.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit'

/** The width below which the header is one row and folds away (as in the app's styles). */
export const FOLD_MEDIA = '(max-width: 30rem)'

/** What the fold reads from the app shell. */
export interface HeaderFoldParts {
  /** The app's header, folded away by scrolling past it. */
  header(): HTMLElement | null
  /** A site shows in the viewer, without an error in its place. */
  reading(): boolean
  /** The focus is in the site's frame. */
  siteFocused(): boolean
  /** Takes the focus out of the site's frame, to the start of the screen. */
  leaveSite(): void
  /** The header says something that must be seen (offline, no relay answers). */
  alarm(): boolean
}

/** Folds the header of a host element away while a site is read on a phone. */
export class HeaderFold implements ReactiveController {
  /** The header is scrolled out of view while a site is read. */
  folded = false
  /** Unfolding for a scroll up in the site, which keeps the focus (a keyboard may be scrolling). */
  private siteUp = false
  private readonly host: ReactiveControllerHost & HTMLElement
  private readonly parts: HeaderFoldParts
  private readonly phone = matchMedia(FOLD_MEDIA)
  private readonly calm = matchMedia('(prefers-reduced-motion: reduce)')
  private readonly onScroll = (): void => this.measure()
  /** The focus left this page's own elements: into the site's frame, once the browser says so. */
  private readonly onBlur = (): void => {
    setTimeout(() => {
      if (document.hasFocus() && this.parts.siteFocused()) this.fold()
    }, 0)
  }
  /** The focus reaching the header (or the skip link) brings it back. */
  private readonly onFocusIn = (event: FocusEvent): void => {
    const main = this.host.shadowRoot?.querySelector('main') ?? null
    if (main === null || !event.composedPath().includes(main)) this.unfold()
  }

  constructor(host: ReactiveControllerHost & HTMLElement, parts: HeaderFoldParts) {
    this.host = host
    this.parts = parts
    host.addController(this)
  }

  hostConnected(): void {
    addEventListener('scroll', this.onScroll, { passive: true })
    addEventListener('blur', this.onBlur)
    this.host.addEventListener('focusin', this.onFocusIn)
  }

  hostDisconnected(): void {
    removeEventListener('scroll', this.onScroll)
    removeEventListener('blur', this.onBlur)
    this.host.removeEventListener('focusin', this.onFocusIn)
  }

  hostUpdated(): void {
    const header = this.parts.header()
    const active = this.active()
    // Bad news in the header (the network went): it comes back, wherever the reader is.
    if (this.folded && !active) this.unfold()
    // The page's extra height while a site is read: exactly the header's, so folded, the
    // address bar is at the top and "About this name" at the bottom of the screen.
    this.host.toggleAttribute('data-reading', active)
    document.documentElement.toggleAttribute('data-reading', active)
    if (header !== null)
      this.host.style.setProperty('--an-header-height', `${header.offsetHeight}px`)
    this.measure()
  }

  /** Scrolls the page past the header, when a site is read on a phone. */
  fold(): void {
    const header = this.parts.header()
    if (header === null || !this.active() || scrollY >= header.offsetHeight) return
    scrollTo({ top: header.offsetHeight, behavior: this.behavior() })
  }

  /** Brings the header back into view. */
  unfold(): void {
    if (scrollY > 0) scrollTo({ top: 0, behavior: this.behavior() })
  }

  /** The site was scrolled (its bridge says which way): down folds the header, up brings it back. */
  siteScrolled(direction: 'up' | 'down'): void {
    if (direction === 'down') return this.fold()
    if (this.folded) this.siteUp = true
    this.unfold()
  }

  private active(): boolean {
    return this.phone.matches && this.parts.reading() && !this.parts.alarm()
  }

  private behavior(): ScrollBehavior {
    return this.calm.matches ? 'auto' : 'smooth'
  }

  /** Folded is the header wholly scrolled out of view; a change re-renders the host. */
  private measure(): void {
    const header = this.parts.header()
    const folded = header !== null && this.active() && scrollY >= header.offsetHeight - 1
    if (folded === this.folded) return
    // Shown again by a scroll up while the site keeps the focus: the focus comes back to the
    // app, so the next tap in the site is seen (a frame that has the focus does not take it anew).
    if (this.folded && !this.siteUp && this.parts.siteFocused()) this.parts.leaveSite()
    this.siteUp = false
    this.folded = folded
    this.host.requestUpdate()
  }
}
