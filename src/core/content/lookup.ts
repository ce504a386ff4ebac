/**
 * Resolving a request path against a manifest: exact files, folder index pages, the redirect
 * that adds a folder's trailing slash, and the site's 404 page. See docs/PROTOCOL.md,
 * "Lookup".
 * @module
 */
import { INDEX_FILE, NOT_FOUND_PATH } from './constants.ts'
import type { FileEntry, Manifest } from './manifest.ts'
import { encodePath } from './paths.ts'

/** A file found for a request: its manifest path and entry. */
export interface FoundFile {
  path: string
  entry: FileEntry
}

/** A request for a folder without its trailing '/': answer with a redirect (HTTP 301). */
export interface FolderRedirect {
  /** Percent-encoded path for the `Location` header: the request path plus '/'. */
  redirect: string
}

function fileAt(manifest: Manifest, path: string): FoundFile | null {
  return Object.hasOwn(manifest.files, path) ? { path, entry: manifest.files[path] } : null
}

/**
 * Finds what a normalised request path (from `normalizeRequestPath`) names, in order:
 * a path ending in '/' (including '/') → that folder's `index.html`; an exact file; a folder
 * holding `index.html`, asked without its trailing '/' → `{ redirect }`; otherwise `null`
 * (answer with `notFoundEntry(manifest)` and status 404).
 */
export function lookupPath(
  manifest: Manifest,
  requestPath: string,
): FoundFile | FolderRedirect | null {
  if (!requestPath.startsWith('/')) return null
  if (requestPath.endsWith('/')) return fileAt(manifest, requestPath + INDEX_FILE)
  const file = fileAt(manifest, requestPath)
  if (file !== null) return file
  if (fileAt(manifest, `${requestPath}/${INDEX_FILE}`) !== null) {
    return { redirect: `${encodePath(requestPath)}/` }
  }
  return null
}

/** The site's not-found page (`/404.html`) when it has one, to send with status 404. */
export function notFoundEntry(manifest: Manifest): FoundFile | null {
  return fileAt(manifest, NOT_FOUND_PATH)
}
