/**
 * The hashing worker: chunks and hashes a site's files off the page's main thread and streams
 * the blocks back in batches (their buffers transferred, not copied), waiting for the page to
 * store them when it is `MAX_BATCHES_IN_FLIGHT` batches behind.
 * Started by `hashFiles` with `new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module' })`.
 * @module
 */
import { MAX_BATCHES_IN_FLIGHT } from './constants.ts'
import { hashSiteFiles, type HashedBlock } from './hash-files.ts'
import { toWireError, type FromWorker, type ToWorker } from './hash-messages.ts'

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void
}

const scope = globalThis as unknown as WorkerScope
let nextId = 0
let inFlight = 0
let room: (() => void) | undefined

function buffersOf(views: readonly Uint8Array[]): ArrayBuffer[] {
  return [...new Set(views.map((view) => view.buffer as ArrayBuffer))]
}

async function sendBatch(blocks: HashedBlock[]): Promise<void> {
  const wire = blocks.map((b) => ({ cid: b.cid.bytes, bytes: b.bytes }))
  scope.postMessage(
    { type: 'batch', id: nextId++, blocks: wire },
    buffersOf(wire.map((b) => b.bytes)),
  )
  inFlight++
  while (inFlight >= MAX_BATCHES_IN_FLIGHT) {
    await new Promise<void>((resolve) => {
      room = resolve
    })
  }
}

scope.addEventListener('message', (event) => {
  const message = event.data
  if (message.type === 'stored') {
    inFlight--
    room?.()
    room = undefined
    return
  }
  hashSiteFiles(message.files, {
    batchBytes: message.batchBytes,
    onBatch: sendBatch,
    onProgress: (progress) => scope.postMessage({ type: 'progress', progress }),
  }).then(
    ({ cid, bytes }) =>
      scope.postMessage({ type: 'done', cid: cid.bytes, bytes }, buffersOf([bytes])),
    (error: unknown) => scope.postMessage({ type: 'error', error: toWireError(error) }),
  )
})
