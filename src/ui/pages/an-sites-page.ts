/**
 * `<an-sites-page>`: the sites this device publishes, each with its status (hosted here, when
 * its record was last put into the network, whether this tab can be reached now), a link to
 * publish a new version, and stopping hosting it here.
 * @module
 */
import { Task } from '@lit/task'
import { LitElement, css, html, nothing } from 'lit'
import type { PublishedSite } from '../../net/index.ts'
import { parseSiteName } from '../../core/names/index.ts'
import { displaySite, formatBytes } from '../format.ts'
import { MIRROR_EXPLANATION, placesText } from '../site-places.ts'
import { routeHash, viewerLink } from '../router.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import { SessionController } from '../session/session-controller.ts'
import { sharedStyles } from '../styles.ts'
import { visitsServed } from '../session/visits-served.ts'
import { ageTime, awayRow, visitsRow } from '../elements/site-facts.ts'
import type { FoundSites } from '../../net/index.ts'
import '../elements/an-error-message.ts'

interface SiteRow {
  site: PublishedSite
  /** Bytes of content kept here, when hosted. */
  bytes?: number
}

/** The "My sites" screen. */
export class AnSitesPage extends LitElement {
  static override properties = {
    session: { attribute: false },
    error: { state: true },
    generation: { state: true },
    finding: { state: true },
    found: { state: true },
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      ul.sites {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      h3 {
        margin-top: 0;
      }
      form.row input {
        flex: 1;
        min-width: 10rem;
      }
    `,
  ]

  /** The app's session. */
  declare session: AlternetSession | undefined
  declare private error: unknown
  declare private generation: number
  declare private finding: boolean
  /** What the last "Find a name you hold" found, with the name typed. */
  declare private found: (FoundSites & { asked: string }) | undefined
  declare private findError: unknown

  private readonly sites = new Task(this, {
    args: () => [this.session?.peer, this.generation] as const,
    task: async ([peer]): Promise<SiteRow[] | undefined> => {
      if (peer === undefined) return undefined
      const [published, hosted] = await Promise.all([peer.mySites(), peer.hostedSites()])
      return published.map((site) => ({
        site,
        bytes: hosted.find((h) => h.site === site.site)?.bytes,
      }))
    },
  })

  constructor() {
    super()
    new SessionController(this, () => this.session)
    this.generation = 0
    this.finding = false
  }

  /** Reads the list again. */
  refresh(): void {
    this.generation++
  }

  override render() {
    return html`
      <h2>My sites</h2>
      <an-error-message .error=${this.error}></an-error-message>
      ${this.sites.render({
        pending: () => html`<p class="hint">Reading your sites…</p>`,
        complete: (rows) =>
          rows === undefined
            ? html`<p class="hint">Your sites appear here once your node runs in this tab.</p>`
            : rows.length === 0
              ? html`<p>You have not published anything from this device yet. <a href="#/publish">Publish a site</a>.</p>`
              : html`<p class="hint">${MIRROR_EXPLANATION}</p>
                  <ul class="sites">${rows.map((row) => this.renderSite(row))}</ul>`,
        error: (error) => html`<an-error-message .error=${error}></an-error-message>`,
      })}
      ${this.session?.peer !== undefined ? this.renderFind() : nothing}
    `
  }

  /** Names published from another device with this key: typed, checked against their record, listed. */
  private renderFind() {
    const found = this.found
    return html`<section class="card" aria-labelledby="find">
      <h3 id="find">Published from another device?</h3>
      <p class="hint">Type a name your key holds; once the network confirms it is yours, it is listed here.</p>
      <form class="row" @submit=${this.onFind}>
        <label for="find-name" class="visually-hidden">Name you hold (name:topic)</label>
        <input id="find-name" type="text" autocomplete="off" autocapitalize="off" spellcheck="false" placeholder="name:topic" />
        <button type="submit" ?disabled=${this.finding}>${this.finding ? 'Looking…' : 'Find'}</button>
      </form>
      <an-error-message .error=${this.findError}></an-error-message>
      ${
        found === undefined
          ? nothing
          : html`<p role="status">${
              found.adopted.length > 0
                ? html`<span class="ok">✓ ${displaySite(found.adopted[0]!)} is yours: it is listed above.</span>`
                : found.held.length > 0
                  ? `${displaySite(found.asked)} is held by another key, not yours.`
                  : `No one holds ${displaySite(found.asked)} now, or it could not be looked up: check the name, or try again.`
            }</p>`
      }
    </section>`
  }

  private async onFind(event: Event): Promise<void> {
    event.preventDefault()
    const input = this.renderRoot.querySelector<HTMLInputElement>('#find-name')!
    const peer = this.session?.peer
    const owner = this.session?.owner
    if (peer === undefined || owner === undefined) return
    this.found = undefined
    this.findError = undefined
    let asked: string
    try {
      asked = parseSiteName(
        input.value
          .trim()
          .replace(/^(web\+)?an:\/\//, '')
          .split('/')[0]!,
      ).site
    } catch (error) {
      this.findError = error
      this.requestUpdate()
      return
    }
    this.finding = true
    try {
      this.found = { ...(await peer.adoptSites(owner.publicKey, [asked])), asked }
      if (this.found.adopted.length > 0) this.refresh()
    } finally {
      this.finding = false
    }
  }

  private renderSite({ site, bytes }: SiteRow) {
    const reachable = site.hosted && this.session?.status?.reachable === true
    const address = `an://${site.site}`
    return html`
      <li class="card" aria-labelledby="site-${site.site}">
        <h3 id="site-${site.site}"><a href=${viewerLink(address)} class="mono">an://${displaySite(site.site)}</a></h3>
        <dl>
          <dt>Hosted here</dt>
          <dd>${site.hosted ? `yes${bytes !== undefined ? `, ${formatBytes(bytes)}` : ''}` : 'no: only the name is kept up'}</dd>
          <dt>Where it lives</dt>
          <dd data-places>${placesText(site.keepAlive, site.hosted)}</dd>
          ${awayRow(site.keepAlive, site.hosted, site.keepAlive?.aliveUntil === undefined && site.hosted)}
          ${visitsRow(visitsServed(site.site))}
          <dt>Name last renewed</dt>
          <dd>${ageTime(site.publishedAt)} (version ${site.seq})</dd>
          <dt>Reachable</dt>
          <dd>${reachable ? html`<span class="ok">yes, from this tab</span>` : site.hosted ? 'not right now: this tab is not reachable yet' : 'not from this device: its content is on the devices that host it'}</dd>
        </dl>
        <div class="row">
          <a class="button" href=${routeHash('publish', site.site)} aria-label="Update ${displaySite(site.site)}">Update</a>
          ${
            site.hosted
              ? html`<button type="button" class="danger" aria-label="Stop hosting ${displaySite(site.site)}" @click=${() => this.stopHosting(site.site)}>Stop hosting</button>`
              : nothing
          }
        </div>
      </li>
    `
  }

  private async stopHosting(site: string): Promise<void> {
    if (
      !confirm(
        `Stop hosting ${displaySite(site)} from this device? Its record is updated so that visitors no longer ask this device, then its content here is deleted. The name stays yours; visitors can still get the site from its other hosts, if it has any.`,
      )
    )
      return
    try {
      this.error = undefined
      await this.session?.peer?.stopHosting(site)
      this.refresh()
    } catch (error) {
      this.error = error
    }
  }
}

customElements.define('an-sites-page', AnSitesPage)

declare global {
  interface HTMLElementTagNameMap {
    'an-sites-page': AnSitesPage
  }
}
