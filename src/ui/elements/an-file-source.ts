/**
 * `<an-file-source>`: where a site's files come from: picked files, a picked folder (with its
 * sub-folders), files or folders dropped on it, or one page written here. Fires
 * `files-change` (CustomEvent<PublishFile[]>) whenever the selection changes.
 * @module
 */
import { LitElement, css, html, nothing } from 'lit'
import type { PathFile, PublishFile } from '../../net/index.ts'
import { countOf, formatBytes } from '../format.ts'
import { sharedStyles } from '../styles.ts'
import type { AnPageEditor } from '../editor/an-page-editor.ts'
import type { PageFormat } from '../editor/page-templates.ts'

/** A page to open in the editor: what it is written in, and its text. */
export interface WrittenPage {
  format: PageFormat
  text: string
}

/** Loads the editor (and the Markdown library) the first time a page is written. */
function loadEditor(): Promise<unknown> {
  return import('../editor/an-page-editor.ts')
}

/** How many chosen paths are listed before "and N more". */
const LISTED_PATHS = 6

type Source = 'files' | 'folder' | 'drop' | 'editor'

/** The path a picked or dropped file takes in the site. */
function pathOf(file: PublishFile): string {
  if ('path' in file && typeof file.path === 'string') return file.path
  const relative = (file as File).webkitRelativePath
  return relative !== undefined && relative !== '' ? relative : (file as File).name
}

/** The paths to list: a picked folder's own name is left out, as it is when publishing. */
export function displayPaths(files: readonly PublishFile[]): string[] {
  const paths = files.map(pathOf).map((path) => path.replace(/^\/+/, ''))
  const tops = new Set(
    paths.map((path) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '')),
  )
  const [top] = tops
  const strip = tops.size === 1 && top !== '' && paths.length > 0
  return paths.map((path) => `/${strip ? path.slice(top.length + 1) : path}`)
}

/** Bytes of a picked file, or of a dropped or written one (its content). */
function sizeOf(file: PublishFile): number {
  if ('size' in file && typeof file.size === 'number') return file.size
  const content = (file as PathFile).content
  if (typeof content === 'string') return new TextEncoder().encode(content).length
  if (content instanceof Blob) return content.size
  return content instanceof Uint8Array ? content.byteLength : 0
}

/** Reads every file under a dropped entry, keeping folder paths. */
async function readEntry(entry: FileSystemEntry, out: PathFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    )
    out.push({ path: entry.fullPath, content: file, type: file.type || undefined })
    return
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader()
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    )
    if (batch.length === 0) return
    for (const child of batch) await readEntry(child, out)
  }
}

/** A dropped single folder becomes the site root: its own name leaves the paths. */
function dropFolderName(files: PathFile[]): void {
  const tops = new Set(files.map((file) => file.path.split('/')[1]))
  if (tops.size !== 1 || files.some((file) => file.path.split('/').length < 3)) return
  const [top] = tops
  for (const file of files) file.path = file.path.slice(top.length + 1)
}

/** Picks the files of a site. */
export class AnFileSource extends LitElement {
  static override properties = {
    files: { state: true },
    source: { state: true },
    dragging: { state: true },
    page: { state: true },
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .drop {
        border: 2px dashed var(--an-border);
        border-radius: var(--an-radius);
        padding: 1rem;
        margin: 0.75rem 0;
        text-align: center;
      }
      .drop.dragging {
        border-color: var(--an-accent);
        background: var(--an-surface-2);
      }
      .picker {
        position: relative;
      }
      .pickers {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
        gap: 0 1rem;
      }
      ul {
        margin: 0.25rem 0;
        padding-left: 1.25rem;
      }
    `,
  ]

  declare private files: PublishFile[]
  declare private source: Source | undefined
  declare private dragging: boolean
  /** The page to open in the editor, or undefined when the site comes from files. */
  declare private page: WrittenPage | undefined
  /** Settles once the editor, when open, has put its page in the selection. */
  private editorReady: Promise<void> = Promise.resolve()

  constructor() {
    super()
    this.files = []
    this.dragging = false
  }

  /** Clears the selection. */
  reset(): void {
    this.files = []
    this.source = undefined
    this.page = undefined
    for (const input of this.renderRoot.querySelectorAll('input')) input.value = ''
  }

  override render() {
    const total = this.files.reduce((n, file) => n + sizeOf(file), 0)
    return html`
      ${
        this.page === undefined
          ? html`<div class="pickers">
        <div class="picker">
          <label for="files">Files</label>
          <input id="files" class="file-input" type="file" multiple @change=${(e: Event) => this.picked(e, 'files')} />
          <label for="files" class="button">Choose files</label>
        </div>
        <div class="picker">
          <label for="folder">Folder</label>
          <input id="folder" class="file-input" type="file" webkitdirectory @change=${(e: Event) => this.picked(e, 'folder')} />
          <label for="folder" class="button">Choose a folder</label>
          <p class="hint">Its sub-folders come too.</p>
        </div>
      </div>
      <div
        class="drop ${this.dragging ? 'dragging' : ''}"
        role="button"
        tabindex="0"
        @keydown=${this.onDropKey}
        @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#files')?.click()}
        @dragover=${this.onDragOver}
        @dragleave=${() => (this.dragging = false)}
        @drop=${this.onDrop}
      >
        Or drop files or a folder here.
      </div>`
          : nothing
      }
      <p>
        <button type="button" aria-expanded=${this.page !== undefined} @click=${this.toggleEditor}>
          ${this.page === undefined ? 'Write a page instead' : 'Use files instead'}
        </button>
      </p>
      ${
        this.page !== undefined
          ? html`<an-page-editor @page-change=${this.onPageChange}></an-page-editor>`
          : nothing
      }
      ${
        this.files.length > 0 && this.source !== 'editor'
          ? html`<p role="status">${countOf(this.files.length, 'file')}, ${formatBytes(total)}:</p>
            <ul>
              ${displayPaths(this.files)
                .slice(0, LISTED_PATHS)
                .map((path) => html`<li class="mono">${path}</li>`)}
              ${this.files.length > LISTED_PATHS ? html`<li>and ${this.files.length - LISTED_PATHS} more</li>` : nothing}
            </ul>`
          : nothing
      }
    `
  }

  private set(files: PublishFile[], source: Source | undefined): void {
    this.files = files
    this.source = source
    // Only the chooser that made this selection still shows a choice: the other no longer counts.
    for (const input of this.renderRoot.querySelectorAll<HTMLInputElement>('input[type=file]'))
      if (input.id !== source) input.value = ''
    this.dispatchEvent(
      new CustomEvent<PublishFile[]>('files-change', {
        detail: files,
        bubbles: true,
        composed: true,
      }),
    )
  }

  private picked(event: Event, source: Source): void {
    const input = event.target as HTMLInputElement
    this.page = undefined
    this.set([...(input.files ?? [])], source)
  }

  private onDragOver(event: DragEvent): void {
    event.preventDefault()
    if (event.dataTransfer !== null) event.dataTransfer.dropEffect = 'copy'
    this.dragging = true
  }

  private async onDrop(event: DragEvent): Promise<void> {
    event.preventDefault()
    this.dragging = false
    const items = [...(event.dataTransfer?.items ?? [])]
    const entries = items
      .map((item) => item.webkitGetAsEntry?.())
      .filter((entry): entry is FileSystemEntry => entry != null)
    const files: PathFile[] = []
    if (entries.length > 0) {
      for (const entry of entries) await readEntry(entry, files)
      dropFolderName(files)
    } else {
      for (const file of event.dataTransfer?.files ?? [])
        files.push({ path: `/${file.name}`, content: file })
    }
    this.page = undefined
    this.set(files, 'drop')
  }

  /** Enter or Space on the drop zone opens the file chooser, as a click does. */
  private onDropKey(event: KeyboardEvent): void {
    if (event.key !== 'Enter' && event.key !== ' ') return
    event.preventDefault()
    this.renderRoot.querySelector<HTMLInputElement>('#files')?.click()
  }

  /** Waits until a page being opened in the editor is in the selection. */
  whenReady(): Promise<void> {
    return this.editorReady
  }

  /** Opens the editor with `page` (the current content of a site), or with its first template. */
  openEditor(page?: WrittenPage): void {
    this.editorReady = (async () => {
      await loadEditor()
      this.page = page ?? { format: 'markdown', text: '' }
      await this.updateComplete
      const editor = this.renderRoot.querySelector<AnPageEditor>('an-page-editor')
      if (editor === null) return
      if (page !== undefined) editor.open(page.format, page.text)
      else this.set(editor.files, 'editor')
    })()
  }

  private toggleEditor(): void {
    if (this.page === undefined) {
      this.openEditor()
    } else {
      this.page = undefined
      this.set([], undefined)
    }
  }

  private onPageChange(event: CustomEvent<PublishFile[]>): void {
    event.stopPropagation()
    if (this.page !== undefined) this.set(event.detail, 'editor')
  }
}

customElements.define('an-file-source', AnFileSource)

declare global {
  interface HTMLElementTagNameMap {
    'an-file-source': AnFileSource
  }
}
