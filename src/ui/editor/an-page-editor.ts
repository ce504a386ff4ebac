/**
 * `<an-page-editor>`: write the site's page in Markdown or HTML, starting from a template, with
 * a live preview. Fires `page-change` (CustomEvent<PathFile[]>) with the site's files: the page
 * as `index.html`, and for Markdown its source beside it as `index.md` (so Update reopens it).
 *
 * The preview is a `sandbox=""` frame showing a `blob:` URL: no `allow-scripts`, so nothing in
 * the page runs, and no `allow-same-origin`, so the frame's origin is opaque and could not reach
 * the app's storage, keys or DOM even if it did. A site origin is not used: a page not yet
 * published has none, and the preview must not wait for the network.
 *
 * This module (and the Markdown library with it) loads only when the editor opens.
 * @module
 */
import { LitElement, css, html } from 'lit'
import type { PathFile } from '../../net/index.ts'
import { EDITOR_SOURCE_FILE } from '../../net/index.ts'
import { sharedStyles } from '../styles.ts'
import { markdownPage } from './markdown-page.ts'
import {
  HTML_STARTER,
  PAGE_TEMPLATES,
  looksLikeHtmlPage,
  templateById,
  type PageFormat,
} from './page-templates.ts'

/** Quiet time after a keystroke before the preview is drawn again. */
export const PREVIEW_DELAY_MS = 200

/** The site's files for a page written in `format`. */
export function pageFiles(format: PageFormat, text: string): PathFile[] {
  if (format === 'html') return [{ path: '/index.html', content: text, type: 'text/html' }]
  return [
    { path: '/index.html', content: markdownPage(text), type: 'text/html' },
    { path: `/${EDITOR_SOURCE_FILE}`, content: text },
  ]
}

/** The page editor. */
export class AnPageEditor extends LitElement {
  static override properties = {
    format: { state: true },
    text: { state: true },
    template: { state: true },
    said: { state: true },
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        container-type: inline-size;
      }
      /* Side by side where there is room: the preview follows the typing in view. */
      .panes {
        display: grid;
        gap: 0 1rem;
      }
      @container (min-width: 40rem) {
        .panes {
          grid-template-columns: 1fr 1fr;
        }
        .panes textarea,
        .panes iframe {
          height: 26rem;
        }
      }
      fieldset {
        border: 0;
        margin: 0;
        padding: 0;
        min-width: 0;
      }
      legend {
        font-weight: 600;
        padding: 0;
        margin: 0.75rem 0 0.25rem;
      }
      .formats {
        display: inline-flex;
        border: 1px solid var(--an-border);
        border-radius: var(--an-radius);
        overflow: hidden;
      }
      .formats label {
        margin: 0;
        font-weight: 500;
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        min-height: 2.75rem;
        padding: 0 1rem;
        cursor: pointer;
        background: var(--an-surface);
      }
      .formats label + label {
        border-left: 1px solid var(--an-border);
      }
      .formats label:has(input:checked) {
        background: var(--an-surface-2);
        font-weight: 700;
      }
      .formats label:has(input:focus-visible) {
        outline: 3px solid var(--an-focus);
        outline-offset: -3px;
      }
      .start {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
      }
      .start > div {
        flex: 1 1 14rem;
      }
      textarea {
        min-height: 16rem;
        line-height: 1.5;
        /* Firefox draws the system's (light) scrollbar on a dark page otherwise. */
        scrollbar-color: var(--an-border) transparent;
      }
      h4 {
        font-size: 1rem;
        margin: 0.75rem 0 0.25rem;
      }
      iframe {
        display: block;
        width: 100%;
        height: 22rem;
        border: 1px solid var(--an-border);
        border-radius: var(--an-radius);
        background: #ffffff;
      }
      @media (prefers-color-scheme: dark) {
        iframe {
          background: #16161a;
        }
      }
    `,
  ]

  declare private format: PageFormat
  declare private text: string
  /** The template the chooser shows. */
  declare private template: string
  /** What the editor last said about a change it made itself (read out once). */
  declare private said: string

  /** The preview's current `blob:` URL, revoked when replaced. */
  private previewUrl = ''
  private previewTimer: ReturnType<typeof setTimeout> | undefined

  constructor() {
    super()
    const first = PAGE_TEMPLATES[0]
    this.format = first.format
    this.text = first.text
    this.template = first.id
    this.said = ''
  }

  /** The site's files for what is written now. */
  get files(): PathFile[] {
    return pageFiles(this.format, this.text)
  }

  /** Opens `text` written in `format` (the current page of a site being updated). */
  open(format: PageFormat, text: string): void {
    this.format = format
    this.text = text
    this.changed()
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.changed()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearTimeout(this.previewTimer)
    if (this.previewUrl !== '') URL.revokeObjectURL(this.previewUrl)
    this.previewUrl = ''
  }

  override render() {
    const language = this.format === 'markdown' ? 'Markdown' : 'HTML'
    return html`
      <fieldset>
        <legend>Written in</legend>
        <div class="formats">
          ${(['markdown', 'html'] as const).map(
            (format) =>
              html`<label
                ><input
                  type="radio"
                  name="format"
                  .value=${format}
                  .checked=${this.format === format}
                  @change=${() => this.setFormat(format)}
                />${format === 'markdown' ? 'Markdown' : 'HTML'}</label
              >`,
          )}
        </div>
      </fieldset>
      <div class="start">
        <div>
          <label for="template">Start from</label>
          <select id="template" @change=${(e: Event) => (this.template = (e.target as HTMLSelectElement).value)}>
            ${PAGE_TEMPLATES.map((t) => html`<option value=${t.id} ?selected=${t.id === this.template}>${t.label}</option>`)}
          </select>
        </div>
        <button type="button" aria-describedby="template-hint" @click=${this.useTemplate}>Use this page</button>
      </div>
      <p class="hint" id="template-hint">Replaces what is written below.</p>
      <div class="panes">
      <div>
      <label for="page">Page (index.html) in ${language}</label>
      <textarea id="page" spellcheck=${this.format === 'markdown'} aria-describedby="page-hint" .value=${this.text} @input=${this.onInput}></textarea>
      <p class="hint" id="page-hint">
        ${
          this.format === 'markdown'
            ? html`# makes a heading, *stars* make <em>emphasis</em>, - starts a list, [words](https://…) make a link. The first heading is the page’s title.`
            : html`A whole HTML page, published as you write it.`
        }
      </p>
      </div>
      <div>
      <h4>Preview</h4>
      <iframe title="Preview of your page" sandbox="" aria-describedby="preview-hint"></iframe>
      <p class="hint" id="preview-hint">Scripts and forms do not run in the preview; they do on the published site.</p>
      </div>
      </div>
      <p class="hint" role="status">${this.said}</p>
    `
  }

  private onInput(event: Event): void {
    this.text = (event.target as HTMLTextAreaElement).value
    this.said = ''
    if (this.format === 'markdown' && looksLikeHtmlPage(this.text)) {
      this.format = 'html'
      this.said =
        'This is a whole HTML page: the editor switched to HTML and publishes it as it is.'
    }
    this.changed()
  }

  private setFormat(format: PageFormat): void {
    if (format === this.format) return
    if (format === 'html') {
      // Markdown becomes the page it makes, to go on with in HTML.
      this.text = markdownPage(this.text)
      this.said = 'Your page is now in HTML.'
    } else if (this.text === HTML_STARTER || looksLikeHtmlPage(this.text)) {
      const first = templateById('')
      this.text = first.text
      this.template = first.id
      this.said = `HTML does not turn back into Markdown: the editor starts from “${first.label}”.`
    }
    this.format = format
    this.changed()
  }

  private useTemplate(): void {
    const template = templateById(this.template)
    this.format = template.format
    this.text = template.text
    this.said = `Started from “${template.label}”.`
    this.changed()
  }

  /** Tells the form the files changed, and draws the preview once typing pauses. */
  private changed(): void {
    this.dispatchEvent(
      new CustomEvent<PathFile[]>('page-change', {
        detail: this.files,
        bubbles: true,
        composed: true,
      }),
    )
    clearTimeout(this.previewTimer)
    this.previewTimer = setTimeout(() => void this.drawPreview(), PREVIEW_DELAY_MS)
  }

  private async drawPreview(): Promise<void> {
    await this.updateComplete
    const frame = this.renderRoot.querySelector('iframe')
    if (frame === null) return
    const page = this.format === 'html' ? this.text : markdownPage(this.text)
    const old = this.previewUrl
    this.previewUrl = URL.createObjectURL(new Blob([page], { type: 'text/html' }))
    // The old page goes once the new one is shown (revoked earlier, the frame could lose it).
    if (old !== '') frame.addEventListener('load', () => URL.revokeObjectURL(old), { once: true })
    frame.src = this.previewUrl
  }
}

customElements.define('an-page-editor', AnPageEditor)

declare global {
  interface HTMLElementTagNameMap {
    'an-page-editor': AnPageEditor
  }
}
