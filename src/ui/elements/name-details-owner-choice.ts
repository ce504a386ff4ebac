/**
 * When a name's owner is in question, `<an-name-details>` (`an-name-details.ts`) lets the person
 * decide knowingly: the owner key changed since first seen (trust the new one), or the relays
 * name several owners on a first visit (pick the one whose fingerprint the owner gave them).
 * @module
 */
import { html } from 'lit'
import { fingerprint } from '../../core/crypto/fingerprint.ts'
import type { NameContestedError, OwnerKeyChangedError } from '../../net/index.ts'
import { countOf } from '../format.ts'
import './an-error-message.ts'

/** A name whose holders tie on a first visit: each holder with its fingerprint, for the person to pick. */
export interface Contested {
  error: NameContestedError
  holders: Array<{ holder: Uint8Array; fingerprint: string; servers: number }>
}

/** The holders `error` offers, each with its fingerprint. */
export async function contestedOf(error: NameContestedError): Promise<Contested> {
  const holders = await Promise.all(
    error.offers.map(async ({ holder, servers }) => ({
      holder,
      servers,
      fingerprint: await fingerprint(holder),
    })),
  )
  return { error, holders }
}

/** The owner key changed: what changed, and a way to trust the new key (`accept`). */
export function renderKeyChange(
  error: OwnerKeyChangedError,
  acceptError: unknown,
  accept: () => void,
) {
  return html`
    <an-error-message .error=${error}></an-error-message>
    <p>
      <button class="danger" @click=${accept}>Trust the new owner key</button>
    </p>
    <p class="hint">Trusting it also removes what the earlier owner’s site stored in this browser.</p>
    <an-error-message .error=${acceptError}></an-error-message>
  `
}

/** The relays name several owners: each with its fingerprint, and `pick` to trust one. */
export function renderContested(
  { error, holders }: Contested,
  acceptError: unknown,
  pick: (holder: Uint8Array) => void,
) {
  return html`
    <an-error-message .error=${error}></an-error-message>
    <p>Owners the relays named, each by as many networks:</p>
    <ul class="holders">
      ${holders.map(
        ({ holder, fingerprint, servers }) => html`<li>
          <span class="mono">${fingerprint}</span> (named by ${countOf(servers, 'relay')})
          <button @click=${() => pick(holder)} aria-label="Trust the owner ${fingerprint}">Trust this owner</button>
        </li>`,
      )}
    </ul>
    <p class="hint">Pick only the key whose fingerprint the site’s owner gave you.</p>
    <an-error-message .error=${acceptError}></an-error-message>
  `
}
