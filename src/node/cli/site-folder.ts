/**
 * A folder on disk as the files of a site: every regular file under it, by its path relative to
 * the folder (`/index.html`, `/docs/a.html`), its bytes read lazily (`fs.openAsBlob`). Names
 * starting with a dot (`.git`, `.DS_Store`) are left out, as a folder picker's hidden files are.
 * @module
 */
import { openAsBlob } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { PathFile } from '../../net/hosting/index.ts'
import { InvalidSiteFilesError } from '../../net/hosting/errors.ts'

/** The files of the folder `dir`. Throws `InvalidSiteFilesError` when it cannot be read or is empty. */
export async function readSiteFolder(dir: string): Promise<PathFile[]> {
  let entries
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true })
  } catch (cause) {
    throw new InvalidSiteFilesError(`${dir} cannot be read as a folder.`, { cause })
  }
  const files: PathFile[] = []
  for (const entry of entries) {
    if (!entry.isFile()) continue
    const full = join(entry.parentPath, entry.name)
    const path = relative(dir, full).split(sep)
    if (path.some((part) => part.startsWith('.'))) continue
    files.push({ path: '/' + path.join('/'), content: await openAsBlob(full) })
  }
  if (files.length === 0) throw new InvalidSiteFilesError(`${dir} holds no files to publish.`)
  return files.sort((a, b) => (a.path < b.path ? -1 : 1))
}
