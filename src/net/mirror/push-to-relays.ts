/**
 * Publishing pushes the site to one connected relay that takes uploads
 * (`/an/mirror-upload/1.0.0`): the one closest to the site's DHT key, which is one of its placed
 * mirrors whenever any connected relay is. That relay hands the site on to the other placed
 * relays at once (relay to relay, faster than a tab), so the tab sends each byte once. A relay
 * that refuses (full, policy, busy) or fails is left for the next closest; the bytes sent are
 * added up for the progress bar. The mirrors also copy among themselves and from this tab.
 * @module
 */
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { sha256Digest } from '../../core/crypto/sha256.ts'
import { dhtKey, type SignedRecord } from '../../core/records/index.ts'
import { MIRROR_UPLOAD_PROTOCOL } from './constants.ts'
import { uploadSite, type UploadResult } from './upload-site.ts'

/** One relay's upload: its result, or the error that ended it. */
export interface RelayUpload {
  peer: string
  result?: UploadResult
  error?: unknown
}

/** Options of `pushToRelays`. */
export interface PushToRelaysOptions {
  signal?: AbortSignal
  /** Bytes sent so far, to all relays together. */
  onProgress?(bytesSent: number): void
}

/** The connected relays (direct connections) that take uploads. */
async function uploadRelays(
  libp2p: Pick<Libp2p, 'getConnections' | 'peerStore'>,
): Promise<PeerId[]> {
  const peers = new Map<string, PeerId>()
  for (const connection of libp2p.getConnections()) {
    if (connection.status !== 'open' || connection.limits != null) continue
    const info = await libp2p.peerStore.get(connection.remotePeer).catch(() => undefined)
    if (info?.protocols.includes(MIRROR_UPLOAD_PROTOCOL) === true)
      peers.set(connection.remotePeer.toString(), connection.remotePeer)
  }
  return [...peers.values()]
}

/**
 * `peers` closest first to the DHT key `key` by XOR of their Kademlia IDs (SHA-256 of the key,
 * SHA-256 of the peer ID's multihash), the order relays place sites in (docs/PROTOCOL.md,
 * "Mirrors").
 */
export async function closestFirst(key: Uint8Array, peers: readonly PeerId[]): Promise<PeerId[]> {
  const target = await sha256Digest(key)
  const ids = await Promise.all(
    peers.map(async (peer) => ({ peer, id: await sha256Digest(peer.toMultihash().bytes) })),
  )
  const distance = (a: Uint8Array, b: Uint8Array): number => {
    for (let i = 0; i < target.length; i++)
      if ((a[i] ^ target[i]) !== (b[i] ^ target[i])) return (a[i] ^ target[i]) - (b[i] ^ target[i])
    return 0
  }
  return ids.sort((a, b) => distance(a.id, b.id)).map((p) => p.peer)
}

/**
 * Pushes `record`'s site to the connected relay closest to its key that takes it, trying the
 * next closest after a refusal or a failure; returns every attempt, the one that stored it
 * last. Never throws but for the signal's reason.
 */
export async function pushToRelays(
  libp2p: Pick<Libp2p, 'getConnections' | 'peerStore' | 'dialProtocol'>,
  record: SignedRecord,
  getBlock: (cid: CID) => Promise<Uint8Array | undefined>,
  options: PushToRelaysOptions = {},
): Promise<RelayUpload[]> {
  let before = 0
  const attempts: RelayUpload[] = []
  const order = await closestFirst(await dhtKey(record.body.name), await uploadRelays(libp2p))
  for (const peer of order) {
    let sent = 0
    try {
      const result = await uploadSite(libp2p, peer, {
        record,
        getBlock,
        signal: options.signal,
        onProgress: (p) => {
          sent = p.bytesSent
          options.onProgress?.(before + sent)
        },
      })
      attempts.push({ peer: peer.toString(), result })
      if (result.state === 'stored') break
    } catch (error) {
      options.signal?.throwIfAborted()
      attempts.push({ peer: peer.toString(), error })
    }
    before += sent
  }
  return attempts
}
