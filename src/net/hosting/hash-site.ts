/**
 * Hashing a site's files from the page: in the hashing worker when the runtime has `Worker`,
 * so the page stays responsive, otherwise inline. The same blocks and manifest either way.
 * @module
 */
import { CID } from 'multiformats/cid'
import {
  InvalidManifestError,
  InvalidPathError,
  MalformedManifestError,
  decodeManifest,
  type EncodedManifest,
} from '../../core/content/index.ts'
import { HashWorkerError } from './errors.ts'
import {
  hashSiteFiles,
  type HashProgress,
  type HashSiteFilesOptions,
  type HashedBlock,
} from './hash-files.ts'
import type { FromWorker, ToWorker, WireError } from './hash-messages.ts'
import type { PreparedFile } from './site-files.ts'

/** Options of `hashSite`. */
export interface HashSiteOptions extends HashSiteFilesOptions {
  /**
   * Hash in a worker when the runtime has one; `false` hashes inline.
   * @default true
   */
  worker?: boolean
}

/** What `hashSite` made. */
export interface HashedSite extends EncodedManifest {
  /** Whether the hashing ran in a worker. */
  usedWorker: boolean
}

/** Rebuilds the content core's typed errors; anything else becomes `HashWorkerError`. */
function fromWire(error: WireError): Error {
  const reason = error.reason as never
  if (error.name === 'InvalidPathError') return new InvalidPathError(reason, error.message)
  if (error.name === 'InvalidManifestError') return new InvalidManifestError(reason, error.message)
  if (error.name === 'MalformedManifestError')
    return new MalformedManifestError(reason, error.message)
  return new HashWorkerError(`${error.name}: ${error.message}`)
}

function startWorker(): Worker {
  return new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module' })
}

/** Runs the hashing in a worker; `null` when the files cannot be sent to one (e.g. a stream the runtime cannot transfer). */
async function hashInWorker(
  files: readonly PreparedFile[],
  options: HashSiteFilesOptions,
): Promise<EncodedManifest | null> {
  const worker = startWorker()
  const streams = files
    .map((f) => f.content)
    .filter(
      (c): c is ReadableStream<Uint8Array> => typeof (c as ReadableStream).getReader === 'function',
    )
  try {
    worker.postMessage(
      { type: 'hash', files: [...files], batchBytes: options.batchBytes } satisfies ToWorker,
      streams,
    )
  } catch {
    worker.terminate()
    return null
  }
  const { signal } = options
  try {
    return await new Promise<EncodedManifest>((resolve, reject) => {
      // Batches are stored one after another, in the order they came.
      let storing = Promise.resolve()
      const fail = (error: unknown): void => {
        worker.terminate()
        reject(error)
      }
      const onAbort = (): void => fail(signal?.reason)
      signal?.addEventListener('abort', onAbort, { once: true })
      if (signal?.aborted === true) onAbort()
      worker.addEventListener('error', (event) => {
        event.preventDefault()
        fail(new HashWorkerError(`The hashing worker failed: ${event.message}`))
      })
      worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
        const message = event.data
        switch (message.type) {
          case 'progress':
            options.onProgress?.(message.progress)
            break
          case 'batch': {
            const blocks: HashedBlock[] = message.blocks.map((b) => ({
              cid: CID.decode(b.cid),
              bytes: b.bytes,
            }))
            storing = storing.then(async () => {
              await options.onBatch(blocks)
              worker.postMessage({ type: 'stored', id: message.id } satisfies ToWorker)
            })
            storing.catch(fail)
            break
          }
          case 'done': {
            const cid = CID.decode(message.cid)
            storing
              .then(async () => ({
                cid,
                bytes: message.bytes,
                manifest: await decodeManifest(message.bytes, cid),
              }))
              .then(resolve, fail)
            break
          }
          case 'error':
            fail(fromWire(message.error))
            break
        }
      })
    })
  } finally {
    worker.terminate()
  }
}

/**
 * Chunks and hashes `files`: batches of blocks go to `onBatch` (awaited: storing paces the
 * hashing), progress to `onProgress`; returns the encoded manifest. Aborting `signal` stops
 * the worker at once.
 */
export async function hashSite(
  files: readonly PreparedFile[],
  options: HashSiteOptions,
): Promise<HashedSite> {
  options.signal?.throwIfAborted()
  if (options.worker !== false && typeof Worker !== 'undefined') {
    const done = await hashInWorker(files, options)
    if (done !== null) return { ...done, usedWorker: true }
  }
  return { ...(await hashSiteFiles(files, options)), usedWorker: false }
}

export type { HashProgress, HashedBlock }
