/**
 * What the Node specs of hosting and fetching share: a block store in memory with the
 * contract of `src/storage`'s `BlockStore` (every block verified, per-site references, atomic
 * `putSite`, blocks deleted when no site uses them), a name table of real signed records
 * validated on every resolve, and libp2p nodes over TCP on loopback.
 * @module
 */
import { CID } from 'multiformats/cid'
import { chunkLength, decodeManifest, verifyBlock } from '../../src/core/content/index.ts'
import { concat } from '../../src/core/bytes.ts'
import { generateKeyPair, type Ed25519KeyPair } from '../../src/core/crypto/ed25519.ts'
import { parseSiteName } from '../../src/core/names/index.ts'
import {
  createRecord,
  validateRecord,
  type RecordFields,
  type SignedRecord,
} from '../../src/core/records/index.ts'
import type { ContentStore } from '../../src/net/hosting/index.ts'
import type {
  HostedSite,
  KeepAlive,
  PublishedSite,
  PublishedSites,
  PutPublishedSiteOptions,
} from '../../src/storage/index.ts'

/** A `ContentStore` in memory, with `BlockStore`'s contract; `tampered` CIDs are returned with one byte flipped. */
export class MemoryStore implements ContentStore {
  readonly blocks = new Map<string, Uint8Array>()
  readonly refs = new Map<string, Set<string>>()
  readonly hosted = new Map<string, HostedSite>()
  readonly tampered = new Set<string>()
  puts = 0

  async hasBlock(cid: CID): Promise<boolean> {
    return this.blocks.has(cid.toString())
  }

  async getBlock(cid: CID): Promise<Uint8Array | undefined> {
    const bytes = this.blocks.get(cid.toString())
    if (bytes === undefined || !this.tampered.has(cid.toString())) return bytes
    const copy = bytes.slice()
    copy[copy.length >> 1] ^= 0x01
    return copy
  }

  async getBlocks(cids: readonly CID[]): Promise<(Uint8Array | undefined)[]> {
    return Promise.all(cids.map((cid) => this.getBlock(cid)))
  }

  readBlocks(cids: readonly CID[]): Promise<Uint8Array | undefined>[] {
    return cids.map((cid) => this.getBlock(cid))
  }

  async hasBlocks(cids: readonly CID[]): Promise<boolean> {
    return cids.every((cid) => this.blocks.has(cid.toString()))
  }

  async putBlocks(
    site: string,
    blocks: Iterable<{ cid: CID; bytes: Uint8Array }>,
    options: { verified?: boolean } = {},
  ): Promise<void> {
    const key = parseSiteName(site).site
    const list = [...blocks]
    if (options.verified !== true) for (const { cid, bytes } of list) await verifyBlock(cid, bytes)
    this.puts++
    const refs = this.refs.get(key) ?? new Set()
    for (const { cid, bytes } of list) {
      this.blocks.set(cid.toString(), bytes.slice())
      refs.add(cid.toString())
    }
    this.refs.set(key, refs)
  }

  async putSite(
    site: string,
    root: CID,
    blocks: Iterable<{ cid: CID; bytes: Uint8Array }> = [],
  ): Promise<HostedSite> {
    const key = parseSiteName(site).site
    const given = [...blocks]
    for (const { cid, bytes } of given) await verifyBlock(cid, bytes)
    const byCid = new Map(given.map((b) => [b.cid.toString(), b.bytes]))
    const manifestBytes = byCid.get(root.toString()) ?? this.blocks.get(root.toString())
    if (manifestBytes === undefined) throw new Error('IncompleteSiteError: no manifest')
    const manifest = await decodeManifest(manifestBytes, root)
    const wanted = new Map<string, number>([[root.toString(), manifestBytes.length]])
    for (const entry of Object.values(manifest.files))
      entry.chunks.forEach((cid, i) => wanted.set(cid.toString(), chunkLength(entry.size, i)))
    for (const cid of wanted.keys())
      if (!byCid.has(cid) && !this.blocks.has(cid)) throw new Error(`IncompleteSiteError: ${cid}`)
    for (const [cid, bytes] of byCid) this.blocks.set(cid, bytes.slice())
    const previous = this.refs.get(key) ?? new Set()
    this.refs.set(key, new Set(wanted.keys()))
    this.collect(previous)
    const row: HostedSite = {
      site: key,
      root,
      blocks: wanted.size,
      bytes: [...wanted.values()].reduce((a, b) => a + b, 0),
      storedAt: Date.now(),
    }
    this.hosted.set(key, row)
    return row
  }

  async getHostedSite(site: string): Promise<HostedSite | undefined> {
    return this.hosted.get(parseSiteName(site).site)
  }

  async listHostedSites(): Promise<HostedSite[]> {
    return [...this.hosted.values()]
  }

  async siteBlocks(site: string): Promise<CID[]> {
    return [...(this.refs.get(parseSiteName(site).site) ?? [])].map((c) => CID.parse(c))
  }

  async deleteSite(site: string): Promise<{ blocks: number; bytes: number }> {
    const key = parseSiteName(site).site
    const previous = this.refs.get(key) ?? new Set()
    this.refs.delete(key)
    this.hosted.delete(key)
    return this.collect(previous)
  }

  private collect(cids: Set<string>): { blocks: number; bytes: number } {
    const freed = { blocks: 0, bytes: 0 }
    for (const cid of cids) {
      if ([...this.refs.values()].some((refs) => refs.has(cid))) continue
      freed.blocks++
      freed.bytes += this.blocks.get(cid)?.length ?? 0
      this.blocks.delete(cid)
    }
    return freed
  }
}

/**
 * A name table: records signed with real owner keys, validated (signature, expiry, name) on
 * every resolve, the highest `seq` kept; stands where the DHT is in the browser.
 */
export class NameTable {
  readonly records = new Map<string, Uint8Array>()

  async resolve(site: string): Promise<{ site: string; record: SignedRecord }> {
    const key = parseSiteName(site).site
    const bytes = this.records.get(key)
    if (bytes === undefined) {
      const error = new Error(`No record for ${key}.`)
      error.name = 'NameNotFoundError'
      throw error
    }
    return { site: key, record: await validateRecord(bytes) }
  }

  /** A publisher's `publish` with `owner`: signs, stores, reports one acceptance. */
  publisher(
    owner: Ed25519KeyPair = generateKeyPair(),
  ): (fields: RecordFields) => Promise<{ record: SignedRecord; accepted: number }> {
    return async (fields) => {
      const record = await createRecord(fields, owner)
      const previous = this.records.get(record.body.name)
      if (previous !== undefined && (await validateRecord(previous)).body.seq >= record.body.seq)
        throw new Error('seq must grow')
      this.records.set(record.body.name, record.bytes)
      return { record, accepted: 1 }
    }
  }
}

/** The published-sites area in memory: the last record of each site, with `PublishedSites`'s contract. */
export class MemorySites implements PublishedSites {
  readonly rows = new Map<string, PublishedSite>()

  async getPublishedSite(site: string): Promise<PublishedSite | undefined> {
    return this.rows.get(parseSiteName(site).site)
  }

  async listPublishedSites(): Promise<PublishedSite[]> {
    return [...this.rows.values()]
  }

  async markRepublished(site: string, at = Date.now()): Promise<void> {
    const row = this.rows.get(parseSiteName(site).site)
    if (row !== undefined) row.publishedAt = at
  }

  async setHosted(site: string, hosted: boolean): Promise<void> {
    const row = this.rows.get(parseSiteName(site).site)
    if (row !== undefined) row.hosted = hosted
  }

  async setKeepAlive(
    site: string,
    change: { presignedSeq?: number; keepAlive?: KeepAlive },
  ): Promise<void> {
    const row = this.rows.get(parseSiteName(site).site)
    if (row === undefined) return
    if (change.presignedSeq !== undefined)
      row.presignedSeq = Math.max(row.presignedSeq ?? 0, change.presignedSeq)
    if (change.keepAlive !== undefined) row.keepAlive = change.keepAlive
  }

  async deletePublishedSite(site: string): Promise<void> {
    this.rows.delete(parseSiteName(site).site)
  }

  async putPublishedSite(
    bytes: Uint8Array,
    options: PutPublishedSiteOptions = {},
  ): Promise<PublishedSite> {
    const { body } = await validateRecord(bytes)
    const parsed = parseSiteName(body.name)
    const row: PublishedSite = {
      site: parsed.site,
      name: parsed.name,
      topic: parsed.topic,
      owner: body.owner,
      seq: body.seq,
      record: bytes,
      publishedAt: options.publishedAt ?? Date.now(),
      hosted: options.hosted ?? this.rows.get(parsed.site)?.hosted ?? true,
    }
    if (body.content !== undefined) row.root = body.content
    const previous = this.rows.get(parsed.site)
    if (previous?.presignedSeq !== undefined) row.presignedSeq = previous.presignedSeq
    if (previous?.keepAlive !== undefined) row.keepAlive = previous.keepAlive
    this.rows.set(parsed.site, row)
    return row
  }
}

export { tcpNode } from './loopback-node.ts'
export { bounded } from '../support/bounded.ts'

/** Every byte of a stream (or of a Response's body). */
export async function bytesOf(body: ReadableStream<Uint8Array> | null): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0)
  const parts: Uint8Array[] = []
  const reader = body.getReader()
  for (let part = await reader.read(); !part.done; part = await reader.read())
    parts.push(part.value)
  return concat(parts)
}

/** Byte `i` is `(i + seed) mod 251`: no two chunks alike. */
export function pattern(size: number, seed = 0): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (i + seed) % 251
  return out
}
