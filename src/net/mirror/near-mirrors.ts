/**
 * What the connected relays hold of each site, asked once and remembered briefly: the visit's
 * next requests (the page's style sheets, scripts and images, a `HEAD` beside a `GET`) take the
 * same answers instead of asking again. The question needs no root, so it may be asked before
 * the name has resolved. Bounded in sites and in time; an answer naming no relay is not kept,
 * so a node that connects later asks again.
 * @module
 */
import { MAX_NEAR_MIRROR_SITES, NEAR_MIRRORS_TTL_MS } from './constants.ts'
import type { PeerId } from '@libp2p/interface'
import { askConnectedMirrors, type MirrorFinderHost, type NearAnswer } from './find-mirrors.ts'
import { ReadyStreams } from './ready-streams.ts'

interface Remembered {
  answers: Promise<NearAnswer[]>
  /** When the question was asked, ms since the epoch. */
  at: number
}

/** Options of {@link NearMirrors}. */
export interface NearMirrorsOptions {
  /** @default NEAR_MIRRORS_TTL_MS */
  ttlMs?: number
  /** @default MAX_NEAR_MIRROR_SITES */
  maxSites?: number
}

/**
 * The connected relays' answers by site, remembered for `ttlMs`; and, while a site's relays are
 * asked, route streams opened ahead on each of them (`streams`), for the site's first requests.
 */
export class NearMirrors {
  /** The route streams opened ahead on the relays asked. */
  readonly streams = new ReadyStreams()
  private readonly sites = new Map<string, Remembered>()
  private readonly libp2p: MirrorFinderHost
  private readonly ttlMs: number
  private readonly maxSites: number

  constructor(libp2p: MirrorFinderHost, options: NearMirrorsOptions = {}) {
    this.libp2p = libp2p
    this.ttlMs = options.ttlMs ?? NEAR_MIRRORS_TTL_MS
    this.maxSites = options.maxSites ?? MAX_NEAR_MIRROR_SITES
  }

  /**
   * The connected relays' answers about `site`: those remembered, else asked now (with no
   * caller's signal: several requests share them). Rejects with `signal`'s reason when it aborts
   * first.
   */
  ask(site: string, signal?: AbortSignal): Promise<NearAnswer[]> {
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    const now = Date.now()
    let kept = this.sites.get(site)
    if (kept === undefined || now - kept.at >= this.ttlMs) {
      this.sites.delete(site)
      const entry: Remembered = {
        at: now,
        answers: askConnectedMirrors(this.libp2p, site, undefined, (peer) => this.prepare(peer)),
      }
      void entry.answers.then((answers) => {
        if (answers.length === 0 && this.sites.get(site) === entry) this.sites.delete(site)
      })
      this.sites.set(site, entry)
      // The oldest question goes first.
      while (this.sites.size > this.maxSites)
        this.sites.delete(this.sites.keys().next().value as string)
      kept = entry
    }
    if (signal === undefined) return kept.answers
    const { answers } = kept
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
      void answers.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject)
    })
  }

  /** Opens route streams ahead on the direct connection to `peer`, a relay being asked. */
  private prepare(peer: PeerId): void {
    const connection = this.libp2p
      .getConnections(peer)
      .find((c) => c.status === 'open' && c.limits == null)
    if (connection !== undefined) this.streams.prepare(connection)
  }
}
