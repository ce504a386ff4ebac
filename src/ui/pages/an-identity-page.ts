/**
 * `<an-identity-page>`: the owner key that holds this device's names: its fingerprint, export
 * into a passphrase-encrypted file, and import of such a file (to move names to this device).
 * Wrong passphrases, damaged files and weak passphrases are said plainly.
 * @module
 */
import { LitElement, css, html, nothing } from 'lit'
import { KEY_FILE_MEDIA_TYPE, type KeyFileInfo } from '../../net/index.ts'
import { namedError } from '../error-text.ts'
import { formatDate } from '../format.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import { SessionController } from '../session/session-controller.ts'
import { sharedStyles } from '../styles.ts'
import { EXPORT_ARGUMENT, markBackedUp } from '../session/key-backup.ts'
import type { FoundSites } from '../../net/index.ts'
import { displaySite } from '../format.ts'
import '../elements/an-error-message.ts'

/** The identity screen. */
export class AnIdentityPage extends LitElement {
  static override properties = {
    session: { attribute: false },
    section: {},
    found: { state: true },
    exportError: { state: true },
    exported: { state: true },
    importError: { state: true },
    imported: { state: true },
    inUse: { state: true },
    keyFileName: { state: true },
    busy: { state: true },
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .key-file {
        position: relative;
        margin: 0;
      }
      .fingerprint {
        font-size: 1.2rem;
      }
    `,
  ]

  /** The app's session. */
  declare session: AlternetSession | undefined
  /** The part of the screen the route asks for: `export` opens the export form. */
  declare section: string
  /** The names found for an imported key (undefined until an import, null while looking). */
  declare private found: FoundSites | null | undefined
  declare private exportError: unknown
  declare private exported: string | undefined
  declare private importError: unknown
  declare private imported: KeyFileInfo | undefined
  /** The import waits for the person to confirm replacing a key that publishes sites. */
  declare private inUse: boolean
  declare private busy: boolean
  /** The name of the key file chosen, shown beside its chooser. */
  declare private keyFileName: string | undefined

  constructor() {
    super()
    new SessionController(this, () => this.session)
    this.inUse = false
    this.busy = false
    this.section = ''
  }

  override updated(changed: Map<string, unknown>): void {
    // "Back up your key" lands here: the export form in view, its first field ready to type.
    if (changed.has('section') && this.section === EXPORT_ARGUMENT) {
      const form = this.renderRoot.querySelector<HTMLElement>('#export-card')
      form?.scrollIntoView({ block: 'start' })
      this.field('export-passphrase').focus({ preventScroll: true })
    }
  }

  override render() {
    const owner = this.session?.owner
    return html`
      <h2>Identity</h2>
      <section class="card" aria-labelledby="key">
        <h3 id="key">Your owner key</h3>
        <p>It signs your names. People see its fingerprint next to your sites; read it out to prove a site is yours.</p>
        ${
          owner === undefined
            ? html`<p class="hint">Your key is read once your node runs in this tab.</p>`
            : html`<p>Fingerprint: <strong class="mono fingerprint" data-fingerprint>${owner.fingerprint}</strong></p>
              <p class="hint">Created or imported ${formatDate(owner.createdAt)}.</p>`
        }
      </section>
      <section class="card" id="export-card" aria-labelledby="export">
        <h3 id="export">Export (back up or move to another device)</h3>
        <form @submit=${this.onExport}>
          <label for="export-passphrase">Export passphrase</label>
          <input id="export-passphrase" type="password" autocomplete="new-password" aria-describedby="export-hint" />
          <p id="export-hint" class="hint">At least 12 characters. Without it the file is useless, so keep it safe.</p>
          <label for="export-repeat">Repeat export passphrase</label>
          <input id="export-repeat" type="password" autocomplete="new-password" />
          <p><button type="submit" ?disabled=${this.busy || owner === undefined}>Export key</button></p>
        </form>
        <an-error-message .error=${this.exportError}></an-error-message>
        ${this.exported !== undefined ? html`<p role="status" class="ok">Saved ${this.exported}.</p>` : nothing}
      </section>
      <section class="card" aria-labelledby="import">
        <h3 id="import">Import a key file</h3>
        <p>Importing makes the key in the file this device’s owner key, so you can update its sites from here.</p>
        <form @submit=${this.onImport}>
          <label for="key-file">Key file</label>
          <p class="row key-file">
            <input id="key-file" class="file-input" type="file" accept="${KEY_FILE_MEDIA_TYPE},.json" aria-describedby="key-file-chosen" @change=${this.onKeyFile} />
            <label for="key-file" class="button">Choose a key file</label>
            <span id="key-file-chosen" class="hint chosen">${this.keyFileName ?? 'None chosen yet.'}</span>
          </p>
          <label for="import-passphrase">Key file passphrase</label>
          <input id="import-passphrase" type="password" autocomplete="current-password" />
          <p class="row">
            <button type="submit" ?disabled=${this.busy || owner === undefined}>Import key</button>
            ${this.inUse ? html`<button type="button" class="danger" @click=${() => this.importKey(true)}>Replace my key and forget its sites</button>` : nothing}
          </p>
        </form>
        <an-error-message .error=${this.importError}></an-error-message>
        ${
          this.imported !== undefined
            ? html`<p role="status" class="ok">Imported the key <span class="mono">${this.imported.fingerprint}</span>.</p>`
            : nothing
        }
        ${this.renderFound()}
      </section>
    `
  }

  /** What the import found of the key's names. */
  private renderFound() {
    const found = this.found
    if (found === undefined) return nothing
    if (found === null)
      return html`<p class="hint" role="status">Looking for the names this key holds…</p>`
    const { adopted } = found
    return html`<p role="status" data-found-sites>
      ${
        adopted.length > 0
          ? html`This key holds ${adopted.map((site, i) => html`${i > 0 ? ', ' : ''}<span class="mono">${displaySite(site)}</span>`)}:
            ${adopted.length === 1 ? 'it is' : 'they are'} in <a href="#/sites">My sites</a>, and kept up from this device too.`
          : html`No names of this key were found yet. In <a href="#/sites">My sites</a>, type a name it holds to list it.`
      }
    </p>`
  }

  private field(id: string): HTMLInputElement {
    return this.renderRoot.querySelector<HTMLInputElement>(`#${id}`)!
  }

  private async onExport(event: Event): Promise<void> {
    event.preventDefault()
    this.exportError = undefined
    this.exported = undefined
    const passphrase = this.field('export-passphrase').value
    if (passphrase !== this.field('export-repeat').value) {
      this.exportError = namedError('PassphraseMismatchError', 'The two passphrases differ.')
      return
    }
    const peer = this.session?.peer
    const owner = this.session?.owner
    if (peer === undefined || owner === undefined) return
    this.busy = true
    try {
      // The file lists the key's names, so a device importing it finds them.
      const sites = await peer.mySiteNames(owner.publicKey).catch(() => [])
      const bytes = await peer.exportOwnerKey(passphrase, { sites })
      const name = `alternet-key-${owner.fingerprint}.json`
      const url = URL.createObjectURL(
        new Blob([bytes as Uint8Array<ArrayBuffer>], { type: KEY_FILE_MEDIA_TYPE }),
      )
      const link = document.createElement('a')
      link.href = url
      link.download = name
      link.click()
      setTimeout(() => URL.revokeObjectURL(url), 60_000)
      this.exported = name
      markBackedUp(owner.fingerprint)
      this.field('export-passphrase').value = ''
      this.field('export-repeat').value = ''
    } catch (error) {
      this.exportError = error
    } finally {
      this.busy = false
    }
  }

  private onKeyFile(event: Event): void {
    this.inUse = false
    this.keyFileName = (event.target as HTMLInputElement).files?.[0]?.name
  }

  private onImport(event: Event): void {
    event.preventDefault()
    void this.importKey(false)
  }

  private async importKey(replace: boolean): Promise<void> {
    this.importError = undefined
    this.imported = undefined
    this.found = undefined
    const file = this.field('key-file').files?.[0]
    const peer = this.session?.peer
    if (peer === undefined) return
    if (file === undefined) {
      this.importError = namedError('NoKeyFileError', 'Choose the key file first.')
      return
    }
    this.busy = true
    try {
      const info = await peer.inspectKeyFile(file)
      await peer.importOwnerKey(file, this.field('import-passphrase').value, { replace })
      this.imported = info
      this.inUse = false
      this.field('import-passphrase').value = ''
      markBackedUp(info.fingerprint)
      await this.session?.refreshOwner()
      this.found = null
      const known = await peer.knownSitesOf(info.publicKey).catch(() => [])
      this.found = await peer.adoptSites(info.publicKey, [...info.sites, ...known])
    } catch (error) {
      this.importError = error
      this.inUse = (error as Error)?.name === 'OwnerKeyInUseError'
    } finally {
      this.busy = false
    }
  }
}

customElements.define('an-identity-page', AnIdentityPage)

declare global {
  interface HTMLElementTagNameMap {
    'an-identity-page': AnIdentityPage
  }
}
