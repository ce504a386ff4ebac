/**
 * A response across a MessagePort: the head as one message, then the body as chunk messages
 * whose buffers are transferred, not copied by the structured clone, with several in flight
 * (a chunk handed over whole, `core/owned-bytes.ts`, goes as it is, without even a copy here):
 * the receiver grants credit as its reader consumes, so a slow reader stops the sender and a
 * fast one is never kept waiting for a round trip per chunk. A transferred ReadableStream
 * ('stream') is still understood, but it carries one chunk per round trip between the
 * threads. Runs in pages and service workers. See docs/ORIGINS.md, "Message protocol".
 * @module
 */
import { isHandedOver } from '../../core/owned-bytes.ts'
import { BRIDGE_PROTOCOL_VERSION, CHUNK_CREDIT, MAX_CHUNK_BYTES } from './constants.ts'
import {
  fromPlainError,
  toPlainError,
  type BodyMessage,
  type BodyMode,
  type BodyPull,
  type ResponseHead,
  type ResponsePortMessage,
} from './protocol.ts'

/**
 * How bodies are sent: 'chunks' (and 'auto') as chunk messages with credit; 'stream' as a
 * transferred ReadableStream where the browser can transfer one (else as chunks).
 */
export type StreamMode = 'auto' | 'stream' | 'chunks'

/** The response head timed out or the port was given up. */
export class ResponseTimeoutError extends Error {
  override name = 'ResponseTimeoutError'
}

let transferable: boolean | undefined

/** Whether this browser can transfer a ReadableStream through postMessage. */
export function canTransferStreams(): boolean {
  if (transferable === undefined) {
    const channel = new MessageChannel()
    try {
      const stream = new ReadableStream()
      channel.port1.postMessage(stream, [stream as unknown as Transferable])
      transferable = true
    } catch {
      transferable = false
    } finally {
      channel.port1.close()
      channel.port2.close()
    }
  }
  return transferable
}

/** Sends `response` on `port` and closes the port once the body is through. */
export function sendResponse(
  port: MessagePort,
  response: Response,
  mode: StreamMode = 'auto',
): void {
  const body = response.body
  const kind: BodyMode =
    body === null ? 'none' : mode === 'stream' && canTransferStreams() ? 'stream' : 'chunks'
  const head: ResponseHead = {
    type: 'an-response',
    v: BRIDGE_PROTOCOL_VERSION,
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    body: kind,
  }
  if (kind === 'stream' && body !== null) {
    head.stream = body
    port.postMessage(head, [body as unknown as Transferable])
    port.close()
    return
  }
  port.postMessage(head)
  if (kind === 'none' || body === null) {
    port.close()
    return
  }
  void sendChunks(port, body)
}

/** Tells the receiver on `port` that there is no response at all. */
export function sendResponseError(port: MessagePort, error: unknown): void {
  port.postMessage({
    type: 'an-response-error',
    v: BRIDGE_PROTOCOL_VERSION,
    error: toPlainError(error),
  })
  port.close()
}

/** Resolves true when `promise` settles before the next task of this thread, else false. */
function settlesNow(promise: Promise<unknown>): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 0)
    promise.then(
      () => (clearTimeout(timer), resolve(true)),
      () => (clearTimeout(timer), resolve(true)),
    )
  })
}

/**
 * `parts` copied into buffers of their own, at most `limit` bytes each: a message's buffer is
 * transferred (detached here), and the source's bytes may still be held elsewhere (the block
 * keeper writes the same blocks to the store).
 */
function pack(parts: readonly Uint8Array[], size: number, limit: number): Uint8Array[] {
  let whole = parts[0]
  if (parts.length > 1) {
    whole = new Uint8Array(size)
    let offset = 0
    for (const part of parts) {
      whole.set(part, offset)
      offset += part.length
    }
    if (size <= limit) return [whole]
  }
  // One copy each: from the source's bytes, or from the packed buffer when it is too large.
  const out: Uint8Array[] = []
  for (let at = 0; at < size; at += limit) out.push(whole.slice(at, at + limit))
  return out
}

async function sendChunks(port: MessagePort, body: ReadableStream<Uint8Array>): Promise<void> {
  const reader = body.getReader()
  let credit = 0
  let cancelled = false
  let wake: (() => void) | undefined
  port.addEventListener('message', (event: MessageEvent<BodyPull>) => {
    if (event.data?.type === 'an-pull') credit += Math.max(0, Math.floor(event.data.credit))
    else if (event.data?.type === 'an-cancel') {
      cancelled = true
      void reader.cancel().catch(() => {})
    }
    wake?.()
  })
  port.start()
  const post = (message: BodyMessage, transfer: Transferable[] = []): void =>
    port.postMessage(message, transfer)
  try {
    let done = false
    // A read that was not ready when a message went out: the next message starts with it.
    let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined
    while (!done) {
      while (credit <= 0 && !cancelled) await new Promise<void>((resolve) => (wake = resolve))
      if (cancelled) return
      const first = await (pending ?? reader.read())
      pending = undefined
      if (first.done) break
      // A buffer handed over whole crosses as it is: no copy, and no wait for more chunks.
      if (isHandedOver(first.value)) {
        post({ type: 'an-chunk', bytes: first.value }, [first.value.buffer])
        credit--
        continue
      }
      // Chunks the source has ready now join this message, up to MAX_CHUNK_BYTES.
      const parts = [first.value]
      let size = first.value.length
      while (size < MAX_CHUNK_BYTES) {
        const next = reader.read()
        if (!(await settlesNow(next))) {
          pending = next
          break
        }
        const r = await next
        if (r.done) {
          done = true
          break
        }
        if (isHandedOver(r.value)) {
          pending = Promise.resolve(r) // the next message, alone
          break
        }
        parts.push(r.value)
        size += r.value.length
      }
      for (const bytes of pack(parts, size, MAX_CHUNK_BYTES)) {
        post({ type: 'an-chunk', bytes }, [bytes.buffer])
        credit--
      }
    }
    post({ type: 'an-end' })
  } catch (error) {
    if (!cancelled) post({ type: 'an-abort', error: toPlainError(error) })
  } finally {
    port.close()
  }
}

/** A response as received: the body is a stream (or null), headers as given. */
export interface ReceivedResponse {
  status: number
  statusText: string
  headers: Headers
  body: ReadableStream<Uint8Array> | null
}

/** Options of {@link receiveResponse}. */
export interface ReceiveOptions {
  /** Give up when no head came within this many ms. */
  timeout: number
  signal?: AbortSignal
}

/** Waits for the response sent on `port` by {@link sendResponse}. */
export function receiveResponse(
  port: MessagePort,
  options: ReceiveOptions,
): Promise<ReceivedResponse> {
  return new Promise<ReceivedResponse>((resolve, reject) => {
    let settled = false
    const fail = (error: Error): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      port.close()
      reject(error)
    }
    const timer = setTimeout(
      () => fail(new ResponseTimeoutError(`No response within ${options.timeout} ms.`)),
      options.timeout,
    )
    options.signal?.addEventListener(
      'abort',
      () => fail(new ResponseTimeoutError('The request was aborted.')),
      { once: true },
    )
    const onHead = (event: MessageEvent<ResponsePortMessage>): void => {
      const data = event.data
      if (settled) return
      if (data?.type === 'an-response-error') return fail(fromPlainError(data.error))
      if (data?.type !== 'an-response') return
      settled = true
      clearTimeout(timer)
      port.removeEventListener('message', onHead)
      let body: ReadableStream<Uint8Array> | null = null
      if (data.body === 'stream' && data.stream !== undefined) {
        body = data.stream
        port.close()
      } else if (data.body === 'chunks') body = chunkedBody(port)
      else port.close()
      resolve({
        status: data.status,
        statusText: data.statusText,
        headers: new Headers(data.headers),
        body,
      })
    }
    port.addEventListener('message', onHead)
    port.start()
  })
}

function chunkedBody(port: MessagePort): ReadableStream<Uint8Array> {
  let granted = 0
  const pull = (credit: number): void =>
    port.postMessage({ type: 'an-pull', credit } satisfies BodyPull)
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        port.addEventListener('message', (event: MessageEvent<BodyMessage>) => {
          const data = event.data
          if (data?.type === 'an-chunk') {
            granted--
            controller.enqueue(data.bytes)
          } else if (data?.type === 'an-end') {
            port.close()
            controller.close()
          } else if (data?.type === 'an-abort') {
            port.close()
            controller.error(fromPlainError(data.error))
          }
        })
        granted = CHUNK_CREDIT
        pull(CHUNK_CREDIT)
      },
      pull(controller) {
        // Top the credit up to the queue's room: chunks on their way and chunks queued here
        // together stay within CHUNK_CREDIT, whether or not the receiving event loop lets the
        // reader run between two chunk messages.
        const room = (controller.desiredSize ?? 0) - granted
        if (room > 0) {
          pull(room)
          granted += room
        }
      },
      cancel() {
        port.postMessage({ type: 'an-cancel' } satisfies BodyPull)
        port.close()
      },
    },
    new CountQueuingStrategy({ highWaterMark: CHUNK_CREDIT }),
  )
}
