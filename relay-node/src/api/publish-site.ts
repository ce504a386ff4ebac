/**
 * Publishing through the API: the body is a CAR v1 (`application/vnd.ipld.car`, read with
 * `@ipld/car` as it streams in) whose root is the owner-signed record envelope (a dag-cbor
 * block) and whose blocks are, in this order, the record, the site manifest (the record's
 * `content`), then every block the manifest lists, in any order. The record must pass the
 * relay's record policy exactly as a DHT put would (signature, expiry, registration, no
 * rollback, no hijack) before any block is written; the manifest is checked against the
 * record; room is reserved from the mirror's quotas; each block is verified against its CID
 * before it is written; a block the manifest does not list is refused. Once every block is on
 * disk the site is mirrored here (pinned), then the record is stored and put to the DHT.
 * @module
 */
import { CarBlockIterator } from '@ipld/car/iterator'
import { Libp2pRecord } from '@libp2p/record'
import { Key } from 'interface-datastore'
import { base32 } from 'multiformats/bases/base32'
import type { CID } from 'multiformats/cid'
import { decodeManifest, verifyBlock, type Manifest } from '@alternet/core/content'
import { parseSiteName } from '@alternet/core/names'
import { decodeRecord, dhtKey, type SignedRecord } from '@alternet/core/records'
import { DHT_RECORD_PREFIX } from '../constants.ts'
import { RecordRefusedError } from '../errors.ts'
import type { Mirror } from '../mirror/index.ts'
import { blocksOf, type WantedBlock } from '../mirror/pull-site.ts'
import { MirrorRefusedError } from '../mirror/errors.ts'
import type { GuardedDatastore, RecordPolicy } from '../record-store.ts'
import { ApiRequestError } from './errors.ts'

/** What publishing uses of the relay. */
export interface PublishContext {
  policy: Pick<RecordPolicy, 'checkPut'>
  store: Pick<GuardedDatastore, 'peekRecord' | 'put'>
  mirror: Pick<Mirror, 'blockFiles' | 'reserveUpload' | 'abandonUpload' | 'adopt'>
  /** A site's record was stored here (what is remembered of the site is stale). */
  published?(site: string): void
  /** Puts the record to the DHT peers closest to its key (in the background). */
  spread(key: Uint8Array, value: Uint8Array): void
}

/** What a publish stored. */
export interface Published {
  site: string
  seq: number
  root: string
  blocks: number
  /** Blocks sent in the upload (the rest were on disk already). */
  received: number
}

/** Largest number of missing blocks named in a `missing-blocks` answer. */
const MAX_LISTED_MISSING = 100

function recordKey(key: Uint8Array): Key {
  return new Key(DHT_RECORD_PREFIX + base32.baseEncode(key), false)
}

function bad(code: string, message: string, details?: Record<string, unknown>): never {
  throw new ApiRequestError(400, code, message, details)
}

/** Reads the CAR `body` for `site` and publishes it; throws `ApiRequestError`. */
export async function publishSite(
  siteInput: string,
  body: AsyncIterable<Uint8Array>,
  ctx: PublishContext,
): Promise<Published> {
  let site: string
  try {
    site = parseSiteName(siteInput).site
  } catch (err) {
    return bad('bad-name', (err as Error).message)
  }
  let car: CarBlockIterator
  try {
    car = await CarBlockIterator.fromIterable(body)
  } catch (err) {
    if (err instanceof ApiRequestError) throw err
    return bad('bad-car', `The body is not a CAR v1 file: ${(err as Error).message}`)
  }
  const roots = await car.getRoots()
  if (roots.length !== 1) bad('bad-car', 'The CAR must have exactly one root: the signed record.')
  const blocks = car[Symbol.asyncIterator]()
  const next = async (): Promise<{ cid: CID; bytes: Uint8Array } | undefined> => {
    try {
      const step = await blocks.next()
      return step.done === true ? undefined : step.value
    } catch (err) {
      if (err instanceof ApiRequestError) throw err
      return bad('bad-car', `The CAR is cut short or damaged: ${(err as Error).message}`)
    }
  }
  const verified = async (block: { cid: CID; bytes: Uint8Array }): Promise<void> => {
    try {
      await verifyBlock(block.cid, block.bytes)
    } catch (err) {
      bad('bad-block', `Block ${block.cid} does not match its CID: ${(err as Error).message}`)
    }
  }

  // 1. The record, checked as a DHT put would be.
  const first = await next()
  if (first === undefined || !first.cid.equals(roots[0]))
    bad('bad-car', "The CAR's first block must be its root, the signed record.")
  await verified(first)
  let record: SignedRecord
  try {
    record = decodeRecord(first.bytes)
  } catch (err) {
    return bad('bad-record', `The root block is not a record: ${(err as Error).message}`)
  }
  if (record.body.name !== site)
    bad('wrong-site', `The record is for ${record.body.name}, not ${site}.`)
  const content = record.body.content
  if (content === undefined) bad('no-content', 'The record names no content root to publish.')
  const key = await dhtKey(site)
  try {
    await ctx.policy.checkPut(key, first.bytes, await ctx.store.peekRecord(recordKey(key)))
  } catch (err) {
    if (err instanceof RecordRefusedError)
      throw new ApiRequestError(
        err.reason === 'hijack' || err.reason === 'rollback' ? 409 : 422,
        'record-refused',
        `The relay refuses this record: ${err.message}`,
        { reason: err.reason },
      )
    throw err
  }

  // 2. The manifest, checked against the record.
  const second = await next()
  if (second === undefined || !second.cid.equals(content))
    bad('bad-car', "The CAR's second block must be the manifest the record names.")
  let manifest: Manifest
  try {
    manifest = await decodeManifest(second.bytes, content)
  } catch (err) {
    return bad('bad-manifest', `The manifest is not valid: ${(err as Error).message}`)
  }
  const files = ctx.mirror.blockFiles
  const wanted = new Map<string, WantedBlock>()
  for (const block of blocksOf(manifest)) wanted.set(block.cid.toString(), block)
  const missing: WantedBlock[] = []
  for (const block of wanted.values())
    if ((await files.size(block.cid)) !== block.size) missing.push(block)

  // 3. Room, then the blocks, each verified before it is written.
  let release: () => void
  try {
    release = await ctx.mirror.reserveUpload(site, record, missing)
  } catch (err) {
    if (err instanceof MirrorRefusedError)
      throw new ApiRequestError(
        err.reason === 'owner-quota' || err.reason === 'store-full' ? 507 : 422,
        err.reason,
        err.message,
      )
    throw err
  }
  const written: string[] = []
  let received = 0
  try {
    await files.put(content, second.bytes)
    written.push(content.toString())
    for (let block = await next(); block !== undefined; block = await next()) {
      const id = block.cid.toString()
      if (!wanted.has(id)) bad('unexpected-block', `Block ${id} is not listed in the manifest.`)
      await verified(block)
      if (block.bytes.length !== wanted.get(id)!.size)
        bad(
          'bad-block',
          `Block ${id} has ${block.bytes.length} bytes; the manifest says ${wanted.get(id)!.size}.`,
        )
      await files.put(block.cid, block.bytes)
      written.push(id)
      received++
    }
    const absent: string[] = []
    for (const block of wanted.values())
      if ((await files.size(block.cid)) !== block.size) absent.push(block.cid.toString())
    if (absent.length > 0)
      bad('missing-blocks', `${absent.length} blocks of the manifest were not sent.`, {
        missing: absent.slice(0, MAX_LISTED_MISSING),
      })
    await ctx.mirror.adopt(site, record, first.bytes, [content.toString(), ...wanted.keys()])
  } catch (err) {
    await ctx.mirror.abandonUpload(site, written).catch(() => undefined)
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC')
      throw new ApiRequestError(507, 'disk-full', 'The disk of this relay is full.')
    throw err
  } finally {
    release()
  }

  // 4. The record: stored here (through the guard, which checks it again), then put to the DHT.
  try {
    await ctx.store.put(recordKey(key), new Libp2pRecord(key, first.bytes, new Date()).serialize())
  } catch (err) {
    if (err instanceof RecordRefusedError)
      throw new ApiRequestError(
        409,
        'record-refused',
        `The relay refuses this record: ${err.message}`,
        {
          reason: err.reason,
        },
      )
    throw err
  }
  ctx.published?.(site)
  ctx.spread(key, first.bytes)
  return { site, seq: record.body.seq, root: content.toString(), blocks: wanted.size + 1, received }
}
