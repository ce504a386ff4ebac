/**
 * The tab's side of `/an/mirror-upload/1.0.0`: pushes a site's manifest and the blocks a relay
 * says it still needs, so the relay holds the site without pulling it from this tab. Resumable
 * by design: the relay asks only for what it does not hold, so a tab that reconnects after a
 * cut sends the rest, not everything again. See docs/PROTOCOL.md, "Upload".
 * @module
 */
import { lpStream } from '@libp2p/utils'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { CHUNK_SIZE, decodeManifest, MAX_MANIFEST_SIZE } from '../../core/content/index.ts'
import type { SignedRecord } from '../../core/records/index.ts'
import { MIRROR_UPLOAD_PROTOCOL, UPLOAD_IDLE_TIMEOUT_MS } from './constants.ts'
import {
  jsonFrame,
  manifestBlocks,
  parseFrame,
  toBase64,
  UPLOAD_WINDOW_BLOCKS,
  type UploadAnswer,
  type UploadRefusal,
} from './upload-protocol.ts'

/** A block this tab should hold is missing from its store. */
export class UploadBlockMissingError extends Error {
  override name = 'UploadBlockMissingError'
}

/** The relay answered something the protocol does not allow. */
export class UploadProtocolError extends Error {
  override name = 'UploadProtocolError'
}

/** How far an upload is. */
export interface UploadProgress {
  /** Blocks the relay asked for (0 when it held them all). */
  needed: number
  blocksSent: number
  bytesSent: number
}

/** What `uploadSite` is asked to push. */
export interface UploadSiteInit {
  record: SignedRecord
  /** Reads a block (the manifest too) from this tab's store. */
  getBlock(cid: CID): Promise<Uint8Array | undefined>
  signal?: AbortSignal
  onProgress?(progress: UploadProgress): void
}

/** How an upload ended. */
export interface UploadResult extends UploadProgress {
  state: 'stored' | 'refused'
  /** Blocks of the site in all (the manifest's list). */
  total: number
  /** `refused`: a stable label and the reason in words. */
  reason?: UploadRefusal
  message?: string
}

/**
 * Pushes `record`'s site to `peer`. Resolves with `stored` or `refused` (the relay's reason);
 * throws `UploadBlockMissingError`, `UploadProtocolError`, a stream error, or the signal's reason.
 */
export async function uploadSite(
  node: Pick<Libp2p, 'dialProtocol'>,
  peer: PeerId,
  init: UploadSiteInit,
): Promise<UploadResult> {
  const root = init.record.body.content
  if (root === undefined) throw new UploadProtocolError('The record names no content to upload.')
  const step = (): AbortSignal => {
    const idle = AbortSignal.timeout(UPLOAD_IDLE_TIMEOUT_MS)
    return init.signal === undefined ? idle : AbortSignal.any([init.signal, idle])
  }
  const read = async (): Promise<UploadAnswer> => {
    const answer = parseFrame((await lp.read({ signal: step() })).subarray()) as UploadAnswer
    if (!['need', 'received', 'stored', 'refused'].includes(answer?.state))
      throw new UploadProtocolError('The relay answered the upload with something unknown.')
    return answer
  }
  const get = async (cid: CID): Promise<Uint8Array> => {
    const bytes = await init.getBlock(cid)
    if (bytes === undefined)
      throw new UploadBlockMissingError(`Block ${cid} is not on this device.`)
    return bytes
  }
  const manifestBytes = await get(root)
  const blocks = manifestBlocks(await decodeManifest(manifestBytes, root))
  const progress: UploadProgress = { needed: 0, blocksSent: 0, bytesSent: 0 }
  const stream = await node.dialProtocol(peer, MIRROR_UPLOAD_PROTOCOL, { signal: step() })
  const lp = lpStream(stream, { maxDataLength: Math.max(MAX_MANIFEST_SIZE, CHUNK_SIZE) })
  try {
    await lp.write(
      jsonFrame({ site: init.record.body.name, record: toBase64(init.record.bytes) }),
      {
        signal: step(),
      },
    )
    await lp.write(manifestBytes, { signal: step() })
    let answer = await read()
    if (answer.state === 'need') {
      progress.needed = answer.need.length
      init.onProgress?.({ ...progress })
      // At most UPLOAD_WINDOW_BLOCKS ahead of what the relay says it has written.
      let received = 0
      const acknowledged = async (): Promise<UploadAnswer | undefined> => {
        const next = await read()
        if (next.state !== 'received') return next
        if (next.received < received || next.received > progress.blocksSent)
          throw new UploadProtocolError('The relay counted blocks it was not sent.')
        received = next.received
        return undefined
      }
      for (const i of answer.need) {
        init.signal?.throwIfAborted()
        const block = blocks[i]
        if (block === undefined) throw new UploadProtocolError(`The relay asked for block ${i}.`)
        while (progress.blocksSent - received >= UPLOAD_WINDOW_BLOCKS) {
          const early = await acknowledged()
          if (early !== undefined) return await finish(early)
        }
        const bytes = await get(block.cid)
        await lp.write(bytes, { signal: step() })
        progress.blocksSent++
        progress.bytesSent += bytes.length
        init.onProgress?.({ ...progress })
      }
      let last: UploadAnswer | undefined
      while (last === undefined) last = await acknowledged()
      answer = last
    }
    return await finish(answer)
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }

  /** Closes the stream and says what the relay's last word was. */
  async function finish(answer: UploadAnswer): Promise<UploadResult> {
    await stream.close({ signal: step() }).catch(() => undefined)
    if (answer.state === 'need' || answer.state === 'received')
      throw new UploadProtocolError('The relay asked twice.')
    return answer.state === 'stored'
      ? { ...progress, state: 'stored', total: blocks.length }
      : {
          ...progress,
          state: 'refused',
          total: blocks.length,
          reason: answer.reason,
          message: answer.message,
        }
  }
}
