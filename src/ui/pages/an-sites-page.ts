/**
 * `<an-sites-page>`: the sites this device publishes, each with its status (hosted here, when
 * its record was last put into the network, whether this tab can be reached now), a link to
 * publish a new version, and stopping hosting it here.
 * @module
 */
import { Task } from '@lit/task'
import { LitElement, css, html, nothing } from 'lit'
import type { PublishedSite } from '../../net/index.ts'
import { displaySite, formatAge, formatBytes, formatDate } from '../format.ts'
import { awayShortText, MIRROR_EXPLANATION, placesText } from '../site-places.ts'
import { routeHash, viewerLink } from '../router.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import { SessionController } from '../session/session-controller.ts'
import { sharedStyles } from '../styles.ts'
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
    `,
  ]

  /** The app's session. */
  declare session: AlternetSession | undefined
  declare private error: unknown
  declare private generation: number

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
    `
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
          <dt>Up without this device</dt>
          <dd data-away class=${site.keepAlive?.aliveUntil === undefined && site.hosted ? 'warning' : ''}>${awayShortText(site.keepAlive, site.hosted)}</dd>
          <dt>Last republished</dt>
          <dd><time datetime=${new Date(site.publishedAt).toISOString()} title=${formatDate(site.publishedAt)}>${formatAge(site.publishedAt)}</time> (version ${site.seq})</dd>
          <dt>Reachable</dt>
          <dd>${reachable ? html`<span class="ok">yes, from this tab</span>` : site.hosted ? 'not right now: this tab is not reachable yet' : 'no'}</dd>
        </dl>
        <div class="row">
          <a class="button" href=${routeHash('publish', site.site)} aria-label="Update ${site.site}">Update</a>
          ${
            site.hosted
              ? html`<button type="button" class="danger" aria-label="Stop hosting ${site.site}" @click=${() => this.stopHosting(site.site)}>Stop hosting</button>`
              : nothing
          }
        </div>
      </li>
    `
  }

  private async stopHosting(site: string): Promise<void> {
    if (
      !confirm(
        `Stop hosting ${site} from this device? Its record is updated so that visitors no longer ask this device, then its content here is deleted. The name stays yours; visitors can still get the site from its other hosts, if it has any.`,
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
