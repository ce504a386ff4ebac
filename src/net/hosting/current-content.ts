/**
 * What a site this device publishes holds now, for the Update form: how many files, and the
 * page itself when the site was written in the editor (so Update can reopen it): one
 * `index.html`, or a Markdown page's `index.html` (marked as the editor's) with its `index.md`.
 * @module
 */
import { INDEX_FILE, decodeManifest } from '../../core/content/index.ts'
import type { ContentStore } from './content-store.ts'
import type { PublishedSites } from '../../storage/index.ts'

/** What the reading needs: this device's sites and blocks, and `fetch` for the page. */
export interface CurrentContentParts {
  storage: {
    sites: Pick<PublishedSites, 'getPublishedSite'>
    blocks: Pick<ContentStore, 'getBlock'>
  }
  fetch(url: string): Promise<Response>
}

/** The largest page reopened in the editor, in bytes; a bigger one is left to the file pickers. */
export const MAX_EDITOR_PAGE_BYTES = 1024 * 1024

/** The file a page written in Markdown keeps its source in, beside `index.html`. */
export const EDITOR_SOURCE_FILE = 'index.md'

/** The `<meta name="generator">` of pages the editor makes from Markdown. */
export const EDITOR_GENERATOR = 'Alternet editor'

/** A site's current content as this device stores it. */
export interface CurrentContent {
  /** Number of files in the site. */
  files: number
  /** The text of its page, when the site is a page written in the editor. */
  page?: string
  /** The Markdown the page was made from, when it was written in Markdown. */
  markdown?: string
}

/** Reads the current content of `site` from this device's storage; undefined when it has none. */
export async function currentContent(
  parts: CurrentContentParts,
  site: string,
): Promise<CurrentContent | undefined> {
  const published = await parts.storage.sites.getPublishedSite(site)
  if (published?.root === undefined) return undefined
  const bytes = await parts.storage.blocks.getBlock(published.root)
  if (bytes === undefined) return undefined
  const manifest = await decodeManifest(bytes, published.root)
  const paths = Object.keys(manifest.files)
  const files = paths.length
  const index = manifest.files[`/${INDEX_FILE}`]
  const source = manifest.files[`/${EDITOR_SOURCE_FILE}`]
  const written = files === 1 || (files === 2 && source !== undefined)
  if (!written || index === undefined || index.size > MAX_EDITOR_PAGE_BYTES) return { files }
  if (source !== undefined && source.size > MAX_EDITOR_PAGE_BYTES) return { files }
  const page = await parts.fetch(`an://${site}/`)
  if (!page.ok) return { files }
  const html = await page.text()
  if (source === undefined) return { files, page: html }
  // An index.md published from files is not the editor's: reopen only what the editor made.
  if (!html.includes(`<meta name="generator" content="${EDITOR_GENERATOR}">`)) return { files }
  const markdown = await parts.fetch(`an://${site}/${EDITOR_SOURCE_FILE}`)
  if (!markdown.ok) return { files }
  return { files, page: html, markdown: await markdown.text() }
}
