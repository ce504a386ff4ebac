/**
 * The messages of `/an/mirror-upload/1.0.0`, shared by the tab that pushes a site and the relay
 * that takes it: each frame is an unsigned varint length then that many bytes, either UTF-8
 * JSON (offer, need, done, refused) or a block's raw bytes. Blocks are named by their index in
 * the manifest's block list (`manifestBlocks`), which both sides compute from the same manifest.
 * See docs/PROTOCOL.md, "Upload".
 * @module
 */
import type { CID } from 'multiformats/cid'
import { chunkLength, type Manifest } from '../../core/content/index.ts'

/**
 * Blocks a tab sends ahead of the relay's last `received` (32 × 256 KiB = 8 MiB): what the
 * relay may have to hold read but not yet written, whatever the muxer's window.
 */
export const UPLOAD_WINDOW_BLOCKS = 32
/** The relay says `received` after every this many blocks written (and after the last). */
export const UPLOAD_ACK_EVERY = 8

/** The tab's first frame: the site and its signed record (standard base64, padded). */
export interface UploadOffer {
  site: string
  record: string
}

/** The relay's answer to the offer and manifest, and its last word. */
export type UploadAnswer =
  /** Send these blocks (indexes into `manifestBlocks`), in this order. */
  | { state: 'need'; need: number[]; total: number }
  /**
   * After `need`: the first `received` blocks asked for are written. Sent every
   * `UPLOAD_ACK_EVERY` blocks; the tab keeps at most `UPLOAD_WINDOW_BLOCKS` blocks unacknowledged.
   */
  | { state: 'received'; received: number }
  /** Every block is stored (after `need`, or at once when the relay held them all). */
  | { state: 'stored'; blocks: number; bytes: number }
  /** Not taken: `reason` a stable label, `message` the reason in words for a person. */
  | { state: 'refused'; reason: UploadRefusal; message: string }

/** Why a relay refuses an upload. */
export type UploadRefusal =
  | 'malformed'
  | 'invalid-record'
  | 'bad-content'
  | 'busy'
  | 'not-placed'
  | 'timeout'
  | 'policy'
  | 'unregistered'
  | 'owner-quota'
  | 'store-full'
  | 'disk-full'
  | 'blocked'
  | 'revoked'
  | 'unreachable'

/** A block of a manifest: its CID and the size the manifest gives it. */
export interface ManifestBlock {
  cid: CID
  size: number
}

/**
 * Every block of `manifest` (the manifest itself excluded), each once: files in the manifest's
 * order, chunks in file order, a repeated CID kept at its first place.
 */
export function manifestBlocks(manifest: Manifest): ManifestBlock[] {
  const seen = new Map<string, ManifestBlock>()
  for (const entry of Object.values(manifest.files)) {
    entry.chunks.forEach((cid, i) => {
      if (!seen.has(cid.toString()))
        seen.set(cid.toString(), { cid, size: chunkLength(entry.size, i) })
    })
  }
  return [...seen.values()]
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A JSON frame's bytes. */
export function jsonFrame(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

/** Parses a JSON frame; throws `SyntaxError` when it is not JSON. */
export function parseFrame(bytes: Uint8Array): unknown {
  return JSON.parse(decoder.decode(bytes))
}

/** Standard base64, padded. */
export function toBase64(bytes: Uint8Array): string {
  let text = ''
  for (const b of bytes) text += String.fromCharCode(b)
  return btoa(text)
}

/** Decodes standard base64; throws on other text. */
export function fromBase64(text: string): Uint8Array {
  const raw = atob(text)
  const out = new Uint8Array(raw.length)
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i)
  return out
}
