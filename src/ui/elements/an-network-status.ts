/**
 * `<an-network-status>`: the node's connectivity, always in view: relays connected, whether
 * this tab can be reached by others (or "You're offline", with Retry now), and a warning while a site's content comes the
 * slow way, through a relay. The details (each relay, this peer's ID) are one click away.
 * @module
 */
import { LitElement, css, html, nothing } from 'lit'
import type { RelayInfo } from '../../net/index.ts'
import { errorTitle } from '../error-text.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import { SessionController } from '../session/session-controller.ts'
import { sharedStyles } from '../styles.ts'
import { countOf } from '../format.ts'

/** Shows the session's network status. */
export class AnNetworkStatus extends LitElement {
  static override properties = { session: { attribute: false }, retrying: { state: true } }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25rem;
        position: relative;
        font-size: 0.9rem;
      }
      .retry {
        min-height: 2.25rem;
        padding: 0.2rem 0.7rem;
      }
      details > summary {
        cursor: pointer;
        list-style: none;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        /* As narrow as a word space: "1/1 relay · reachable" reads as one line, not two columns. */
        gap: 0.25rem 0.4rem;
        min-height: 2.75rem;
        padding: 0.25rem 0.5rem;
        border-radius: var(--an-radius);
      }
      summary::-webkit-details-marker {
        display: none;
      }
      .dot {
        width: 0.7rem;
        height: 0.7rem;
        border-radius: 50%;
        background: var(--an-muted);
        flex: none;
      }
      .dot.up {
        background: var(--an-ok);
      }
      .dot.down {
        background: var(--an-danger);
      }
      /* Opens over the page, not inside the header: the page does not move. */
      .panel {
        position: absolute;
        top: calc(100% + 0.25rem);
        right: 0;
        z-index: 10;
        width: min(26rem, calc(100vw - 1rem));
        max-height: 70vh;
        overflow-y: auto;
        padding: 0.75rem;
        background: var(--an-surface);
        border: 1px solid var(--an-border);
        border-radius: var(--an-radius);
        box-shadow: 0 0.5rem 1.5rem rgb(0 0 0 / 0.25);
        overflow-wrap: anywhere;
      }
      @media (prefers-color-scheme: dark) {
        /* A shadow hardly shows on a dark page: the panel is raised by its own shade. */
        .panel {
          background: var(--an-surface-2);
          box-shadow: 0 0.5rem 1.5rem rgb(0 0 0 / 0.6);
        }
      }
      .panel h3 {
        margin-top: 0.75rem;
      }
      @media (max-width: 30rem) {
        /*
         * The header is one row on a phone: the summary no taller than a button, its words cut
         * short with an ellipsis when the row has no room for them (read whole in the panel).
         */
        details {
          min-width: 0;
        }
        details > summary {
          flex-wrap: nowrap;
          white-space: nowrap;
          gap: 0.4rem;
          padding: 0 0.35rem;
        }
        summary > span:not(.dot) {
          min-width: 0;
          overflow: hidden;
          text-overflow: ellipsis;
        }
        .panel {
          position: fixed;
          top: 3.25rem;
          left: 0.5rem;
          right: 0.5rem;
          width: auto;
        }
      }
      ul {
        margin: 0.25rem 0;
        padding-left: 1.25rem;
      }
      .slow {
        flex-basis: 100%;
        margin: 0.25rem 0 0;
      }
    `,
  ]

  /** The app's session. */
  declare session: AlternetSession | undefined
  declare private retrying: boolean

  constructor() {
    super()
    this.retrying = false
    new SessionController(this, () => this.session)
  }

  override render() {
    const session = this.session
    if (session === undefined) return nothing
    const status = session.status
    const relays = status?.relays ?? []
    const connected = relays.filter((relay) => relay.connected).length
    let summary: string
    let tone = ''
    switch (session.phase) {
      case 'starting':
        summary = 'Connecting…'
        break
      case 'elsewhere':
        summary = 'Open in another tab'
        break
      case 'unsupported':
        summary = 'No node: this browser lacks what it needs'
        tone = 'down'
        break
      case 'failed':
        summary = 'Not connected: the node did not start'
        tone = 'down'
        break
      case 'running':
        tone = connected > 0 ? 'up' : 'down'
        summary = ''
    }
    // The browser says the network is gone: say so at once, whatever the connections still claim.
    const offline = !session.online
    const live = session.phase === 'running' && status !== undefined && !offline
    if (offline) {
      summary = 'You’re offline'
      tone = 'down'
    }
    const retry = session.phase === 'running' && (offline || (relays.length > 0 && connected === 0))
    return html`
      <details @keydown=${this.onKeydown}>
        <summary>
          <span class="visually-hidden">Network status:</span>
          <span class="dot ${tone}" aria-hidden="true"></span>
          ${
            live
              ? html`<span>${connected}/${countOf(relays.length, 'relay')}</span>
                <span>· ${connected > 0 && status.reachable ? 'reachable' : 'not reachable yet'}</span>`
              : html`<span data-summary=${offline ? 'offline' : session.phase}>${summary}</span>`
          }
        </summary>
        <div class="panel">${this.renderDetails(session, relays)}</div>
      </details>
      ${
        retry
          ? html`<button type="button" class="retry" ?disabled=${this.retrying} @click=${this.retry}>
            ${this.retrying ? 'Connecting…' : 'Retry now'}
          </button>`
          : nothing
      }
      ${
        (status?.slowPath.length ?? 0) > 0 && session.phase === 'running'
          ? html`<p class="warning slow" role="status">
            Slow path: content of ${[...new Set(status!.slowPath.map((s) => s.site))].join(', ')} comes through a
            relay because no direct connection to its host could be made.
          </p>`
          : nothing
      }
    `
  }

  /** Dials the relays now (their back-off skipped), showing "Connecting…" meanwhile. */
  private async retry(): Promise<void> {
    this.retrying = true
    try {
      await this.session?.reconnect()
    } finally {
      this.retrying = false
    }
  }

  /** Escape closes the open panel and gives the focus back to its summary. */
  private onKeydown(event: KeyboardEvent): void {
    const details = event.currentTarget as HTMLDetailsElement
    if (event.key !== 'Escape' || !details.open) return
    details.open = false
    details.querySelector('summary')?.focus()
  }

  private renderDetails(session: AlternetSession, relays: RelayInfo[]) {
    const status = session.status
    if (status === undefined) return html`<p class="hint">No node is running in this tab.</p>`
    if (!session.online)
      return html`<p data-offline>
        You’re offline: this device has no network, so it cannot reach relays or other people. Sites
        you visited before still open from this device’s copy. Alternet reconnects as soon as the
        network is back.
      </p>`
    return html`
      <p>
        ${
          status.reachable
            ? 'Other people can reach this tab: it can host your sites.'
            : 'Other people cannot reach this tab yet: no relay passes their connections on to it so far.'
        }
      </p>
      <h3>Relays</h3>
      <ul>
        ${relays.map(
          (relay) =>
            html`<li>
              <span class="mono">${relay.source}</span>: ${relay.connected ? 'connected' : 'not connected'}${
                relay.reserved ? ', passes visitors on to this tab' : ''
              }${relay.error !== undefined ? html` <span class="error-text">(${errorTitle(relay.error)})</span>` : nothing}
            </li>`,
        )}
      </ul>
      <p>
        Connected to ${countOf(status.peers, 'computer')} (relays and other people’s
        browsers). Pages being sent to visitors now: ${status.serving}.
      </p>
      <p>This device’s network ID: <span class="mono">${status.peerId}</span></p>
    `
  }
}

customElements.define('an-network-status', AnNetworkStatus)

declare global {
  interface HTMLElementTagNameMap {
    'an-network-status': AnNetworkStatus
  }
}
