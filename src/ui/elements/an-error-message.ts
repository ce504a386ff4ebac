/**
 * `<an-error-message>`: an error in the words a person reads (the error registry's title,
 * explanation and action), with the error's own message under it when that says more.
 * @module
 */
import { LitElement, html, nothing } from 'lit'
import { errorMessage, errorText } from '../error-text.ts'
import { sharedStyles } from '../styles.ts'

/** Renders an error as an alert. */
export class AnErrorMessage extends LitElement {
  static override properties = { error: { attribute: false } }
  static override styles = [sharedStyles]

  /** The error to explain; nothing is shown while it is undefined. */
  declare error: unknown

  override render() {
    if (this.error === undefined) return nothing
    const text = errorText(this.error)
    const own = errorMessage(this.error)
    return html`<div class="error" role="alert" data-error=${(this.error as Error)?.name ?? 'Error'}>
      <strong>${text.title}</strong>
      <span>${text.explanation} ${text.action}</span>
      ${text.showOwn === true && own !== text.explanation && own !== '' ? html`<div class="hint">${own}</div>` : nothing}
    </div>`
  }
}

customElements.define('an-error-message', AnErrorMessage)

declare global {
  interface HTMLElementTagNameMap {
    'an-error-message': AnErrorMessage
  }
}
