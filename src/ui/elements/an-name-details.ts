/**
 * `<an-name-details>`: what a name resolved to: the owner key's fingerprint, the record's
 * version and age, when it was received, and the peers hosting the site. When the owner key
 * changed since first seen, it says so and lets the person accept the new key knowingly.
 * @module
 */
import { Task } from '@lit/task'
import { LitElement, css, html, nothing } from 'lit'
import type { ResolvedName } from '../../net/naming/index.ts'
import type { NameContestedError, OwnerKeyChangedError } from '../../net/index.ts'
import { base58btc } from 'multiformats/bases/base58'
import { clearOriginsForKeyChange } from '../../origins/shell/clear-site-origins.ts'
import { fingerprint } from '../../core/crypto/fingerprint.ts'
import { formatAge, formatDate } from '../format.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import { sharedStyles } from '../styles.ts'
import './an-error-message.ts'

interface Details {
  resolved: ResolvedName
  owner: string
  mine: boolean
}

/** A name whose holders tie on a first visit: each holder with its fingerprint, for the person to pick. */
interface Contested {
  error: NameContestedError
  holders: Array<{ holder: Uint8Array; fingerprint: string; servers: number }>
}

/** Shows the resolution of `site`. */
export class AnNameDetails extends LitElement {
  static override properties = {
    session: { attribute: false },
    site: {},
    generation: { type: Number },
    acceptError: { state: true },
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      ul {
        margin: 0.25rem 0;
        padding-left: 1.25rem;
      }
    `,
  ]

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
        resolved = await peer.naming.resolve(site, { signal, fresh: generation > 0 })
      } catch (error) {
        if ((error as Error)?.name !== 'NameContestedError') throw error
        const contested = error as NameContestedError
        const holders = await Promise.all(
          contested.offers.map(async ({ holder, servers }) => ({
            holder,
            servers,
            fingerprint: await fingerprint(holder),
          })),
        )
        return { error: contested, holders } satisfies Contested
      }
      const ownerKey = resolved.record.body.owner
      const mine =
        this.session?.owner !== undefined && equalBytes(this.session.owner.publicKey, ownerKey)
      return { resolved, owner: await fingerprint(ownerKey), mine } satisfies Details
    },
  })

  constructor() {
    super()
    this.site = ''
    this.generation = 0
  }

  override render() {
    if (this.site === '') return nothing
    return this.details.render({
      pending: () => html`<p class="hint">Looking up ${this.site}…</p>`,
      complete: (details) =>
        details === undefined
          ? html`<p class="hint">Waiting for your node…</p>`
          : 'holders' in details
            ? this.renderContested(details)
            : this.renderDetails(details),
      error: (error) =>
        (error as Error)?.name === 'OwnerKeyChangedError'
          ? this.renderKeyChange(error as OwnerKeyChangedError)
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
        <dt>Record</dt>
        <dd>version ${body.seq}, signed <time datetime=${new Date(body.created).toISOString()} title=${formatDate(body.created)}>${formatAge(body.created)}</time>, valid until ${formatDate(body.expires)}</dd>
        <dt>Received</dt>
        <dd>${formatAge(resolved.receivedAt)}${resolved.fromCache ? ' (from this device’s cache)' : ' (from the network)'}</dd>
        <dt>Content</dt>
        <dd class="mono">${body.content?.toString() ?? 'none'}</dd>
        <dt>Hosts</dt>
        <dd>
          ${
            hosts.length === 0
              ? 'none listed'
              : html`<ul>
                ${hosts.map((host) => html`<li><span class="mono">${base58btc.baseEncode(host.id)}</span> (${host.addrs.length} ${host.addrs.length === 1 ? 'address' : 'addresses'})</li>`)}
              </ul>`
          }
        </dd>
      </dl>
    `
  }

  private renderKeyChange(error: OwnerKeyChangedError) {
    return html`
      <an-error-message .error=${error}></an-error-message>
      <p>
        <button class="danger" @click=${() => this.acceptKey(error)}>Trust the new owner key</button>
      </p>
      <p class="hint">Trusting it also removes what the earlier owner’s site stored in this browser.</p>
      <an-error-message .error=${this.acceptError}></an-error-message>
    `
  }

  private renderContested({ error, holders }: Contested) {
    return html`
      <an-error-message .error=${error}></an-error-message>
      <p>Owners the name servers returned, equally often:</p>
      <ul class="holders">
        ${holders.map(
          ({ holder, fingerprint, servers }) => html`<li>
            <span class="mono">${fingerprint}</span> (${servers} ${servers === 1 ? 'server' : 'servers'})
            <button @click=${() => this.pickHolder(error.site, holder)} aria-label="Trust the owner ${fingerprint}">Trust this owner</button>
          </li>`,
        )}
      </ul>
      <p class="hint">Pick only the key whose fingerprint the site’s owner gave you.</p>
      <an-error-message .error=${this.acceptError}></an-error-message>
    `
  }

  private async pickHolder(site: string, holder: Uint8Array): Promise<void> {
    const peer = this.session?.peer
    if (peer === undefined) return
    this.acceptError = undefined
    try {
      await peer.naming.acceptKeyChange(site, holder)
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
      await clearOriginsForKeyChange(peer.storage, error.site, (site) =>
        this.session?.bridges?.disconnect(site),
      )
    } catch (clearError) {
      this.acceptError = clearError
      return
    }
    await peer.naming.acceptKeyChange(error.site, error.offered)
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
