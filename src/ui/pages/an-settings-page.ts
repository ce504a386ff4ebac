/**
 * `<an-settings-page>`: relays (add one by URL), storage used and clearing it, opening
 * `web+an` links with this app, and the app's version and updates.
 * @module
 */
import { Task } from '@lit/task'
import { LitElement, css, html, nothing } from 'lit'
import { clearSiteOrigins } from '../../origins/shell/clear-site-origins.ts'
import { RESET_PATH } from '../../origins/shared/constants.ts'
import { viewerAddressUrl } from '../../origins/shared/site-origin.ts'
import { deleteAlternetStorage, fingerprint, type RelayInfo } from '../../net/index.ts'
import { countOf, formatBytes } from '../format.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import { HELP_HOSTING_LABEL } from '../session/help-hosting.ts'
import { RELAYS_KEY, REVOKER_RELAYS_KEY, saveRevokerRelays } from '../session/relay-settings.ts'
import { SessionController } from '../session/session-controller.ts'
import { forgetRecentSites } from '../session/recent-sites.ts'
import { sharedStyles } from '../styles.ts'
import '../elements/an-error-message.ts'

/** The scheme `web+an:` links use; browsers only let web apps claim `web+` schemes. */
export const PROTOCOL_SCHEME = 'web+an'

/** The handler URL: the viewer, with the whole link percent-encoded in place of `%s`. */
export function protocolHandlerUrl(origin: string = location.origin): string {
  return viewerAddressUrl(origin, '%s')
}

/** Bytes of this device's own sites (a block two of them share counts with each). */
function ownBytes(hosted: readonly { bytes: number }[]): number {
  return hosted.reduce((sum, site) => sum + site.bytes, 0)
}

/** What the sites visited keep here, in words. */
function visitedText(bytes: number): string {
  return bytes === 0
    ? 'none kept'
    : `${formatBytes(bytes)}, kept so they open again at once, even offline`
}

/** Site origins whose offline copies are still there after a clear, in words. */
function copiesLeftText(count: number): string {
  return `The offline copies of ${count} site(s) could not be removed (no connection to the relay)`
}

/** The settings screen. */
export class AnSettingsPage extends LitElement {
  static override properties = {
    session: { attribute: false },
    relayError: { state: true },
    relayAdded: { state: true },
    storageError: { state: true },
    message: { state: true },
    generation: { state: true },
    said: { state: true },
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      ul {
        padding-left: 1.25rem;
      }
      /* On a phone the field takes the whole row (its placeholder whole), the button under it. */
      .add {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
      }
      li {
        margin: 0.25rem 0;
      }
      .add > div {
        flex: 1 1 17rem;
        min-width: 0;
      }
      label.inline {
        display: flex;
        gap: 0.5rem;
        align-items: baseline;
        font-weight: normal;
        margin: 0.25rem 0;
      }
    `,
  ]

  /** The app's session. */
  declare session: AlternetSession | undefined
  declare private relayError: unknown
  declare private relayAdded: string | undefined
  declare private storageError: unknown
  declare private message: string | undefined
  declare private generation: number
  /** What the last button of the Links and App sections did, by section: the person sees a result. */
  declare private said: { links?: string; app?: string; kept?: string }

  /** Each relay's revokers (fingerprints) and whether they count here. */
  private readonly revokers = new Task(this, {
    args: () => [this.session?.peer, this.session?.status, this.generation] as const,
    task: async ([peer]) => {
      if (peer === undefined) return new Map<string, { keys: string[]; trusted: boolean }>()
      const entries = await Promise.all(
        peer
          .revokerTrust()
          .map(
            async (r) =>
              [
                r.source,
                { keys: await Promise.all(r.revokers.map(fingerprint)), trusted: r.trusted },
              ] as const,
          ),
      )
      return new Map(entries)
    },
  })

  private readonly usage = new Task(this, {
    args: () => [this.session?.peer, this.generation] as const,
    task: async ([peer]) => {
      if (peer === undefined) return undefined
      const [usage, hosted] = await Promise.all([peer.storageUsage(), peer.hostedSites()])
      return { ...usage, own: { sites: hosted.length, bytes: ownBytes(hosted) } }
    },
  })

  constructor() {
    super()
    this.said = {}
    new SessionController(this, () => this.session)
    this.generation = 0
  }

  override render() {
    const relays = this.session?.status?.relays ?? []
    return html`
      <h2>Settings</h2>
      <section class="card" aria-labelledby="relays">
        <h3 id="relays">Relays</h3>
        <p class="hint">Relays introduce browsers to each other and keep names findable. The one that served this app is always used; add others run by people you trust for more resilience.</p>
        <ul>
          ${relays.map((relay) => this.renderRelay(relay))}
        </ul>
        ${
          [...(this.revokers.value?.values() ?? [])].some((trust) => trust.keys.length > 0)
            ? html`<p class="hint">Some relays name people who may withdraw a site (a stolen name, unlawful content). Only the relays ticked here may withdraw one for you; by default only the relay that served this app.</p>`
            : nothing
        }
        <form class="add" @submit=${this.onAddRelay}>
          <div>
            <label for="relay">Relay URL or address</label>
            <input id="relay" type="text" inputmode="url" placeholder="https://relay.example.org" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="relay-hint" />
          </div>
          <button type="submit">Add relay</button>
        </form>
        <p id="relay-hint" class="hint">Its web address, or its full network address (<span class="mono">/dns4/…/p2p/…</span>).</p>
        <an-error-message .error=${this.relayError}></an-error-message>
        ${this.relayAdded !== undefined ? html`<p role="status" class="ok">Connected to ${this.relayAdded}.</p>` : nothing}
      </section>
      <section class="card" aria-labelledby="storage">
        <h3 id="storage">Storage</h3>
        ${this.usage.render({
          pending: () => html`<p class="hint">Measuring…</p>`,
          complete: (usage) =>
            usage === undefined
              ? html`<p class="hint">Shown once your node runs in this tab.</p>`
              : html`<dl>
                  <dt>Your sites</dt>
                  <dd data-own-sites>${usage.own.sites === 0 ? 'none kept here' : `${countOf(usage.own.sites, 'site')}, ${formatBytes(Math.min(usage.own.bytes, usage.blocks.bytes))}`}</dd>
                  <dt>Sites you visited</dt>
                  <dd data-visited-sites>${visitedText(Math.max(0, usage.blocks.bytes - usage.own.bytes))}</dd>
                  <dt>Used in total</dt>
                  <dd>${usage.usage !== undefined ? formatBytes(usage.usage) : 'the browser does not say'}${usage.quota !== undefined ? ` of ${formatBytes(usage.quota)} allowed` : ''}</dd>
                  <dt>Kept safe</dt>
                  <dd>${
                    usage.persisted === true
                      ? 'yes, the browser will not remove it'
                      : html`no, the browser may remove it when space runs low.
                          <button type="button" @click=${this.askPersistence}>Ask the browser to keep it</button>`
                  }</dd>
                </dl>
                ${this.said.kept !== undefined ? html`<p role="status" data-said="kept">${this.said.kept}</p>` : nothing}`,
          error: (error) => html`<an-error-message .error=${error}></an-error-message>`,
        })}
        <div class="row">
          <button type="button" @click=${this.clearVisited}>Clear visited sites</button>
          <button type="button" class="danger" @click=${this.forgetDevice}>Delete everything on this device</button>
        </div>
        <p class="hint">Clearing visited sites removes their content and offline copies, and keeps your keys and your own sites. Deleting everything removes your keys too: export them first.</p>
        <an-error-message .error=${this.storageError}></an-error-message>
        ${this.message !== undefined ? html`<p role="status">${this.message}</p>` : nothing}
      </section>
      ${this.renderHelping()}
      <section class="card" aria-labelledby="links">
        <h3 id="links">Links</h3>
        <p>Let <span class="mono">web+an:</span> links on any web page open in this app.</p>
        <button type="button" @click=${this.registerHandler} ?disabled=${!('registerProtocolHandler' in navigator)}>Open web+an links with Alternet</button>
        ${this.said.links !== undefined ? html`<p role="status" data-said="links">${this.said.links}</p>` : nothing}
      </section>
      <section class="card" aria-labelledby="app">
        <h3 id="app">App</h3>
        <p>Version ${this.session?.sw.pageVersion ?? ''}. ${this.session?.offlineReady ? 'Ready to start offline.' : ''}</p>
        <div class="row">
          <button type="button" @click=${this.checkForUpdate} ?disabled=${this.session?.sw.supported !== true}>Check for updates</button>
          <a class="button" href=${RESET_PATH}>Repair the app</a>
        </div>
        <p class="hint">If the app or a site keeps showing an old or broken page, Repair the app clears the copy of the app this browser keeps for offline use; your keys and sites stay.</p>
        ${this.said.app !== undefined ? html`<p role="status" data-said="app">${this.said.app}</p>` : nothing}
      </section>
    `
  }

  private renderHelping() {
    const helping = this.session?.peer?.helpHosting()
    return html`<section class="card" aria-labelledby="helping">
      <h3 id="helping">Helping others</h3>
      <label class="inline"><input type="checkbox" data-help-hosting .checked=${helping?.enabled === true} ?disabled=${helping === undefined} @change=${this.onHelpHosting} /> <span>${HELP_HOSTING_LABEL}</span></label>
      <p class="hint">While Alternet is open, your browser keeps a full copy of each site you open and serves it to other visitors, so sites stay up when their owner is away. Off by default; others can see which sites your browser serves.</p>
      ${
        helping?.enabled === true
          ? html`<p role="status" data-helped>${
              helping.sites.length === 0
                ? 'Not serving any site yet: open one to help host it.'
                : `Serving ${countOf(helping.sites.length, 'site')}: ${helping.sites.join(', ')}.`
            }</p>`
          : nothing
      }
    </section>`
  }

  private readonly onHelpHosting = async (event: Event): Promise<void> => {
    const box = event.target as HTMLInputElement
    try {
      await this.session?.setHelpHosting(box.checked)
    } catch (error) {
      this.storageError = error
      box.checked = !box.checked
    }
    this.requestUpdate()
  }

  private renderRelay(relay: RelayInfo) {
    const trust = this.revokers.value?.get(relay.source)
    const keys = trust?.keys ?? []
    return html`<li>
      <span class="mono">${relay.source}</span>: ${relay.connected ? 'connected' : 'not connected'}${this.renderRemove(relay.source)}
      ${
        keys.length === 0
          ? nothing
          : html`<label class="inline"
              ><input type="checkbox" data-revokers=${relay.source} .checked=${trust?.trusted === true} @change=${this.onRevokerTrust} />
              <span>Accept name withdrawals it lists (by <span class="mono">${keys.join(', ')}</span>)</span></label
            >`
      }
    </li>`
  }

  private onRevokerTrust(): void {
    const peer = this.session?.peer
    if (peer === undefined) return
    const boxes = this.renderRoot.querySelectorAll<HTMLInputElement>('input[data-revokers]')
    const ticked = new Set(
      [...boxes].filter((box) => box.checked).map((box) => box.dataset.revokers!),
    )
    // Relays with no revokers (or not shown) keep their current standing.
    const trusted = peer
      .revokerTrust()
      .filter((r) => (ticked.has(r.source) || r.trusted) && !this.unticked(boxes, r.source))
      .map((r) => r.source)
    saveRevokerRelays(trusted)
    peer.trustRevokersOf(trusted)
    this.generation++
  }

  private unticked(boxes: NodeListOf<HTMLInputElement>, source: string): boolean {
    return [...boxes].some((box) => box.dataset.revokers === source && !box.checked)
  }

  /** A Remove button for a relay the person added (the one that served the app stays). */
  private renderRemove(source: string) {
    if (this.session?.addedRelays().includes(source) !== true) return nothing
    return html` <button type="button" aria-label="Remove relay ${source}" @click=${() => this.onRemoveRelay(source)}>Remove</button>`
  }

  private async onRemoveRelay(relay: string): Promise<void> {
    this.relayError = undefined
    this.relayAdded = undefined
    await this.session?.removeRelay(relay)
    this.requestUpdate()
  }

  private async onAddRelay(event: Event): Promise<void> {
    event.preventDefault()
    const input = this.renderRoot.querySelector<HTMLInputElement>('#relay')!
    const relay = input.value.trim()
    this.relayError = undefined
    this.relayAdded = undefined
    if (relay === '') return
    try {
      await this.session?.addRelay(relay)
      this.relayAdded = relay
      input.value = ''
    } catch (error) {
      this.relayError = error
    }
  }

  private async clearVisited(): Promise<void> {
    const peer = this.session?.peer
    if (peer === undefined) return
    this.storageError = undefined
    this.message = undefined
    try {
      // Sites kept as visited (not your own, which may be mid-publication), then sites hosted
      // here that you no longer publish.
      const { bytes: freed, origins } = await peer.clearVisited()
      const failed = await this.clearOrigins(origins)
      forgetRecentSites()
      this.message =
        `Freed ${formatBytes(freed)}.` +
        (failed.length > 0 ? ` ${copiesLeftText(failed.length)}: try again when online.` : '')
      this.generation++
    } catch (error) {
      this.storageError = error
    }
  }

  /** Clears the origins of `sites`; resolves to those whose offline copies could not be removed. */
  private clearOrigins(sites: readonly string[]): Promise<string[]> {
    // An open bridge would outlive its origin's worker: close them; the next visit opens anew.
    for (const site of sites) this.session?.bridges?.disconnect(site)
    return clearSiteOrigins(sites)
  }

  private async forgetDevice(): Promise<void> {
    if (
      !confirm(
        'Delete your keys, your sites and everything Alternet stored in this browser? Names you hold cannot be updated again without an exported key.',
      )
    )
      return
    this.storageError = undefined
    try {
      const peer = this.session?.peer
      const storageName = peer?.storageName
      if (peer !== undefined) {
        // The list of site origins lives in the store: wipe them before the store goes.
        const { own, others } = await peer.knownSites()
        const failed = await this.clearOrigins([...own, ...others])
        if (
          failed.length > 0 &&
          !confirm(
            `${copiesLeftText(failed.length)}, and once everything else is deleted this browser no longer knows which they were. Delete everything else anyway?`,
          )
        )
          return
      }
      await this.session?.stop()
      await deleteAlternetStorage(storageName)
      localStorage.removeItem(RELAYS_KEY)
      localStorage.removeItem(REVOKER_RELAYS_KEY)
      forgetRecentSites()
      location.reload()
    } catch (error) {
      this.storageError = error
    }
  }

  private registerHandler(): void {
    try {
      navigator.registerProtocolHandler(PROTOCOL_SCHEME, protocolHandlerUrl())
      this.message = undefined
      this.said = {
        ...this.said,
        links:
          'Asked your browser. If it shows a prompt (often an icon in the address bar), accept it: web+an links then open in Alternet.',
      }
    } catch (error) {
      this.storageError = error
    }
  }

  private async checkForUpdate(): Promise<void> {
    this.said = { ...this.said, app: 'Checking for a new version…' }
    try {
      await this.session?.sw.checkForUpdate()
      const registration = await navigator.serviceWorker?.getRegistration()
      const found =
        this.session?.updateAvailable === true ||
        registration?.installing != null ||
        registration?.waiting != null
      this.said = {
        ...this.said,
        app: found
          ? 'A new version was found: the banner at the top lets you switch to it.'
          : 'You have the latest version.',
      }
    } catch {
      this.said = {
        ...this.said,
        app: 'Could not check now: the app’s server did not answer. Try again later.',
      }
    }
  }

  /** "Kept safe: no": asks the browser to keep this app's data under storage pressure. */
  private async askPersistence(): Promise<void> {
    const kept = (await this.session?.peer?.keepStorage().catch(() => false)) === true
    this.said = {
      ...this.said,
      kept: kept
        ? 'Done: the browser will keep your keys and sites.'
        : 'The browser said no for now. Browsers often agree once the app is installed or used more often; your key file keeps your names safe meanwhile.',
    }
    this.generation++
  }
}

customElements.define('an-settings-page', AnSettingsPage)

declare global {
  interface HTMLElementTagNameMap {
    'an-settings-page': AnSettingsPage
  }
}
