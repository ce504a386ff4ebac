/**
 * The files a person publishes, in the forms the app has them: `File`s picked from a folder
 * (with `webkitRelativePath`), files with an explicit path and bytes, or a single page written
 * in the app (a string). All become `{ path, content, size }` entries the hasher reads.
 * @module
 */
import { InvalidSiteFilesError } from './errors.ts'

/** A file with an explicit site path: bytes, a `Blob`, a stream, or text (UTF-8 encoded). */
export interface PathFile {
  /** Path in the site (`/index.html`, `docs/a.html`); normalised by the content core. */
  path: string
  content: Blob | Uint8Array | ReadableStream<Uint8Array> | string
  /** @default mediaTypeFor(path) */
  type?: string
}

/**
 * One file to publish: a `File` from a folder picker (its `webkitRelativePath`, minus the
 * picked folder's own name, is its path; without one, `/` + its name) or a `PathFile`.
 */
export type PublishFile = File | PathFile

/** A file ready for hashing: normalisable path, bytes in a form a worker can receive. */
export interface PreparedFile {
  path: string
  content: Blob | Uint8Array | ReadableStream<Uint8Array>
  type?: string
  /** Bytes, when known before reading (not for streams). */
  size?: number
}

const encoder = new TextEncoder()

function isFile(value: PublishFile): value is File {
  return typeof File !== 'undefined' && value instanceof File && !('path' in value)
}

/** The folder-picker path of a file (`mysite/docs/a.html`), or '' when it was not picked from a folder. */
function relativePath(file: File): string {
  return (file as File & { webkitRelativePath?: string }).webkitRelativePath ?? ''
}

/**
 * Turns the person's files into prepared files. Folder-picker paths all start with the picked
 * folder's name (`mysite/index.html`): that first segment is dropped when every file shares
 * it, so the folder's content becomes the site's root. Throws `InvalidSiteFilesError` for an
 * empty list or an entry that is neither a `File` nor a `PathFile`.
 */
export function prepareFiles(files: Iterable<PublishFile>): PreparedFile[] {
  const out: PreparedFile[] = []
  const picked: boolean[] = []
  for (const file of files) {
    if (isFile(file)) {
      const relative = relativePath(file)
      out.push({
        path: relative === '' ? `/${file.name}` : relative,
        content: file,
        size: file.size,
      })
      picked.push(relative !== '')
      continue
    }
    if (typeof file !== 'object' || file === null || typeof file.path !== 'string') {
      throw new InvalidSiteFilesError('Each file must be a File or { path, content }.')
    }
    const { path, content, type } = file
    let prepared: PreparedFile
    if (typeof content === 'string') {
      const bytes = encoder.encode(content)
      prepared = { path, content: bytes, size: bytes.length }
    } else if (content instanceof Uint8Array) {
      prepared = { path, content, size: content.length }
    } else if (typeof Blob !== 'undefined' && content instanceof Blob) {
      prepared = { path, content, size: content.size }
    } else if (content !== null && typeof (content as ReadableStream).getReader === 'function') {
      prepared = { path, content }
    } else {
      throw new InvalidSiteFilesError(
        `The content of "${path}" is not bytes, a Blob, a stream or text.`,
      )
    }
    if (type !== undefined) prepared.type = type
    out.push(prepared)
    picked.push(false)
  }
  if (out.length === 0) throw new InvalidSiteFilesError('A site needs at least one file.')
  stripPickedFolder(out, picked)
  return out
}

/** Drops the picked folder's name from folder-picker paths when every one of them shares it. */
function stripPickedFolder(files: PreparedFile[], picked: readonly boolean[]): void {
  const indexes = files.map((_, i) => i).filter((i) => picked[i])
  if (indexes.length === 0) return
  const firstSegment = (path: string): string | undefined => {
    const parts = path.replace(/^\/+/, '').split('/')
    return parts.length > 1 ? parts[0] : undefined
  }
  const top = firstSegment(files[indexes[0]].path)
  if (top === undefined || !indexes.every((i) => firstSegment(files[i].path) === top)) return
  for (const i of indexes) files[i].path = files[i].path.replace(/^\/+/, '').slice(top.length)
}

/** Sum of the known sizes, or `undefined` when a file is a stream of unknown length. */
export function totalSize(files: readonly PreparedFile[]): number | undefined {
  let total = 0
  for (const file of files) {
    if (file.size === undefined) return undefined
    total += file.size
  }
  return total
}
