/**
 * The page of the peer end-to-end tests and of the peer benchmark: one real Alternet peer
 * (`createAlternetPeer`, IndexedDB storage, relays from the URL) per browser context, driven
 * from Node through `window.peerHarness`. Only plain data crosses the page boundary; expected
 * failures come back as `{ error: name }` so specs assert on the error's name.
 *
 * URL parameters: `relays=URL,URL` (default: the relay that served the page).
 * @module
 */
// The relay serves this page under the app's CSP: the app's Trusted Types policy lets the
// hashing worker start, as in the app.
import '../../../src/origins/shell/trusted-types.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromMultihash, peerIdFromString } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import { CID } from 'multiformats/cid'
import { generateKeyPair } from '../../../src/core/crypto/ed25519.ts'
import {
  createRecord,
  decodeRecord,
  dhtKey,
  type RecordHost,
  type SignedRecord,
} from '../../../src/core/records/index.ts'
import { createAlternetPeer, type BrowserPeer } from '../../../src/net/index.ts'
import { putRecord, selfHostEntry } from '../../../src/net/naming/index.ts'
import { ROUTE_PROTOCOL, createRouteServer } from '../../../src/net/route/index.ts'
import { fingerprint } from '../../../src/storage/index.ts'
import { deterministicBytes, type FileSpec } from './site-spec.ts'
import { rawChannel } from './raw-channel.ts'

/** What a record host looks like across the page boundary. */
export interface HostJson {
  peerId: string
  addrs: string[]
}

/** A resolved record, as plain data. */
export interface RecordJson {
  name: string
  seq: number
  holder: string
  content?: string
  meta?: Record<string, string>
  hosts: HostJson[]
}

/** An expected failure: the error's stable name. */
export interface Failure {
  error: string
  message: string
}

/** What `fetch` reports about a response. */
export interface FetchReport {
  status: number
  headers: Record<string, string>
  length: number
  sha256: string
  /** The body as text when the response is an error (never for 2xx). */
  text?: string
  /** ms from the call to the response, the first body byte and the last. */
  responseMs: number
  firstByteMs: number
  lastByteMs: number
}

const DEV = { allowPrivateAddresses: true, allowInsecureWebSockets: true }
/** How long `start` waits for the relays' reservations. */
const RESERVATION_TIMEOUT_MS = 30_000
/** Hex digits of each byte value. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

const params = new URLSearchParams(location.search)
const relayUrls = params.get('relays')?.split(',').filter(Boolean) ?? [location.origin]
const statusLine = document.getElementById('status') as HTMLElement

let current: BrowserPeer | undefined
/** The content roots of the sites this page published, by name. */
const roots = new Map<string, { root: CID; chunks: Record<string, string[]> }>()
const dropped: { peer: string; error: string }[] = []
/** The last publication's stages: when (epoch ms) each phase began, and its upload and copies. */
const publishStages: PublishStage[] = []

/** One change of a publication's phase, bytes uploaded or mirrors done, with its time (epoch ms). */
export interface PublishStage {
  at: number
  phase: string
  bytesUploaded?: number
  mirrorsDone?: number
}

function peer(): BrowserPeer {
  if (current === undefined) throw new Error('start() first')
  return current
}

async function sha256(bytes: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return Array.from(digest, (b) => HEX[b]).join('')
}

function failure(error: unknown): Failure {
  const e = error instanceof Error ? error : new Error(String(error))
  return { error: e.name, message: e.message }
}

async function attempt<T>(fn: () => Promise<T>): Promise<T | Failure> {
  try {
    return await fn()
  } catch (error) {
    return failure(error)
  }
}

function hostToJson(host: RecordHost): HostJson {
  return {
    peerId: peerIdFromMultihash(Digest.decode(host.id)).toString(),
    addrs: host.addrs.map((a) => multiaddr(a).toString()),
  }
}

function hostFromJson(host: HostJson): RecordHost {
  return {
    id: peerIdFromString(host.peerId).toMultihash().bytes,
    addrs: host.addrs.map((a) => multiaddr(a).bytes),
  }
}

async function recordToJson(record: SignedRecord): Promise<RecordJson> {
  return {
    name: record.body.name,
    seq: record.body.seq,
    holder: await fingerprint(record.holder),
    content: record.body.content?.toString(),
    meta: record.body.meta,
    hosts: (record.body.hosts ?? []).map(hostToJson),
  }
}

function fileContent(spec: FileSpec): Uint8Array {
  return 'text' in spec
    ? new TextEncoder().encode(spec.text)
    : deterministicBytes(spec.size, spec.seed)
}

const harness = {
  /** Starts the peer (keys from this context's IndexedDB) and waits for `reservations` relay reservations. */
  async start(
    reservations = Math.min(2, relayUrls.length),
  ): Promise<{ peerId: string; owner: string }> {
    current = await createAlternetPeer({
      relays: relayUrls,
      dev: DEV,
      rtcConfiguration: { iceServers: [] },
    })
    current.addEventListener('host-dropped', (e) => {
      const detail = (e as CustomEvent<{ peer: { toString(): string }; error: unknown }>).detail
      dropped.push({ peer: detail.peer.toString(), error: failure(detail.error).error })
    })
    const relays = current.relays
    if (reservations > 0 && relays?.waitFor !== undefined) {
      await relays.waitFor(
        (s) =>
          (s as unknown as { relays: { reserved: boolean }[] }).relays.filter((r) => r.reserved)
            .length >= reservations && s.reachable,
        {
          signal: AbortSignal.timeout(RESERVATION_TIMEOUT_MS),
        },
      )
    }
    statusLine.textContent = `Peer ${current.peerId.toString()}`
    return { peerId: current.peerId.toString(), owner: await harness.owner() }
  },

  /** This device's owner key fingerprint. */
  async owner(): Promise<string> {
    return (await peer().storage.identity.getOrCreateOwnerKey()).fingerprint
  },

  /** The relays this node holds reservations on, and its addresses. */
  relays(): { reserved: string[]; connected: string[]; addresses: string[] } {
    const relays = peer().relays?.status().relays as
      { peerId: string; connected: boolean; reserved: boolean }[] | undefined
    return {
      reserved: (relays ?? []).filter((r) => r.reserved).map((r) => r.peerId),
      connected: (relays ?? []).filter((r) => r.connected).map((r) => r.peerId),
      addresses: peer().libp2p.getMultiaddrs().map(String),
    }
  },

  /** Waits until this node holds a reservation on each of `relays` and on none of `not`. */
  async waitReservations(
    want: { on?: string[]; not?: string[]; count?: number },
    ms = 30_000,
  ): Promise<string[]> {
    const deadline = Date.now() + ms
    for (;;) {
      const { reserved, addresses } = harness.relays()
      const onOk = (want.on ?? []).every(
        (r) => reserved.includes(r) && addresses.some((a) => a.includes(`/p2p/${r}/p2p-circuit`)),
      )
      const notOk = (want.not ?? []).every(
        (r) => !reserved.includes(r) && !addresses.some((a) => a.includes(`/p2p/${r}/`)),
      )
      if (onOk && notOk && reserved.length >= (want.count ?? 0)) return reserved
      if (Date.now() > deadline)
        throw new Error(`reservations ${JSON.stringify(reserved)}, wanted ${JSON.stringify(want)}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  },

  /** Publishes a site from generated files; returns its root, each file's SHA-256 and the record. */
  async publishSite(
    site: string,
    files: FileSpec[],
  ): Promise<
    | {
        root: string
        sha256: Record<string, string>
        accepted: number
        record: RecordJson
        usedWorker: boolean
        ms: number
      }
    | Failure
  > {
    return attempt(async () => {
      const sums: Record<string, string> = {}
      const entries = await Promise.all(
        files.map(async (spec) => {
          const bytes = fileContent(spec)
          sums[spec.path] = await sha256(bytes as BufferSource)
          return { path: spec.path, content: new Blob([bytes as BlobPart]) }
        }),
      )
      const t0 = performance.now()
      publishStages.length = 0
      const result = await peer().publishSite({
        site,
        files: entries,
        onProgress: (p) => {
          const last = publishStages.at(-1)
          if (
            last?.phase !== p.phase ||
            last.mirrorsDone !== p.mirrorsDone ||
            (p.bytesUploaded ?? 0) >= (last.bytesUploaded ?? 0) + 4 * 1024 * 1024
          )
            publishStages.push({
              at: Date.now(),
              phase: p.phase,
              bytesUploaded: p.bytesUploaded,
              mirrorsDone: p.mirrorsDone,
            })
        },
      })
      const chunks: Record<string, string[]> = {}
      for (const [path, entry] of Object.entries(result.manifest.files))
        chunks[path] = entry.chunks.map(String)
      roots.set(result.site, { root: result.root, chunks })
      return {
        root: result.root.toString(),
        sha256: sums,
        accepted: result.accepted,
        record: await recordToJson(result.record),
        usedWorker: result.usedWorker,
        ms: performance.now() - t0,
      }
    })
  },

  /** The last publication's stages (phases, bytes uploaded every 4 MiB, mirrors done), timed. */
  publishStages(): PublishStage[] {
    return [...publishStages]
  },

  /** The chunk CIDs of a file of a site this page published. */
  chunksOf(site: string, path: string): string[] {
    return roots.get(site)?.chunks[path] ?? []
  },

  /** This node as a record host. */
  hostEntry(): HostJson {
    return hostToJson(selfHostEntry(peer().libp2p))
  },

  /**
   * Signs and puts a root record for `name` pointing at the content of `contentOf` (a site this
   * page published), hosted by `hosts` (this node is `'self'`).
   */
  async publishRecord(init: {
    name: string
    contentOf?: string
    content?: string
    hosts: (HostJson | 'self')[]
    meta?: Record<string, string>
  }): Promise<{ accepted: number; record: RecordJson } | Failure> {
    return attempt(async () => {
      const root =
        init.content !== undefined
          ? CID.parse(init.content)
          : init.contentOf !== undefined
            ? roots.get(init.contentOf)?.root
            : undefined
      const hosts = init.hosts.map((h) =>
        h === 'self' ? selfHostEntry(peer().libp2p) : hostFromJson(h),
      )
      const { accepted, record } = await peer().naming.publish({
        type: 'root',
        name: init.name,
        content: root,
        hosts,
        meta: init.meta,
      })
      return { accepted, record: await recordToJson(record) }
    })
  },

  /** Resolves `name` (the naming service: cache, pins, validation). */
  async resolve(
    name: string,
    fresh = false,
  ): Promise<(RecordJson & { fromCache: boolean; ms: number }) | Failure> {
    return attempt(async () => {
      const t0 = performance.now()
      const resolved = await peer().naming.resolve(name, { fresh })
      const ms = performance.now() - t0
      return { ...(await recordToJson(resolved.record)), fromCache: resolved.fromCache, ms }
    })
  },

  /** Fetches an `an://` URL and reads the whole body, hashing it here. */
  async fetch(url: string, headers: Record<string, string> = {}): Promise<FetchReport> {
    const t0 = performance.now()
    const res = await peer().fetch(url, { headers })
    const responseMs = performance.now() - t0
    const parts: Uint8Array[] = []
    let firstByteMs = 0
    let length = 0
    if (res.body !== null) {
      const reader = res.body.getReader()
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        if (parts.length === 0) firstByteMs = performance.now() - t0
        parts.push(r.value)
        length += r.value.length
      }
    }
    const lastByteMs = performance.now() - t0
    const all = new Uint8Array(length)
    let offset = 0
    for (const part of parts) {
      all.set(part, offset)
      offset += part.length
    }
    const report: FetchReport = {
      status: res.status,
      headers: Object.fromEntries(res.headers),
      length,
      sha256: await sha256(all),
      responseMs,
      firstByteMs,
      lastByteMs,
    }
    if (!res.ok && length < 4096) report.text = new TextDecoder().decode(all)
    return report
  },

  /** SHA-256 of generated bytes (what the fetcher should get for a slice). */
  async digestOf(spec: FileSpec, start = 0, end?: number): Promise<string> {
    return sha256(fileContent(spec).subarray(start, end) as BufferSource)
  },

  /** This node's open connections to `peerId`. */
  connectionsTo(peerId: string): { addr: string; limited: boolean; direct: boolean }[] {
    return peer()
      .libp2p.getConnections()
      .filter((c) => c.remotePeer.toString() === peerId && c.status === 'open')
      .map((c) => ({
        addr: c.remoteAddr.toString(),
        limited: c.limits != null,
        direct: c.limits == null && c.remoteAddr.toString().includes('/webrtc'),
      }))
  },

  /** Hosts the fetcher dropped (wrong bytes, failures), in order. */
  dropped(): { peer: string; error: string }[] {
    return [...dropped]
  },

  /** Whether the store holds a block. */
  async hasBlock(cid: string): Promise<boolean> {
    return peer().storage.blocks.hasBlock(CID.parse(cid))
  },

  /** Waits until fetched blocks are kept. */
  async flush(): Promise<void> {
    await peer().flush()
  },

  /** Publishes `name` through the naming service with this device's owner key. */
  async publishName(name: string): Promise<{ accepted: number; seq: number } | Failure> {
    return attempt(async () => {
      const { accepted, record } = await peer().naming.publish({ type: 'root', name })
      return { accepted, seq: record.body.seq }
    })
  },

  /** Puts a record for `name` signed by this owner key straight into the DHT, around the naming service's checks. */
  async putAroundNaming(name: string, seq: number): Promise<number> {
    const owner = await peer().storage.identity.getOrCreateOwnerKey()
    const record = await owner.createRecord({ type: 'root', name, seq })
    const { accepted } = await putRecord(
      peer().libp2p.services.dht,
      await dhtKey(name),
      record.bytes,
      { timeoutMs: 15_000 },
    )
    return accepted
  },

  /** Puts a short-lived record for `name` under a new throwaway key; returns that key's fingerprint. */
  async putThrowaway(
    name: string,
    lifetimeMs: number,
  ): Promise<{ accepted: number; holder: string }> {
    const key = generateKeyPair()
    const record = await createRecord(
      { type: 'root', name, seq: 1, ttl: 1, expires: Date.now() + lifetimeMs },
      key,
    )
    const { accepted } = await putRecord(
      peer().libp2p.services.dht,
      await dhtKey(name),
      record.bytes,
      { timeoutMs: 15_000 },
    )
    return { accepted, holder: await fingerprint(key.publicKey) }
  },

  /** The pinned holder of `name`, if any. */
  async pin(name: string): Promise<{ holder: string; replaced: boolean } | null> {
    const pin = await peer().storage.pins.getPin(name)
    return pin === undefined
      ? null
      : { holder: await fingerprint(pin.holder), replaced: pin.replaced === true }
  },

  /** The cached record of `name`, if any. */
  async cached(name: string): Promise<{ seq: number } | null> {
    const cached = await peer().storage.records.getCachedRecord(name)
    return cached === undefined ? null : { seq: cached.seq }
  },

  /** This device's own record of `name` (kept for republishing), if it publishes it. */
  async ownRecord(name: string): Promise<{ seq: number; addrs: string[] } | null> {
    const site = await peer().storage.sites.getPublishedSite(name)
    if (site === undefined) return null
    const record = decodeRecord(site.record)
    return {
      seq: record.body.seq,
      addrs: (record.body.hosts ?? []).flatMap((h) => h.addrs.map((a) => multiaddr(a).toString())),
    }
  },

  /** The owner key file under `passphrase`, as bytes. */
  async exportKey(passphrase: string): Promise<number[]> {
    return Array.from(await peer().storage.identity.exportOwnerKey(passphrase))
  },

  /** Imports an owner key file; returns the new owner fingerprint. */
  async importKey(file: number[], passphrase: string): Promise<{ owner: string } | Failure> {
    return attempt(async () => ({
      owner: (await peer().storage.identity.importOwnerKey(Uint8Array.from(file), passphrase))
        .fingerprint,
    }))
  },

  /**
   * Turns this node into a hostile host: its route server is replaced by a real one over the
   * same store that answers every chunk of `paths` (of `site`, published here) with altered
   * bytes. Returns the CIDs it lies about.
   */
  async serveTampered(site: string, paths: string[], sites: string[]): Promise<string[]> {
    const p = peer()
    const own = roots.get(site)
    if (own === undefined) throw new Error(`${site} was not published here`)
    const lies = new Set(paths.flatMap((path) => own.chunks[path] ?? []))
    if (lies.size === 0) throw new Error(`no chunks for ${paths.join()}`)
    await p.libp2p.unhandle(ROUTE_PROTOCOL)
    const server = createRouteServer({
      runOnLimitedConnection: true,
      sites: () => sites.map((name) => ({ site: name, root: own.root })),
      getBlock: async (cid) => {
        const bytes = await p.storage.blocks.getBlock(cid)
        if (bytes === undefined || !lies.has(cid.toString())) return bytes
        const altered = bytes.slice()
        altered[altered.length >> 1] ^= 0xff
        return altered
      },
    })
    await server.start(p.libp2p)
    return [...lies]
  },

  /** Stops the peer. */
  async stop(): Promise<void> {
    await current?.stop()
    current = undefined
  },

  /** A raw RTCDataChannel to another page of the same browser, for the benchmark's ceiling. */
  raw: rawChannel,
}

/** The harness API (specs import this type only). */
export type PeerHarness = typeof harness

;(globalThis as unknown as { peerHarness: PeerHarness }).peerHarness = harness
statusLine.textContent = 'Ready'
