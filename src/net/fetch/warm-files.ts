/**
 * A page's small files asked for while the page is on its way: on the first visit of a site,
 * once its page (an HTML file) is matched in the verified manifest, the site's small files that a
 * page loads with it (style sheets, scripts, images, fonts: one chunk each, at most
 * `WARM_MAX_FILES` and `WARM_MAX_BYTES` in all, none already kept) are asked of the sources the
 * page came from at once, on the streams beside it. The page's own requests for them, which the
 * site frame makes only once the page has reached it and been parsed, then take those bytes
 * instead of finding sources and asking again. Each block is verified against its CID by the route
 * client and kept as any fetched block; what is not asked for within `WARM_KEEP_MS` is let go.
 * See docs/PROTOCOL.md, "Fetching an an:// URL".
 * @module
 */
import type { CID } from 'multiformats/cid'
import type { FileEntry, Manifest } from '../../core/content/index.ts'
import type { ContentStore } from '../hosting/content-store.ts'
import { checkKeptChunk } from './kept-file.ts'
import type { FetchContext, RequestSources } from './request-sources.ts'

/** Files asked for ahead on one page's first visit. */
export const WARM_MAX_FILES = 12

/** Bytes of files asked for ahead on one page's first visit. */
export const WARM_MAX_BYTES = 1024 * 1024

/** Chunks held at once across visits; a page's warm-up is skipped while this many are held. */
export const WARM_MAX_HELD = 48

/** How long a chunk asked for ahead waits for its request, in ms. */
export const WARM_KEEP_MS = 30_000

/** Longest wait for one chunk asked for ahead, in ms (its request then asks as usual). */
export const WARM_TIMEOUT_MS = 10_000

/** Media types a page loads with it (not pages of their own). */
const LOADED_WITH_A_PAGE =
  /^(text\/css|text\/javascript|application\/javascript|application\/json|application\/wasm|image\/|font\/|application\/font)/

/** Whether `entry` is a page, whose first visit warms its site's small files. */
export function isPage(entry: FileEntry): boolean {
  return entry.type.startsWith('text/html')
}

/**
 * The files of `manifest` worth asking for beside `page`: loaded with a page, one chunk each,
 * by path, until `WARM_MAX_FILES` or `WARM_MAX_BYTES`.
 */
export function warmCandidates(manifest: Manifest, page: FileEntry): FileEntry[] {
  const chosen: FileEntry[] = []
  let bytes = 0
  for (const path of Object.keys(manifest.files).sort()) {
    const entry = manifest.files[path]
    if (entry === page || entry.chunks.length !== 1 || !LOADED_WITH_A_PAGE.test(entry.type))
      continue
    if (bytes + entry.size > WARM_MAX_BYTES) continue
    chosen.push(entry)
    bytes += entry.size
    if (chosen.length === WARM_MAX_FILES) break
  }
  return chosen
}

/** Chunks asked for ahead, by CID, for the requests that follow a page. */
export class WarmFiles {
  /** By chunk CID: its bytes to come, and until when they wait (ms since the epoch). */
  private readonly held = new Map<
    string,
    { bytes: Promise<Uint8Array | undefined>; until: number }
  >()
  private readonly sources: RequestSources
  private readonly store: ContentStore | undefined

  constructor(sources: RequestSources, store?: ContentStore) {
    this.sources = sources
    this.store = store
  }

  /** How many chunks are held now. */
  get size(): number {
    return this.held.size
  }

  /**
   * Asks the sources of `ctx` (the page's first visit) for the small files of `manifest` that
   * `page` may load, unless kept already; never throws.
   */
  warm(ctx: FetchContext, manifest: Manifest, page: FileEntry): void {
    this.sweep()
    if (this.held.size >= WARM_MAX_HELD) return
    void this.ask(ctx, warmCandidates(manifest, page)).catch(() => {})
  }

  private async ask(ctx: FetchContext, files: FileEntry[]): Promise<void> {
    const wanted: CID[] = []
    for (const entry of files) {
      const cid = entry.chunks[0]
      if (this.held.has(cid.toString())) continue
      if ((await this.store?.hasBlock(cid)) === true) continue
      wanted.push(cid)
    }
    if (wanted.length === 0) return
    const sources = await this.sources.firstTargets(ctx)
    if (sources.length === 0) return
    wanted.forEach((cid, i) => {
      const key = cid.toString()
      if (this.held.has(key) || this.held.size >= WARM_MAX_HELD) return
      const target = sources[i % sources.length].connection
      const bytes = ctx.client
        .getBlock(target, cid, { signal: AbortSignal.timeout(WARM_TIMEOUT_MS) })
        .catch(() => undefined)
      this.held.set(key, { bytes, until: Date.now() + WARM_KEEP_MS })
    })
  }

  /** Lets go of what waited past `WARM_KEEP_MS` (no timer keeps a process open for them). */
  private sweep(): void {
    const now = Date.now()
    for (const [key, { until }] of this.held) if (until < now) this.held.delete(key)
  }

  /**
   * The bytes `[start, end)` of `entry` when its one chunk was asked for ahead and came (verified
   * against its CID by the route client; its length checked here); else undefined. A chunk is
   * taken once.
   */
  async take(entry: FileEntry, start: number, end: number): Promise<Uint8Array | undefined> {
    if (entry.chunks.length !== 1) return undefined
    this.sweep()
    const key = entry.chunks[0].toString()
    const held = this.held.get(key)
    if (held === undefined) return undefined
    // Taken once: the block is kept on the device as any fetched block for the next request.
    this.held.delete(key)
    const bytes = await held.bytes
    if (bytes === undefined) return undefined
    try {
      checkKeptChunk(entry, 0, bytes)
    } catch {
      return undefined
    }
    return bytes.subarray(start, end)
  }
}
