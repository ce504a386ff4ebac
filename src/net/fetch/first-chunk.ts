/**
 * A page's first chunk asked for while its site's manifest is still coming: on a visit whose
 * manifest is not on the device, the first source found gets the manifest's `block` request and,
 * on a stream beside it, a ranged `get` of the page's path for the bytes of one chunk. The two
 * answers travel together instead of one after the other. The bytes are used only once the
 * manifest has come and they hash to the chunk it lists for that file (`verifyChunk`); anything
 * else (another status, a redirect, a larger or smaller body, wrong bytes) is let go and the page
 * is read as usual. At most one chunk (`CHUNK_SIZE`) is held per request.
 * See docs/PROTOCOL.md, "Fetching an an:// URL".
 * @module
 */
import type { CID } from 'multiformats/cid'
import { CHUNK_SIZE, chunkLength, verifyChunk, type FileEntry } from '../../core/content/index.ts'
import type { RouteClient, RouteTarget } from '../route/index.ts'

/** A page's first chunk asked for early. */
export interface FirstChunk {
  /** The normalized request path it was asked by. */
  path: string
  /** Its bytes as sent (not verified yet); undefined when the source did not send one chunk's worth. */
  bytes: Promise<Uint8Array | undefined>
}

/** What `askFirstChunk` asks. */
export interface FirstChunkRequest {
  site: string
  root: CID
  path: string
  signal?: AbortSignal
}

/** Reads a body of at most `length` bytes into one array. */
async function readAll(body: ReadableStream<Uint8Array>, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length)
  const reader = body.getReader()
  let filled = 0
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    out.set(part.value.subarray(0, length - filled), filled)
    filled += part.value.length
  }
  return out
}

/** Asks `target` for the first chunk of `path` by a ranged `get`; never rejects. */
export function askFirstChunk(
  client: RouteClient,
  target: RouteTarget,
  request: FirstChunkRequest,
): FirstChunk {
  const { site, root, path, signal } = request
  const bytes = (async (): Promise<Uint8Array | undefined> => {
    const res = await client.request(
      target,
      { kind: 'get', site, root, path, headers: { range: `bytes=0-${CHUNK_SIZE - 1}` } },
      { signal },
    )
    // 206 and at most one chunk: what a file's first chunk comes as (the client errors the body
    // when the host sends more or fewer bytes than `length`).
    if (res.status !== 206 || res.length < 1 || res.length > CHUNK_SIZE) {
      await res.body.cancel()
      return undefined
    }
    return await readAll(res.body, res.length)
  })().catch(() => undefined)
  return { path, bytes }
}

/**
 * The bytes `[start, end)` of `entry` from `early`, when it was asked by `path`, the range lies
 * in the file's first chunk and its bytes are that chunk (verified here); else undefined. Calls
 * `onChunk` with the verified chunk.
 */
export async function takeFirstChunk(
  early: FirstChunk | undefined,
  entry: FileEntry,
  range: { start: number; end: number; path: string | undefined },
  onChunk?: (cid: CID, bytes: Uint8Array) => void,
): Promise<Uint8Array | undefined> {
  const { start, end, path } = range
  if (early === undefined || path !== early.path || entry.chunks.length === 0) return undefined
  if (end > chunkLength(entry.size, 0)) return undefined
  const bytes = await early.bytes
  if (bytes === undefined) return undefined
  try {
    await verifyChunk(entry, 0, bytes)
  } catch {
    return undefined
  }
  onChunk?.(entry.chunks[0], bytes)
  return bytes.subarray(start, end)
}
