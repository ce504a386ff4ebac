/**
 * `<an-discover>`: Discover on the Browse screen: the sites the connected relays list in their
 * public directory (owners opt in when publishing), one tap away. Each opens like any address:
 * resolved and checked against its owner's signature.
 * @module
 */
import { Task } from '@lit/task'
import { LitElement, css, html, nothing } from 'lit'
import { displaySite, formatAge } from '../format.ts'
import { routeHash } from '../router.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import { relayDirectory, type DirectorySite } from '../session/relay-directory.ts'
import { SessionController } from '../session/session-controller.ts'
import { sharedStyles } from '../styles.ts'

/** Lists the public directory of the relays in use. */
export class AnDiscover extends LitElement {
  static override properties = {
    session: { attribute: false },
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li {
        display: flex;
        flex-wrap: wrap;
        gap: 0 0.75rem;
        align-items: baseline;
        padding: 0.35rem 0;
      }
      a {
        font-weight: 600;
      }
    `,
  ]

  /** The app's session. */
  declare session: AlternetSession | undefined

  private readonly directory = new Task(this, {
    // Asked again when the set of connected relays changes.
    args: () =>
      [
        (this.session?.status?.relays ?? [])
          .filter((r) => r.connected)
          .map((r) => r.source)
          .join(' '),
      ] as const,
    task: ([sources], { signal }): Promise<DirectorySite[]> =>
      sources === '' ? Promise.resolve([]) : relayDirectory(sources.split(' '), signal),
  })

  constructor() {
    super()
    new SessionController(this, () => this.session)
  }

  override render() {
    return html`<section class="card" aria-labelledby="discover" data-discover>
      <h2 id="discover">Discover</h2>
      ${this.directory.render({
        pending: () =>
          html`<p class="hint">Asking your relays which sites their owners listed…</p>`,
        complete: (sites) =>
          sites.length === 0
            ? html`<p class="hint">No site is listed by your relays yet. Owners list theirs with “List this site in the public directory” when they publish.</p>`
            : html`<ul>
                  ${sites.map((s) => this.renderSite(s))}
                </ul>
                <p class="hint">Listed by their owners. Every site is still checked against its owner’s signature when it opens.</p>`,
        error: () => nothing,
      })}
    </section>`
  }

  private renderSite({ site, title, updated }: DirectorySite) {
    const shown = displaySite(site)
    return html`<li data-listed=${site}>
      <a href=${routeHash('view', `an://${site}`)}>${title ?? shown}</a>
      ${title !== undefined ? html`<span class="mono">${shown}</span>` : nothing}
      <span class="hint">updated ${formatAge(updated)}</span>
    </li>`
  }
}

customElements.define('an-discover', AnDiscover)

declare global {
  interface HTMLElementTagNameMap {
    'an-discover': AnDiscover
  }
}
