/**
 * `<an-name-details>`: what a name resolved to: the owner key's fingerprint, the record's
 * version and age, when it was received, and the peers hosting the site. When the owner key
 * changed since first seen, it says so and lets the person accept the new key knowingly
 * (`name-details-owner-choice.ts`); who can serve the site now is `name-details-sources.ts`.
 * @module
 */
import { Task } from '@lit/task'
import { LitElement, html, nothing } from 'lit'
import { fingerprint } from '../../core/crypto/fingerprint.ts'
import type {
  NameContestedError,
  OwnerKeyChangedError,
  PublishedSite,
  ResolvedName,
  SiteSources,
} from '../../net/index.ts'
import { base58btc } from 'multiformats/bases/base58'
import { HELP_HOSTING_LABEL } from '../session/help-hosting.ts'
import { visitsServed } from '../session/visits-served.ts'
import { clearOriginsForKeyChange } from '../../origins/shell/clear-site-origins.ts'
import { formatAge, formatDate } from '../format.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import { SessionController } from '../session/session-controller.ts'
import { sharedStyles } from '../styles.ts'
import { nameDetailsStyles } from './name-details-styles.ts'
import {
  contestedOf,
  renderContested,
  renderKeyChange,
  type Contested,
} from './name-details-owner-choice.ts'
import { renderSourcesFound } from './name-details-sources.ts'
import { ageTime, awayRow, visitsRow } from './site-facts.ts'
import './an-error-message.ts'

interface Details {
  resolved: ResolvedName
  owner: string
  mine: boolean
}

/** Shows the resolution of `site`. */
export class AnNameDetails extends LitElement {
  static override properties = {
    session: { attribute: false },
    site: {},
    generation: { type: Number },
    acceptError: { state: true },
  }

  static override styles = [sharedStyles, nameDetailsStyles]

  /** The app's session. */
  declare session: AlternetSession | undefined
  /** The canonical site name to describe; empty for none. */
  declare site: string
  /** Bumped to resolve again (reload). */
  declare generation: number
  declare private acceptError: unknown

  private readonly details = new Task(this, {
    args: () => [this.session?.peer, this.site, this.generation] as const,
    task: async (
      [peer, site, generation],
      { signal },
    ): Promise<Details | Contested | undefined> => {
      if (peer === undefined || site === '') return undefined
      let resolved: ResolvedName
      try {
        resolved = await peer.resolve(site, { signal, fresh: generation > 0 })
      } catch (error) {
        if ((error as Error)?.name !== 'NameContestedError') throw error
        return contestedOf(error as NameContestedError)
      }
      const ownerKey = resolved.record.body.owner
      const mine =
        this.session?.owner !== undefined && equalBytes(this.session.owner.publicKey, ownerKey)
      return { resolved, owner: await fingerprint(ownerKey), mine } satisfies Details
    },
  })

  /** Who can serve the site now: mirrors and hosts, asked apart from the name's details. */
  private readonly sources = new Task(this, {
    args: () => [this.session?.peer, this.site, this.generation] as const,
    task: async ([peer, site], { signal }): Promise<SiteSources | undefined> => {
      if (peer === undefined || site === '') return undefined
      return peer.siteSources(site, { signal })
    },
  })

  /** This device's own row of the site, when it publishes it: until when it stays up without it. */
  private readonly own = new Task(this, {
    args: () => [this.session?.peer, this.site, this.generation] as const,
    task: async ([peer, site]): Promise<PublishedSite | undefined> => {
      if (peer === undefined || site === '') return undefined
      return (await peer.mySites()).find((each) => each.site === site)
    },
  })

  constructor() {
    super()
    this.site = ''
    this.generation = 0
    // Opened before the node runs, the details look the name up once it does.
    new SessionController(this, () => this.session)
  }

  override render() {
    if (this.site === '') return nothing
    return this.details.render({
      pending: () => html`<p class="hint">Looking up ${this.site}…</p>`,
      complete: (details) =>
        details === undefined
          ? html`<p class="hint">Waiting for your node…</p>`
          : 'holders' in details
            ? renderContested(details, this.acceptError, (holder) =>
                this.pickHolder(details.error.site, holder),
              )
            : this.renderDetails(details),
      error: (error) =>
        (error as Error)?.name === 'OwnerKeyChangedError'
          ? renderKeyChange(error as OwnerKeyChangedError, this.acceptError, () =>
              this.acceptKey(error as OwnerKeyChangedError),
            )
          : html`<an-error-message .error=${error}></an-error-message>`,
    })
  }

  private renderDetails({ resolved, owner, mine }: Details) {
    const { body } = resolved.record
    const hosts = body.hosts ?? []
    return html`
      <dl>
        <dt>Name</dt>
        <dd class="mono">${resolved.site}${body.name !== resolved.site ? html` → ${body.name}` : nothing}</dd>
        <dt>Owner key</dt>
        <dd><span class="mono">${owner}</span>${mine ? html` <span class="ok">(yours)</span>` : nothing}</dd>
        <dt>Signed record</dt>
        <dd>version ${body.seq}, signed ${ageTime(body.created)}; due for renewal by ${formatDate(body.expires)}</dd>
        <dt>Received</dt>
        <dd>${formatAge(resolved.receivedAt)}${resolved.fromCache ? ' (from this device’s cache)' : ' (from the network)'}</dd>
        <dt>Who can serve it now</dt>
        <dd data-sources>${this.renderSources()}</dd>
        ${this.renderVisits(resolved.site, mine)}
        <dt>Content</dt>
        <dd>${
          body.content === undefined
            ? 'none'
            : html`Every file is checked against what the owner signed.
                <details class="content-id">
                  <summary>Its fingerprint</summary>
                  <span class="mono">${body.content.toString()}</span>
                </details>`
        }</dd>
        <dt>The owner’s devices that host it</dt>
        <dd>
          ${
            hosts.length === 0
              ? 'none'
              : html`<ul>
                ${hosts.map((host) => html`<li>A browser of the owner <span class="hint">(ending in <span class="mono id">${base58btc.baseEncode(host.id).slice(-6)}</span>)</span></li>`)}
              </ul>`
          }
        </dd>
      </dl>
    `
  }

  /**
   * Visits this device served (on the owner's own sites, and wherever it served one), and, on a
   * site this device publishes, until when it stays up without it.
   */
  private renderVisits(site: string, mine: boolean) {
    const visits = visitsServed(site)
    const own = this.own.value
    return html`${own !== undefined ? awayRow(own.keepAlive, own.hosted) : nothing}
    ${mine || visits > 0 ? visitsRow(visits) : nothing}`
  }

  private renderSources() {
    return this.sources.render({
      pending: () => html`<span class="hint">Asking its mirrors and hosts…</span>`,
      complete: (found) =>
        found === undefined
          ? nothing
          : renderSourcesFound(found, this.own.value === undefined, this.renderHelpOffer()),
      error: () => html`<span class="hint">Could not ask who holds it now.</span>`,
    })
  }

  /** The offer to help host what this person visits, when they have not turned it on. */
  private renderHelpOffer() {
    const peer = this.session?.peer
    if (peer === undefined || peer.helpHosting().enabled) return nothing
    return html`<p data-help-offer>
      <button @click=${() => this.helpHost()}>${HELP_HOSTING_LABEL}</button>
      <span class="hint">Your browser then keeps the sites you open and serves them to others while Alternet is open. You can turn it off in Settings.</span>
    </p>`
  }

  private async helpHost(): Promise<void> {
    await this.session?.setHelpHosting(true)
    this.requestUpdate()
  }

  private async pickHolder(site: string, holder: Uint8Array): Promise<void> {
    const peer = this.session?.peer
    if (peer === undefined) return
    this.acceptError = undefined
    try {
      await peer.acceptKeyChange(site, holder)
    } catch (error) {
      this.acceptError = error
      return
    }
    this.generation++
    this.dispatchEvent(new CustomEvent('key-accepted', { bubbles: true, composed: true }))
  }

  private async acceptKey(error: OwnerKeyChangedError): Promise<void> {
    const peer = this.session?.peer
    if (peer === undefined) return
    this.acceptError = undefined
    try {
      // The new holder's code must not inherit what the old holder's site stored on its origins.
      await clearOriginsForKeyChange(peer, error.site, (site) =>
        this.session?.bridges?.disconnect(site),
      )
    } catch (clearError) {
      this.acceptError = clearError
      return
    }
    await peer.acceptKeyChange(error.site, error.offered)
    this.generation++
    this.dispatchEvent(new CustomEvent('key-accepted', { bubbles: true, composed: true }))
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i])
}

customElements.define('an-name-details', AnNameDetails)

declare global {
  interface HTMLElementTagNameMap {
    'an-name-details': AnNameDetails
  }
}
