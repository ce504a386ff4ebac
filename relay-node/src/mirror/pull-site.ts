/**
 * Getting a site's bytes onto this relay: the manifest and every block, from the record's
 * hosts and from the other mirrors (provider records of the content root), several blocks at
 * once spread over the sources, each verified against its CID before it is written. A source
 * that sends a wrong byte, breaks the protocol or cannot be reached is dropped for the rest of
 * the pull; one that answers a status (busy, not held) stays for other blocks. Blocks already
 * on disk (another site's, or a pull cut short by a restart) are not fetched again.
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { chunkLength, decodeManifest, type Manifest } from '@alternet/core/content'
import type { RecordHost } from '@alternet/core/records'
import { createRouteClient, RouteStatusError } from '@alternet/net/route'
import type { RelayNode } from '../node.ts'
import type { BlockFiles } from './block-files.ts'
import {
  MIRROR_BLOCK_TIMEOUT_MS,
  MIRROR_FETCH_CONCURRENCY,
  MIRROR_PROVIDER_LOOKUP_MS,
} from './constants.ts'
import { MirrorRefusedError } from './errors.ts'

/** A block of the site: its CID and the size the manifest gives it. */
export interface WantedBlock {
  cid: CID
  size: number
}

/** What `pullSite` is asked to do. */
export interface PullInit {
  node: RelayNode
  blocks: BlockFiles
  site: string
  root: CID
  /** The record's hosts. */
  hosts: readonly RecordHost[]
  /**
   * Other relays likely to hold the site (the other placed mirrors in this relay's view), asked
   * beside the hosts from the start, before the DHT names the providers of the root.
   */
  mirrors?: readonly PeerId[]
  signal: AbortSignal
  /**
   * Aborted when every block is on disk by another path (an upload of the same root): fetches
   * under way stop, and the blocks they were for are taken from the disk.
   */
  supplied?: AbortSignal
  /** Before each block: resolves when the pull may fetch it (an upload of the root holds it). */
  gate?(): Promise<void> | undefined
  /**
   * Called with the manifest and the blocks not yet on disk, before any is fetched: throws
   * `MirrorRefusedError` to refuse the site (quota, room, policy).
   */
  admit(manifest: Manifest, missing: readonly WantedBlock[]): Promise<void>
  /**
   * A block of this pull is on disk, written by it or found written meanwhile (released again
   * if the pull fails, unless a complete site uses it).
   */
  onWritten?(cid: CID): void
  /** Blocks done so far, of all. */
  onProgress?(done: number, total: number): void
  /** A source was dropped (wrong bytes, broken protocol, unreachable). */
  onDropped?(peer: PeerId, error: unknown): void
}

/**
 * What a finished pull stored: every block of the root, the manifest first, and their bytes.
 * The blocks are on disk but not flushed: `BlockFiles.sync` them before recording the site.
 */
export interface PulledSite {
  blocks: string[]
  bytes: number
}

/** The record's hosts as peers with their addresses, this relay left out. */
export function hostPeers(
  node: RelayNode,
  hosts: readonly RecordHost[],
): Array<{ peer: PeerId; addrs: Multiaddr[] }> {
  const out: Array<{ peer: PeerId; addrs: Multiaddr[] }> = []
  for (const host of hosts) {
    try {
      const peer = peerIdFromMultihash(Digest.decode(host.id))
      if (peer.equals(node.peerId)) continue
      const addrs: Multiaddr[] = []
      for (const bytes of host.addrs) {
        try {
          addrs.push(multiaddr(bytes))
        } catch {
          // An address this build cannot read.
        }
      }
      out.push({ peer, addrs })
    } catch {
      // A host entry that is not a peer ID.
    }
  }
  return out
}

/** Other relays that announced they provide `root` (the mirrors that hold it). */
export async function providersOf(
  node: RelayNode,
  root: CID,
  signal: AbortSignal,
): Promise<PeerId[]> {
  const found = new Map<string, PeerId>()
  const lookup = AbortSignal.any([signal, AbortSignal.timeout(MIRROR_PROVIDER_LOOKUP_MS)])
  try {
    for await (const event of node.services.dht.findProviders(root, { signal: lookup })) {
      if (event.name !== 'PROVIDER') continue
      for (const p of event.providers) {
        if (p.id.equals(node.peerId) || found.has(p.id.toString())) continue
        if (p.multiaddrs.length > 0)
          await node.peerStore.merge(p.id, { multiaddrs: p.multiaddrs }).catch(() => undefined)
        found.set(p.id.toString(), p.id)
      }
    }
  } catch {
    // Timed out or nobody provides it: what was found so far.
  }
  return [...found.values()]
}

/** Every block of `manifest` (the manifest itself excluded), each once, with its size. */
export function blocksOf(manifest: Manifest): WantedBlock[] {
  const seen = new Map<string, WantedBlock>()
  for (const entry of Object.values(manifest.files)) {
    entry.chunks.forEach((cid, i) => {
      if (!seen.has(cid.toString()))
        seen.set(cid.toString(), { cid, size: chunkLength(entry.size, i) })
    })
  }
  return [...seen.values()]
}

/**
 * Pulls the site's manifest and blocks onto disk. Throws `MirrorRefusedError` (`admit`'s, or
 * `unreachable` when no source gives a block, `disk-full` when the disk is full) or the
 * signal's reason.
 */
export async function pullSite(init: PullInit): Promise<PulledSite> {
  const { node, blocks, root, signal } = init
  const supplied = init.supplied ?? new AbortController().signal
  const client = createRouteClient(node, { responseTimeout: MIRROR_BLOCK_TIMEOUT_MS })
  const hosts = hostPeers(node, init.hosts)
  for (const { peer, addrs } of hosts)
    if (addrs.length > 0)
      await node.peerStore.merge(peer, { multiaddrs: addrs }).catch(() => undefined)
  // The other mirrors first: a host that left (the usual case when a mirror is replaced) may
  // take a dial's whole timeout to fail, a mirror that lacks the site says so at once.
  const sources: PeerId[] = (init.mirrors ?? []).filter((p) => !p.equals(node.peerId))
  for (const { peer } of hosts) if (!sources.some((s) => s.equals(peer))) sources.push(peer)
  // Other mirrors join the sources as the DHT names them; the hosts are asked meanwhile.
  const providers = providersOf(node, root, signal).then((found) => {
    for (const p of found) if (!sources.some((s) => s.equals(p))) sources.push(p)
  })
  const dropped = new Set<string>()

  const fetchBlock = async (cid: CID, first: number): Promise<Uint8Array> => {
    try {
      return await fetchFrom(cid, first)
    } catch (err) {
      // Every source known so far failed: wait for the other mirrors the DHT names, once.
      if (!(err instanceof MirrorRefusedError)) throw err
      await providers
      return fetchFrom(cid, first)
    }
  }

  /** The block from the sources, or from the disk once an upload supplied every block. */
  const obtain = async (cid: CID, size: number, first: number): Promise<Uint8Array | undefined> => {
    try {
      return await fetchBlock(cid, first)
    } catch (err) {
      if (supplied.aborted && (await blocks.size(cid)) === size) return undefined
      throw err
    }
  }

  // Sources that gave a block are asked first: a source that left (a killed mirror still named
  // by its provider record) then costs a dial's timeout only to blocks no other source gave.
  const served = new Set<string>()
  const fetchFrom = async (cid: CID, first: number): Promise<Uint8Array> => {
    const errors: unknown[] = []
    const order = sources
      .map((_, i) => sources[(first + i) % sources.length])
      .sort((a, b) => Number(served.has(b.toString())) - Number(served.has(a.toString())))
    for (const peer of order) {
      if (dropped.has(peer.toString())) continue
      try {
        const bytes = await client.getBlock(peer, cid, {
          signal: AbortSignal.any([signal, supplied, AbortSignal.timeout(MIRROR_BLOCK_TIMEOUT_MS)]),
        })
        served.add(peer.toString())
        return bytes
      } catch (err) {
        signal.throwIfAborted()
        supplied.throwIfAborted()
        errors.push(err)
        if (!(err instanceof RouteStatusError)) {
          dropped.add(peer.toString())
          init.onDropped?.(peer, err)
        }
      }
    }
    throw new MirrorRefusedError(
      'unreachable',
      `No host or mirror of ${init.site} gave block ${cid} (${sources.length} asked).`,
      { cause: new AggregateError(errors) },
    )
  }

  // Not flushed one by one: the caller flushes every block at once before it records the site
  // complete (a file is renamed into place only once whole, so a killed relay never finds a
  // torn block; only a crash of the machine could, and then the site was not yet complete).
  const write = async (cid: CID, bytes: Uint8Array): Promise<void> => {
    try {
      await blocks.put(cid, bytes, { sync: false })
      init.onWritten?.(cid)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC')
        throw new MirrorRefusedError('disk-full', `The disk of this relay is full.`, { cause: err })
      throw err
    }
  }

  let manifestBytes = await blocks.get(root)
  if (manifestBytes === undefined) {
    try {
      manifestBytes = await fetchBlock(root, 0)
    } catch (err) {
      // Supplied meanwhile: the upload wrote the manifest first.
      manifestBytes = supplied.aborted ? await blocks.get(root) : undefined
      if (manifestBytes === undefined) throw err
    }
  }
  let manifest: Manifest
  try {
    manifest = await decodeManifest(manifestBytes, root)
  } catch (err) {
    throw new MirrorRefusedError('bad-content', `The manifest of ${init.site} is not valid.`, {
      cause: err,
    })
  }
  const wanted = blocksOf(manifest)
  const missing: WantedBlock[] = []
  for (const block of wanted) if ((await blocks.size(block.cid)) !== block.size) missing.push(block)
  await init.admit(manifest, missing)
  await write(root, manifestBytes)

  let done = wanted.length - missing.length + 1
  init.onProgress?.(done, wanted.length + 1)
  let next = 0
  // One failed block stops the other workers too: the pull is refused as a whole.
  const stop = new AbortController()
  const worker = async (): Promise<void> => {
    while (next < missing.length) {
      signal.throwIfAborted()
      stop.signal.throwIfAborted()
      const index = next++
      const { cid, size } = missing[index]
      await init.gate?.()
      // Written meanwhile (an upload of the same site, another site's pull): not fetched again.
      if ((await blocks.size(cid)) === size) init.onWritten?.(cid)
      else {
        const bytes = await obtain(cid, size, index)
        if (bytes === undefined) init.onWritten?.(cid)
        else await write(cid, bytes)
      }
      done++
      init.onProgress?.(done, wanted.length + 1)
    }
  }
  const workers = Array.from({ length: Math.min(MIRROR_FETCH_CONCURRENCY, missing.length) }, () =>
    worker().catch((err: unknown) => {
      stop.abort(err)
      throw err
    }),
  )
  const results = await Promise.allSettled(workers)
  const failed = results.find((r) => r.status === 'rejected')
  if (failed !== undefined) throw signal.aborted ? signal.reason : stop.signal.reason
  return {
    blocks: [root.toString(), ...wanted.map((b) => b.cid.toString())],
    bytes: manifestBytes.length + wanted.reduce((n, b) => n + b.size, 0),
  }
}
