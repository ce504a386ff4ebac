/**
 * `<an-site-update>`: over a site open in the viewer, says when a new version of it arrived live
 * ("A new version of this site is available — Reload") or when it was withdrawn, from the peer's
 * live updates (GossipSub; nothing is polled). Reload fires `reload-site`, which the viewer
 * answers by showing the site again (its record is already the new one). It watches the site
 * while it is shown and stops when another is shown or the viewer goes.
 * @module
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import type { LiveRecord, LiveRevocation } from '../../net/index.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import { SessionController } from '../session/session-controller.ts'
import { sharedStyles } from '../styles.ts'

/** What arrived for the shown site. */
type Arrived = 'version' | 'withdrawn' | undefined

/** The live-update notice of the shown site. */
export class AnSiteUpdate extends LitElement {
  static override properties = {
    session: { attribute: false },
    site: {},
    generation: { type: Number },
    arrived: { state: true },
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .warning {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        margin: 0;
      }
    `,
  ]

  /** The app's session (its peer's live updates). */
  declare session: AlternetSession | undefined
  /** The canonical site shown, '' for none. */
  declare site: string
  /** The viewer's reload count: a reload shows the new version, so the notice goes. */
  declare generation: number
  declare private arrived: Arrived
  /** Stops watching the site now watched. */
  private unwatch: (() => void) | undefined
  private watching = ''
  private liveTarget: EventTarget | undefined
  /** A watch is being set up (the peer's live updates start on first use). */
  private starting = false

  constructor() {
    super()
    new SessionController(this, () => this.session)
    this.site = ''
    this.generation = 0
    this.arrived = undefined
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.stopWatching()
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('site') || changed.has('generation')) this.arrived = undefined
    if (this.site !== this.watching) this.stopWatching()
    // Watch once the site is known and the peer runs (it may start after the viewer).
    if (this.site !== '' && this.unwatch === undefined && !this.starting && this.session?.peer)
      void this.startWatching(this.site)
  }

  private async startWatching(site: string): Promise<void> {
    this.watching = site
    const peer = this.session?.peer
    if (peer === undefined) return
    this.starting = true
    try {
      const live = await peer.live()
      const unwatch = await peer.watchSite(site)
      if (this.watching !== site) return unwatch()
      this.liveTarget = live
      live.addEventListener('record', this.onRecord)
      live.addEventListener('revocation', this.onRevocation)
      this.unwatch = unwatch
    } catch {
      // No live updates here (the node stopped): the site still shows, only not live.
    } finally {
      this.starting = false
    }
  }

  private stopWatching(): void {
    this.liveTarget?.removeEventListener('record', this.onRecord)
    this.liveTarget?.removeEventListener('revocation', this.onRevocation)
    this.liveTarget = undefined
    this.unwatch?.()
    this.unwatch = undefined
    this.watching = ''
  }

  private readonly onRecord = (event: Event): void => {
    if (
      (event as CustomEvent<LiveRecord>).detail.site === this.site &&
      this.arrived !== 'withdrawn'
    )
      this.arrived = 'version'
  }

  private readonly onRevocation = (event: Event): void => {
    if ((event as CustomEvent<LiveRevocation>).detail.site === this.site) this.arrived = 'withdrawn'
  }

  override render() {
    if (this.arrived === undefined) return nothing
    const text =
      this.arrived === 'version'
        ? 'A new version of this site is available'
        : 'This site has been withdrawn by a revoker your relays trust'
    return html`<p class="warning" role="status" data-site-update=${this.arrived}>
      <span>${text}</span>
      <button type="button" class="primary" @click=${this.reload}>Reload</button>
    </p>`
  }

  private reload(): void {
    this.dispatchEvent(new CustomEvent('reload-site', { bubbles: true, composed: true }))
  }
}

customElements.define('an-site-update', AnSiteUpdate)

declare global {
  interface HTMLElementTagNameMap {
    'an-site-update': AnSiteUpdate
  }
}
