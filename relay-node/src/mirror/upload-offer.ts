/**
 * The start of an upload (`/an/mirror-upload/1.0.0`): the tab's offer (the site and its signed
 * record) and the manifest, each checked before the relay answers; and how an upload that
 * fails is refused, with a reason label and words for a person. See docs/PROTOCOL.md, "Upload".
 * @module
 */
import type { Stream } from '@libp2p/interface'
import type { LengthPrefixedStream } from '@libp2p/utils'
import { decodeManifest, type Manifest } from '@alternet/core/content'
import { decodeRecord, dhtKey, validateRecord, type SignedRecord } from '@alternet/core/records'
import { MAX_UPLOAD_MESSAGE_BYTES } from '@alternet/net/mirror'
import { fromBase64, parseFrame, type UploadRefusal } from '@alternet/net/mirror/upload-protocol'
import { MirrorRefusedError } from './errors.ts'

/** An upload refused, with its reason label and the words for a person. */
export class UploadRefusedError extends Error {
  override name = 'UploadRefusedError'
  readonly reason: UploadRefusal

  constructor(reason: UploadRefusal, message: string, options?: ErrorOptions) {
    super(message, options)
    this.reason = reason
  }
}

/** The reason and words of a failure. */
export function refusalOf(err: unknown): { reason: UploadRefusal; message: string } & Error {
  if (err instanceof UploadRefusedError || err instanceof MirrorRefusedError)
    return Object.assign(new Error(err.message), { reason: err.reason, message: err.message })
  const timeout = (err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError'
  return Object.assign(new Error('upload failed'), {
    reason: timeout ? ('timeout' as const) : ('malformed' as const),
    message: timeout
      ? 'The upload stopped sending for too long.'
      : 'The upload broke the protocol.',
  })
}

/** An upload's offer, checked: the site's record (and its bytes) and the manifest it names. */
export interface UploadOffer {
  record: SignedRecord
  value: Uint8Array
  manifest: Manifest
  manifestBytes: Uint8Array
}

/**
 * Reads and checks the offer and the manifest, each frame within `idle()`'s signal, the record
 * validated with `registrars`. Throws `UploadRefusedError` (`malformed`, `invalid-record`,
 * `bad-content`) or a stream error.
 */
export async function readOffer(
  lp: LengthPrefixedStream<Stream>,
  idle: () => AbortSignal,
  registrars: readonly Uint8Array[],
): Promise<UploadOffer> {
  const first = (await lp.read({ signal: idle() })).subarray()
  if (first.length > MAX_UPLOAD_MESSAGE_BYTES)
    throw new UploadRefusedError('malformed', 'The upload’s first message is too long.')
  let site: unknown
  let value: Uint8Array
  try {
    const offer = parseFrame(first) as { site?: unknown; record?: unknown }
    site = offer.site
    value = fromBase64(String(offer.record))
  } catch (err) {
    throw new UploadRefusedError(
      'malformed',
      'The upload did not start with a site and its record.',
      {
        cause: err,
      },
    )
  }
  let record: SignedRecord
  try {
    record = decodeRecord(value)
    await validateRecord(value, {
      key: await dhtKey(record.body.name),
      now: Date.now(),
      trustedRegistrars: registrars,
    })
  } catch (err) {
    throw new UploadRefusedError(
      'invalid-record',
      'The site’s record is not valid (signature, name or lifetime).',
      { cause: err },
    )
  }
  if (record.body.name !== site || record.body.content === undefined)
    throw new UploadRefusedError(
      'invalid-record',
      `The record is not one of ${String(site)} with content.`,
    )
  const manifestBytes = (await lp.read({ signal: idle() })).subarray()
  let manifest: Manifest
  try {
    manifest = await decodeManifest(manifestBytes, record.body.content)
  } catch (err) {
    throw new UploadRefusedError(
      'bad-content',
      `The manifest sent is not the one the record of ${record.body.name} names.`,
      { cause: err },
    )
  }
  return { record, value, manifest, manifestBytes }
}
