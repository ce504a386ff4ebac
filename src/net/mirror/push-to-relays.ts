/**
 * Publishing pushes the site to every relay this tab is connected to that takes uploads
 * (`/an/mirror-upload/1.0.0`), all at once, adding up the bytes sent for the progress bar.
 * A relay that refuses (not one of the site's mirrors, full, policy) is left to the others;
 * the mirrors copy among themselves and from this tab as before.
 * @module
 */
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { SignedRecord } from '../../core/records/index.ts'
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

/** Pushes `record`'s site to every connected relay that takes uploads; never throws but for the signal's reason. */
export async function pushToRelays(
  libp2p: Pick<Libp2p, 'getConnections' | 'peerStore' | 'dialProtocol'>,
  record: SignedRecord,
  getBlock: (cid: CID) => Promise<Uint8Array | undefined>,
  options: PushToRelaysOptions = {},
): Promise<RelayUpload[]> {
  const sent = new Map<string, number>()
  const report = (): void => options.onProgress?.([...sent.values()].reduce((n, b) => n + b, 0))
  return Promise.all(
    (await uploadRelays(libp2p)).map(async (peer): Promise<RelayUpload> => {
      try {
        const result = await uploadSite(libp2p, peer, {
          record,
          getBlock,
          signal: options.signal,
          onProgress: (p) => {
            sent.set(peer.toString(), p.bytesSent)
            report()
          },
        })
        return { peer: peer.toString(), result }
      } catch (error) {
        options.signal?.throwIfAborted()
        return { peer: peer.toString(), error }
      }
    }),
  )
}
