/**
 * Publishing a site through a relay's registrar API (`alternet publish --api URL`): the folder
 * is hashed as a normal publish hashes it (`hashSite`), the record is signed with the owner key
 * under the same `seq` rule (above the last one stored and above any pre-signed one) and kept as
 * this device's last record, so the next normal publish climbs above it; the record, the
 * manifest and the blocks go to `POST /api/v1/sites/SITE/publish` as a CAR, streamed as it is
 * written, the blocks read back one by one from a scratch folder (relay-node/README.md,
 * "registrar API"). No peer is started: the relay mirrors the site and puts the record to the
 * DHT.
 * @module
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import { equals } from '../../core/bytes.ts'
import { isSubdomain, parseSiteName } from '../../core/names/index.ts'
import type { SignedRecord } from '../../core/records/index.ts'
import { hashSite, prepareFiles, type HashedSite, type PathFile } from '../../net/hosting/index.ts'
import { RelayDocumentError } from '../../net/node/errors.ts'
import { ApiPublishRefusedError, ApiTokenRefusedError } from '../cli/errors.ts'
import { openNodeStorage } from '../storage/index.ts'
import { siteCar, type CarBlock } from './site-car.ts'

/** Path of the publish endpoint under a relay's base URL. */
const PUBLISH_PATH = 'api/v1/sites/'

/** What `publishThroughApi` is asked to do. */
export interface ApiPublishInit {
  /** The data directory holding the owner key and the records published from here. */
  dataDir: string
  keyPassphrase?: string
  /** The site name, e.g. `mysite:code`. */
  site: string
  files: PathFile[]
  /** The relay's base URL (`https://relay.example`). */
  api: string
  /** The bearer token of the relay's API. */
  token: string
}

/** What the relay stored. */
export interface ApiPublished {
  site: string
  record: SignedRecord
  root: string
  files: number
  bytes: number
  /** Blocks the relay holds for the site (manifest included), and how many it took from the upload. */
  blocks: number
  received: number
}

/** Publishes through the API. Throws `ApiTokenRefusedError`, `ApiPublishRefusedError`, `RelayDocumentError`. */
export async function publishThroughApi(init: ApiPublishInit): Promise<ApiPublished> {
  const site = parseSiteName(init.site).site
  const prepared = prepareFiles(init.files)
  // The blocks wait in a scratch folder, one file each, so a large site is never all in memory.
  const scratch = await mkdtemp(join(tmpdir(), 'alternet-api-'))
  try {
    const blocks: CID[] = []
    const hashed = await hashSite(prepared, {
      worker: false,
      onBatch: async (batch) => {
        for (const block of batch) {
          await writeFile(join(scratch, String(blocks.length)), block.bytes)
          blocks.push(block.cid)
        }
      },
    })
    async function* stored(): AsyncGenerator<CarBlock> {
      for (const [i, cid] of blocks.entries())
        yield { cid, bytes: await readFile(join(scratch, String(i))) }
    }
    return await signAndSend(init, site, prepared.length, hashed, stored())
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

/** Signs the record for `hashed` with the owner key, sends it with its blocks, keeps it. */
async function signAndSend(
  init: ApiPublishInit,
  site: string,
  files: number,
  hashed: HashedSite,
  blocks: AsyncIterable<CarBlock>,
): Promise<ApiPublished> {
  const bytes = Object.values(hashed.manifest.files).reduce((n, f) => n + f.size, 0)
  const storage = await openNodeStorage({
    dir: init.dataDir,
    ...(init.keyPassphrase === undefined ? {} : { keyPassphrase: init.keyPassphrase }),
  })
  try {
    const owner = await storage.identity.getOrCreateOwnerKey()
    const stored = await storage.sites.getPublishedSite(site)
    const ownSeq = stored !== undefined && equals(stored.owner, owner.publicKey) ? stored.seq : 0
    const now = Date.now()
    const record = await owner.createRecord({
      type: isSubdomain(site) ? 'A' : 'root',
      name: site,
      seq: Math.max(ownSeq, stored?.presignedSeq ?? 0) + 1,
      content: hashed.cid,
      created: now,
    })
    const body = siteCar(record.bytes, { cid: hashed.cid, bytes: hashed.bytes }, blocks)
    const url = new URL(PUBLISH_PATH + site + '/publish', init.api.replace(/\/*$/, '/'))
    let response: Response
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${init.token}`,
          'content-type': 'application/vnd.ipld.car',
        },
        // Node's fetch streams an async iterable body.
        body: body as unknown as BodyInit,
        duplex: 'half',
      } as RequestInit)
    } catch (cause) {
      throw new RelayDocumentError(`${url.origin} did not answer.`, { cause })
    }
    const reply = (await response.json().catch(() => ({}))) as Record<string, unknown>
    if (response.status === 401) throw new ApiTokenRefusedError(`${url.origin} answered 401.`)
    if (!response.ok)
      throw new ApiPublishRefusedError(
        `${String(reply.message ?? response.statusText)} (${String(reply.error ?? response.status)})`,
      )
    await storage.sites.putPublishedSite(record.bytes, { publishedAt: now, hosted: false })
    return {
      site,
      record,
      root: hashed.cid.toString(),
      files,
      bytes,
      blocks: Number(reply.blocks),
      received: Number(reply.received),
    }
  } finally {
    storage.close()
    await storage.closed()
  }
}
