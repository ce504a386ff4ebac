/**
 * What a site this device publishes holds now, for the Update form: how many files, and the
 * page itself when the site is one page written in the editor (so Update can reopen it).
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

/** A site's current content as this device stores it. */
export interface CurrentContent {
  /** Number of files in the site. */
  files: number
  /** The text of its one page, when the site is a single `index.html` (as the editor makes). */
  page?: string
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
  const index = manifest.files[`/${INDEX_FILE}`]
  if (paths.length !== 1 || index === undefined || index.size > MAX_EDITOR_PAGE_BYTES)
    return { files: paths.length }
  const response = await parts.fetch(`an://${site}/`)
  if (!response.ok) return { files: paths.length }
  return { files: 1, page: await response.text() }
}
