/**
 * `<an-capability-notice>`: says plainly what this browser lacks and what stops working
 * because of it, instead of failing silently.
 * @module
 */
import { LitElement, css, html, nothing } from 'lit'
import type { Capability } from '../capabilities.ts'
import { sharedStyles } from '../styles.ts'

/** Lists missing browser capabilities. */
export class AnCapabilityNotice extends LitElement {
  static override properties = { missing: { attribute: false } }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      ul {
        margin: 0.25rem 0 0;
        padding-left: 1.25rem;
      }
    `,
  ]

  /** The capabilities this browser lacks. */
  declare missing: Capability[]

  constructor() {
    super()
    this.missing = []
  }

  override render() {
    if (this.missing.length === 0) return nothing
    return html`
      <section class="warning" role="alert" aria-labelledby="title" data-missing=${this.missing.map((c) => c.id).join(' ')}>
        <strong id="title">This browser lacks something Alternet needs</strong>
        <ul>
          ${this.missing.map((capability) => html`<li><strong>No ${capability.label}.</strong> ${capability.consequence}</li>`)}
        </ul>
      </section>
    `
  }
}

customElements.define('an-capability-notice', AnCapabilityNotice)

declare global {
  interface HTMLElementTagNameMap {
    'an-capability-notice': AnCapabilityNotice
  }
}
