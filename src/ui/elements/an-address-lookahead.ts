/**
 * `<an-address-lookahead>`: while an address is typed in the viewer's address bar, before Go,
 * says whether anyone can serve that site now. The name is looked up once the person pauses
 * typing; each keystroke cancels the look-up in progress, and a look-up gives up after
 * `LOOKAHEAD_TIMEOUT_MS`. A name found to hold a site gets its bridge opened and its document
 * asked for at once, so Go finds the site's worker ready and the document on its way.
 * @module
 */
import { Task } from '@lit/task'
import { LitElement, css, html, nothing } from 'lit'
import { parseAddress } from '../../core/names/index.ts'
import type { SiteSources } from '../../net/index.ts'
import { displaySite } from '../format.ts'
import type { AlternetSession } from '../session/alternet-session.ts'
import { SessionController } from '../session/session-controller.ts'
import { reachableSourcesText } from '../site-sources-text.ts'
import { sharedStyles } from '../styles.ts'
import { AVAILABILITY_DEBOUNCE_MS, LOOKAHEAD_TIMEOUT_MS, pause } from '../typing-pause.ts'

/** What the look-ahead found for a typed site. */
type Lookahead =
  | { site: string; sources: SiteSources }
  | { site: string; unpublished: true }
  | { site: string; unknown: true }

/** The canonical site of `typed`, or '' when it is no address (yet). */
function typedSite(typed: string): string {
  if (typed.trim() === '') return ''
  try {
    return parseAddress(typed.trim()).site
  } catch {
    return ''
  }
}

/** The typed address as the viewer will open it, when it is still of `site`; else the site's root. */
function typedHref(typed: string, site: string): string {
  try {
    const parsed = parseAddress(typed.trim())
    if (parsed.site === site) return parsed.href
  } catch {
    // Typed on since: the site's root.
  }
  return `an://${site}/`
}

/** Who can serve the site being typed. */
export class AnAddressLookahead extends LitElement {
  static override properties = {
    session: { attribute: false },
    typed: {},
    shown: {},
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      p {
        margin: 0.25rem 0 0;
        min-height: 1.5rem;
      }
    `,
  ]

  /** The app's session. */
  declare session: AlternetSession | undefined
  /** What the address bar holds now. */
  declare typed: string
  /** The canonical site the viewer shows (its own details are under "About this name"). */
  declare shown: string

  private readonly lookahead = new Task(this, {
    args: () => [this.session?.peer, this.candidate()] as const,
    task: async ([peer, site], { signal }): Promise<Lookahead | undefined> => {
      if (peer === undefined || site === '') return undefined
      await pause(AVAILABILITY_DEBOUNCE_MS, signal)
      const bounded = AbortSignal.any([signal, AbortSignal.timeout(LOOKAHEAD_TIMEOUT_MS)])
      try {
        const sources = await peer.siteSources(site, { signal: bounded })
        // The name holds a site: its bridge page and site worker load now, before Go, and its
        // document is asked for, so that pressing Go finds them ready (the look-up above
        // already warmed the name and its hosts).
        this.session?.bridges?.prepare(typedHref(this.typed, site)).catch(() => {})
        return { site, sources }
      } catch (error) {
        if (signal.aborted) throw error
        if ((error as Error)?.name === 'NameNotFoundError') return { site, unpublished: true }
        return { site, unknown: true }
      }
    },
  })

  constructor() {
    super()
    new SessionController(this, () => this.session)
    this.typed = ''
    this.shown = ''
  }

  /** The site to look ahead for: a typed address other than the site shown. */
  private candidate(): string {
    const site = typedSite(this.typed)
    return site === this.shown ? '' : site
  }

  override render() {
    if (this.session?.peer === undefined || this.candidate() === '') return nothing
    return html`<p aria-live="polite" data-lookahead>
      ${this.lookahead.render({
        pending: () =>
          html`<span class="hint">Asking who can serve an://${displaySite(this.candidate())}…</span>`,
        complete: (found) => (found === undefined ? nothing : this.renderFound(found)),
        error: () => nothing,
      })}
    </p>`
  }

  private renderFound(found: Lookahead) {
    const site = `an://${displaySite(found.site)}`
    if ('unpublished' in found)
      return html`<span class="hint" data-can-serve="unpublished">No one has published ${site}.</span>`
    if ('unknown' in found)
      return html`<span class="hint" data-can-serve="unknown">Could not tell now who can serve ${site}; press Go to try it.</span>`
    return found.sources.canServe
      ? html`<span class="ok" data-can-serve="yes">✓ ${reachableSourcesText(found.sources)} can serve ${site} now.</span>`
      : html`<span class="warning" data-can-serve="no">No one can serve ${site} right now: no mirror holds it and no host answers.</span>`
  }
}

customElements.define('an-address-lookahead', AnAddressLookahead)

declare global {
  interface HTMLElementTagNameMap {
    'an-address-lookahead': AnAddressLookahead
  }
}
