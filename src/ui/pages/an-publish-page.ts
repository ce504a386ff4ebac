/**
 * `<an-publish-page>`: publish a site from this tab. Files, a folder, a drop or a written
 * page; a name and topic, looked up while the person types (free, yours, or held by another
 * key); a progress bar through hashing, storing and announcing; then the link to share.
 * @module
 */
import { Task } from '@lit/task'
import { LitElement, css, html, nothing } from 'lit'
import { createRef, ref } from 'lit/directives/ref.js'
import { DIRECTORY_META_KEY, DIRECTORY_META_LISTED } from '../../core/contracts/index.ts'
import { parseAddress, parseSiteName } from '../../core/names/index.ts'
import {
  DEFAULT_KEEP_ALIVE_HORIZON_MS,
  KEEP_ALIVE_HORIZONS_MS,
  type Availability,
  type CurrentContent,
  type PublishFile,
  type PublishProgress,
  type PublishedSiteResult,
} from '../../net/index.ts'
import { awayText, horizonLabel, MIRROR_EXPLANATION, placesText } from '../site-places.ts'
import type { AnFileSource } from '../elements/an-file-source.ts'
import { namedError } from '../error-text.ts'
import { displayPaths } from '../elements/an-file-source.ts'
import { countOf, displaySite, formatDate } from '../format.ts'
import { routeHash, viewerLink } from '../router.ts'
import { AVAILABILITY_DEBOUNCE_MS, pause } from '../typing-pause.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import { SessionController } from '../session/session-controller.ts'
import { sharedStyles } from '../styles.ts'
import { progressPercent, progressText } from '../publish-progress-text.ts'
import { askBackupOnce, EXPORT_ARGUMENT } from '../session/key-backup.ts'
import type { AnErrorMessage } from '../elements/an-error-message.ts'
import '../elements/an-error-message.ts'
import '../elements/an-file-source.ts'
import '../elements/an-share-link.ts'

/** Whether the files have the page the site's address opens: `/index.html`. */
export function hasIndexPage(files: readonly PublishFile[]): boolean {
  return displayPaths(files).some((path) => path.toLowerCase() === '/index.html')
}

/** The publish screen. */
export class AnPublishPage extends LitElement {
  static override properties = {
    session: { attribute: false },
    site: {},
    name: { state: true },
    topic: { state: true },
    files: { state: true },
    busy: { state: true },
    progress: { state: true },
    result: { state: true },
    askBackup: { state: true },
    error: { state: true },
    missingName: { state: true },
    current: { state: true },
    horizon: { state: true },
    listed: { state: true },
  }

  static override styles = [
    sharedStyles,
    css`
      label.listing {
        display: flex;
        gap: 0.5rem;
        align-items: baseline;
        font-weight: normal;
        margin-top: 0.75rem;
      }
      :host {
        display: block;
      }
      .names {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 0 1rem;
      }
      @media (max-width: 30rem) {
        .names {
          grid-template-columns: 1fr;
        }
      }
      .bar {
        height: 1rem;
        border-radius: 0.5rem;
        background: var(--an-surface-2);
        border: 1px solid var(--an-border);
        overflow: hidden;
        margin: 0.75rem 0 0.25rem;
      }
      .fill {
        height: 100%;
        background: var(--an-accent);
      }
      h2.next {
        margin-top: 2rem;
      }
      .done {
        border: 2px solid var(--an-ok);
        scroll-margin-top: 1rem;
      }
      .done h3 {
        font-size: 1.35rem;
        margin-top: 0;
      }
      .done h3:focus {
        outline: none;
      }
      .done .open {
        display: inline-block;
        font-size: 1.1rem;
        padding: 0.75rem 1.5rem;
        margin: 0.25rem 0 0.75rem;
      }
      .done .backup {
        margin-top: 1rem;
        padding-top: 0.75rem;
        border-top: 1px solid var(--an-border);
      }
    `,
  ]

  /** The app's session. */
  declare session: AlternetSession | undefined
  /** A site to publish a new version of (from the route), or ''. */
  declare site: string
  declare private name: string
  declare private topic: string
  declare private files: PublishFile[]
  declare private busy: boolean
  declare private progress: PublishProgress | undefined
  declare private result: PublishedSiteResult | undefined
  /** Ask, once, for a backup of the key that now holds a name. */
  declare private askBackup: boolean
  declare private error: unknown
  /** Publish was pressed with the name or the topic empty: the Address card says so. */
  declare private missingName: boolean
  /** What the site being updated holds now, once read from this device. */
  declare private current: CurrentContent | undefined
  /** How long the site should stay up without this device, in ms. */
  declare private horizon: number
  /** List the site in the relays' public directory (signed into its record). */
  declare private listed: boolean

  private readonly source = createRef<AnFileSource>()
  private readonly done = createRef<HTMLElement>()
  private readonly errorShown = createRef<AnErrorMessage>()

  private readonly availability = new Task(this, {
    // The result is an argument so the line says "yours" once the name is published.
    args: () => [this.session?.peer, this.name, this.topic, this.result] as const,
    task: async ([peer, name, topic], { signal }): Promise<Availability | undefined> => {
      if (peer === undefined) return undefined
      if (name.trim() === '' || topic.trim() === '') return { state: 'empty' }
      await pause(AVAILABILITY_DEBOUNCE_MS, signal)
      return peer.nameAvailability(name, topic, signal)
    },
  })

  constructor() {
    super()
    new SessionController(this, () => this.session)
    this.site = ''
    this.name = ''
    this.topic = ''
    this.files = []
    this.busy = false
    this.askBackup = false
    this.missingName = false
    this.horizon = DEFAULT_KEEP_ALIVE_HORIZON_MS
    this.listed = false
  }

  override willUpdate(changed: Map<string, unknown>): void {
    // Another site to update: the last publication's card is not about it.
    if (changed.has('site') && changed.get('site') !== undefined && !this.busy) {
      this.result = undefined
      this.progress = undefined
    }
    if (changed.has('site') && this.site !== '') void this.loadCurrent(this.site)
    if (changed.has('site') && this.site !== '') {
      try {
        const parsed = parseSiteName(decodeURIComponent(this.site))
        this.name = [...parsed.subdomains, parsed.name].join('.')
        this.topic = parsed.topic
      } catch {
        // A hand-edited route: leave the fields to the person.
      }
    }
  }

  override render() {
    return html`
      <h2>${this.site !== '' && this.current !== undefined ? `Update ${displaySite(decodeURIComponent(this.site))}` : 'Publish a site'}</h2>
      ${this.renderCurrent()}
      <p class="hint">Your site is stored in this browser and served from it to the people who visit, and copied to mirrors that keep it up while this device is off, for as long as you choose below. Come back before then so the name stays yours.</p>
      ${this.result !== undefined ? this.renderFinished(this.result) : nothing}
      ${this.result !== undefined ? html`<h2 class="next" id="next">Publish another site</h2>` : nothing}
      <form @submit=${this.onSubmit} @input=${this.startNew} @change=${this.startNew} novalidate aria-labelledby=${this.result !== undefined ? 'next' : nothing}>
        <section class="card">
          <h3>1. Content</h3>
          <an-file-source ${ref(this.source)} @files-change=${(e: CustomEvent<PublishFile[]>) => this.filesChosen(e.detail)}></an-file-source>
          ${this.files.length > 0 && !hasIndexPage(this.files) ? html`<p class="warning" role="status" data-no-index>There is no <span class="mono">index.html</span> at the top of these files, so the site’s address will show “page not found”. Add one, or share links to the pages inside.</p>` : nothing}
        </section>
        <section class="card">
          <h3>2. Address</h3>
          <div class="names">
            <div>
              <label for="name">Name</label>
              <input id="name" type="text" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="availability" .value=${this.name} @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)} />
            </div>
            <div>
              <label for="topic">Topic</label>
              <input id="topic" type="text" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="availability" .value=${this.topic} @input=${(e: Event) => (this.topic = (e.target as HTMLInputElement).value)} />
            </div>
          </div>
          <p class="hint">The address will be <span class="mono">an://${this.name.trim() || 'name'}:${this.topic.trim() || 'topic'}</span>. The same name under another topic is another site.</p>
          <div id="availability" class="availability" aria-live="polite">${this.renderAvailability()}</div>
        </section>
        <section class="card">
          <h3>3. Staying up without this device</h3>
          <label for="horizon">Keep it up without this device for</label>
          <select id="horizon" aria-describedby="horizon-hint" .value=${String(this.horizon)} @change=${(e: Event) => (this.horizon = Number((e.target as HTMLSelectElement).value))}>
            ${KEEP_ALIVE_HORIZONS_MS.map((ms) => html`<option value=${ms} ?selected=${ms === this.horizon}>${horizonLabel(ms)}</option>`)}
          </select>
          <p class="hint" id="horizon-hint">${MIRROR_EXPLANATION} Your key signs the site’s next records ahead for this long, so it stays up while this device is off. Publishing again or opening Alternet extends it.</p>
          <label class="listing"><input type="checkbox" data-listed .checked=${this.listed} aria-describedby="listing-hint" @change=${(e: Event) => (this.listed = (e.target as HTMLInputElement).checked)} /> <span>List this site in the public directory</span></label>
          <p class="hint" id="listing-hint">Relays then show its address to everyone under Discover. Leave it off to share the address only with people you choose.</p>
        </section>
        <p><button type="submit" class="primary" ?disabled=${this.busy || this.availability.value?.state === 'held'}>Publish</button></p>
      </form>
      ${this.progress !== undefined && this.result === undefined ? this.renderProgress(this.progress) : nothing}
      <an-error-message ${ref(this.errorShown)} .error=${this.error}></an-error-message>
    `
  }

  /**
   * The publication just made, above the fresh form: its last progress and the "live" card.
   * Both go once the person starts the next publication (types, picks files, changes a choice).
   */
  private renderFinished(result: PublishedSiteResult) {
    const href = parseAddress(`an://${result.site}`).href
    return html`
      ${this.progress !== undefined ? this.renderProgress(this.progress) : nothing}
      <section class="card done" aria-labelledby="done" ${ref(this.done)}>
        <h3 id="done" tabindex="-1">✓ Your site is live</h3>
        <a class="button primary open" href=${viewerLink(href)}>Open ${displaySite(result.site)}</a>
        <p data-places><strong>Where it lives:</strong> ${placesText(result.keepAlive, true)}.</p>
        <p data-away class=${result.keepAlive?.aliveUntil === undefined ? 'warning' : ''}>${awayText(result.keepAlive, true)}</p>
        <an-share-link address=${href}></an-share-link>
        ${this.askBackup ? this.renderBackupPrompt() : nothing}
      </section>
    `
  }

  /** The person chose files: that starts the next publication. */
  private filesChosen(files: PublishFile[]): void {
    this.files = files
    this.startNew()
  }

  /** The person starts another publication: the finished one's card and progress go. */
  private readonly startNew = (): void => {
    if (this.busy) return
    // The last error was about what the person is now changing.
    this.error = undefined
    if (this.result === undefined) return
    this.result = undefined
    this.progress = undefined
    this.askBackup = false
  }

  /** After the first publication: the key now holds a name, and lives only in this browser. */
  private renderBackupPrompt() {
    return html`<div class="backup" data-backup-prompt>
      <p>
        <strong>Back up your key.</strong> It is what makes ${displaySite(this.result!.site)} yours, and it lives only
        in this browser: save it to a file, to keep your names if this browser’s data is lost and to update them from
        another device.
      </p>
      <a class="button" href=${routeHash('identity', EXPORT_ARGUMENT)}>Back up your key</a>
    </div>`
  }

  override updated(changed: Map<string, unknown>): void {
    // A success far below the form would go unseen, on a phone two screens down.
    if (changed.has('result') && this.result !== undefined) void this.revealResult()
    // So would the progress under the Publish button: it comes into view as it starts.
    else if (
      changed.has('progress') &&
      changed.get('progress') === undefined &&
      this.progress !== undefined
    )
      this.renderRoot.querySelector('[data-progress]')?.scrollIntoView({ block: 'nearest' })
  }

  /** Scrolls the result to the top of the screen once its share link (and QR code) has its height. */
  private async revealResult(): Promise<void> {
    const done = this.done.value
    if (done === undefined) return
    await done.querySelector('an-share-link')?.updateComplete
    done.scrollIntoView({ block: 'start' })
    done.querySelector<HTMLElement>('h3')?.focus({ preventScroll: true })
  }

  private renderCurrent() {
    const current = this.current
    if (this.site === '' || current === undefined) return nothing
    if (current.page !== undefined)
      return html`<p class="hint" role="status">The current page is open in the editor below: change it and publish again.</p>`
    return html`<p class="hint" role="status">It now holds ${countOf(current.files, 'file')}. Pick the files of the new version: they replace all of them.</p>`
  }

  /** Reads the site's current content; a page written in the editor reopens there. */
  private async loadCurrent(route: string): Promise<void> {
    this.current = undefined
    const peer = await this.session?.whenRunning().catch(() => undefined)
    if (peer === undefined) return
    const found = await peer.currentContent(decodeURIComponent(route)).catch(() => undefined)
    if (found === undefined || route !== this.site) return
    this.current = found
    // An update keeps the site listed in the public directory unless the owner unticks it.
    const resolved = await peer.resolve(decodeURIComponent(route)).catch(() => undefined)
    this.listed = resolved?.record.body.meta?.[DIRECTORY_META_KEY] === DIRECTORY_META_LISTED
    if (found.page !== undefined) {
      await this.updateComplete
      const markdown = found.markdown !== undefined
      this.source.value?.openEditor({
        format: markdown ? 'markdown' : 'html',
        text: found.markdown ?? found.page,
      })
    }
  }

  private renderAvailability() {
    if (this.session?.peer === undefined)
      return html`<span class="hint">Names are checked once your node runs.</span>`
    return this.availability.render({
      pending: () =>
        this.name && this.topic ? html`<span class="hint">Checking the name…</span>` : nothing,
      complete: (found) => {
        switch (found?.state) {
          case undefined:
          case 'empty':
            return this.missingName
              ? html`<span class="error" data-missing-name>Fill in a name and a topic: together they make the site’s address.</span>`
              : nothing
          case 'invalid':
            return html`<an-error-message .error=${found.error}></an-error-message>`
          case 'free':
            return html`<span class="ok">✓ ${displaySite(found.site)} is free.</span>`
          case 'yours':
            return html`<span class="ok">✓ ${displaySite(found.site)} is yours: publishing replaces its content.</span>`
          case 'held':
            return html`<span class="error" data-availability="held">✗ ${displaySite(found.site)} is held by another key (<span class="mono">${found.holder}</span>). It stays theirs while they renew it; if they stop, it frees after ${formatDate(found.until)}.</span>`
          case 'unknown':
            return html`<span class="hint">Could not check ${displaySite(found.site)} now; you can still try to publish.</span>`
        }
      },
      error: () => html`<span class="hint">Could not check the name now.</span>`,
    })
  }

  private renderProgress(progress: PublishProgress) {
    const percent = progressPercent(progress)
    const text = progressText(progress)
    return html`
      <div class="bar" role="progressbar" aria-label="Publishing progress" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${percent} aria-valuetext="${percent}%: ${text}">
        <div class="fill" style="width: ${percent}%"></div>
      </div>
      <p role="status" data-progress>${text}</p>
    `
  }

  /**
   * Empties the form once a site is published, so the next site starts from nothing: its own
   * files, address, horizon and a directory listing left off unless the person ticks it again.
   */
  private resetForm(): void {
    this.name = ''
    this.topic = ''
    this.files = []
    this.source.value?.reset()
    this.horizon = DEFAULT_KEEP_ALIVE_HORIZON_MS
    this.listed = false
    this.current = undefined
  }

  private async onSubmit(event: Event): Promise<void> {
    event.preventDefault()
    this.error = undefined
    this.result = undefined
    const empty = this.name.trim() === '' ? 'name' : this.topic.trim() === '' ? 'topic' : undefined
    this.missingName = empty !== undefined
    if (empty !== undefined) {
      await this.updateComplete
      this.renderRoot.querySelector<HTMLInputElement>(`#${empty}`)?.focus()
      return
    }
    let site: string
    try {
      site = parseSiteName(`${this.name.trim()}:${this.topic.trim()}`).site
    } catch (error) {
      return this.showError(error)
    }
    // A page being opened in the editor (its code loads on first use) is part of the selection.
    await this.source.value?.whenReady()
    if (this.files.length === 0) {
      // The registry's words say it all: the own message is its explanation, shown once.
      return this.showError(namedError('InvalidSiteFilesError', 'A site needs at least one file.'))
    }
    this.busy = true
    try {
      const peer = await this.session!.whenRunning()
      this.result = await peer.publishSite({
        site,
        files: this.files,
        horizon: this.horizon,
        ...(this.listed
          ? { record: { meta: { [DIRECTORY_META_KEY]: DIRECTORY_META_LISTED } } }
          : {}),
        onProgress: (progress) => (this.progress = progress),
      })
      void peer.keepStorage()
      this.resetForm()
      const owner = this.session?.owner
      this.askBackup = owner !== undefined && askBackupOnce(owner.fingerprint)
      this.session?.dispatchEvent(new Event('change'))
    } catch (error) {
      this.progress = undefined
      this.busy = false
      await this.showError(error)
    } finally {
      this.busy = false
    }
  }

  /** Shows `error` under the form and brings it into view: it may be below the screen's edge. */
  private async showError(error: unknown): Promise<void> {
    this.error = error
    await this.updateComplete
    await this.errorShown.value?.updateComplete
    this.errorShown.value?.scrollIntoView({ block: 'nearest' })
  }
}

customElements.define('an-publish-page', AnPublishPage)

declare global {
  interface HTMLElementTagNameMap {
    'an-publish-page': AnPublishPage
  }
}
