/**
 * `<an-share-link>`: the link to a published site, to copy or to scan: the `an://` address,
 * the app link that opens it in any browser, and that link as a QR code for a phone.
 * @module
 */
import { LitElement, css, html, svg } from 'lit'
import qrcode from 'qrcode-generator'
import { viewerLink } from '../router.ts'
import { sharedStyles } from '../styles.ts'

/** The SVG path of the dark modules of a QR code for `text`, and its size in modules. */
export function qrPath(text: string): { path: string; size: number } {
  const code = qrcode(0, 'M')
  code.addData(text)
  code.make()
  const count = code.getModuleCount()
  let path = ''
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++)
      if (code.isDark(row, col)) path += `M${col} ${row}h1v1h-1z`
  }
  return { path, size: count }
}

/** Quiet zone around a QR code, in modules. */
const QUIET_ZONE = 4

/** Shows how to share a site. */
export class AnShareLink extends LitElement {
  static override properties = { address: {}, copied: { state: true } }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .qr {
        display: block;
        width: min(14rem, 100%);
        height: auto;
        background: #fff;
        border-radius: var(--an-radius);
      }
      .links a {
        overflow-wrap: anywhere;
      }
    `,
  ]

  /** The canonical `an://` address of the site. */
  declare address: string
  declare private copied: boolean

  constructor() {
    super()
    this.address = ''
    this.copied = false
  }

  override render() {
    const link = viewerLink(this.address)
    const { path, size } = qrPath(link)
    const box = size + QUIET_ZONE * 2
    return html`
      <div class="links">
        <p>Share this address: <a href=${link} class="mono" data-share>${this.address}</a></p>
        <p class="hint">People without the app can open <a href=${link}>${link}</a>.</p>
        <div class="row">
          <button type="button" @click=${this.copy}>Copy link</button>
          <span role="status">${this.copied ? 'Copied.' : ''}</span>
        </div>
      </div>
      <h3>Open it on a phone</h3>
      <svg class="qr" viewBox="${-QUIET_ZONE} ${-QUIET_ZONE} ${box} ${box}" role="img" aria-label="QR code of ${link}" shape-rendering="crispEdges">
        ${svg`<path d=${path} fill="#000"></path>`}
      </svg>
    `
  }

  private async copy(): Promise<void> {
    await navigator.clipboard.writeText(viewerLink(this.address)).then(
      () => (this.copied = true),
      () => (this.copied = false),
    )
  }
}

customElements.define('an-share-link', AnShareLink)

declare global {
  interface HTMLElementTagNameMap {
    'an-share-link': AnShareLink
  }
}
