/**
 * `<an-update-banner>`: says a new version of the app is ready and applies it when the person
 * agrees (the waiting service worker takes over, then the page reloads).
 * @module
 */
import { LitElement, css, html, nothing } from 'lit'
import type { AlternetSession } from '../session/alternet-session.ts'
import { SessionController } from '../session/session-controller.ts'
import { sharedStyles } from '../styles.ts'

/** The "Update available" prompt. */
export class AnUpdateBanner extends LitElement {
  static override properties = { session: { attribute: false }, applying: { state: true } }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .warning {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
      }
    `,
  ]

  /** The app's session. */
  declare session: AlternetSession | undefined
  declare private applying: boolean

  constructor() {
    super()
    new SessionController(this, () => this.session)
    this.applying = false
  }

  override render() {
    if (this.session?.updateAvailable !== true) return nothing
    return html`<section class="warning" role="status" aria-label="Update available">
      <span><strong>Update available.</strong> A new version of Alternet is ready.</span>
      <button type="button" class="primary" ?disabled=${this.applying} @click=${this.apply}>Update now</button>
    </section>`
  }

  private async apply(): Promise<void> {
    this.applying = true
    await this.session?.sw.applyUpdate()
  }
}

customElements.define('an-update-banner', AnUpdateBanner)

declare global {
  interface HTMLElementTagNameMap {
    'an-update-banner': AnUpdateBanner
  }
}
