/**
 * Peers that pass for relays: each identifies as taking uploads (`/an/mirror-upload/1.0.0`)
 * and answering mirror questions (`/an/mirror/1.0.0`), and stays connected, but holds nothing
 * (every stream is closed unread, the uploads offered counted; or it answers `complete` for the
 * sites it is told to claim, and serves none of their blocks). Their peer IDs can be
 * ground near a DHT key, as a Sybil's would be. For placement specs.
 * @module
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { tcp, type TCPOptions } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import {
  answerStatus,
  MIRROR_PROTOCOL,
  MIRROR_UPLOAD_PROTOCOL,
} from '../../../src/net/mirror/index.ts'
import { compareDistance, kadId } from '../../../relay-node/src/mirror/placement.ts'

/** A peer passing for a relay. */
export interface FakeRelay {
  node: Libp2p
  /** Uploads offered to it so far (each closed unread). */
  uploads: number
  /**
   * Sites it falsely says it holds, with the content root it names: asked about one of them, it
   * answers `complete` (it serves no block). Asked about any other, it closes the stream unread.
   */
  claims: Map<string, string>
  stop(): Promise<void>
}

/** Starts a fake relay with `privateKey` (new when omitted), dialling out from `localAddress`. */
export async function startFakeRelay(
  privateKey?: PrivateKey,
  localAddress?: string,
): Promise<FakeRelay> {
  const node = await createLibp2p({
    ...(privateKey === undefined ? {} : { privateKey }),
    transports: [
      // net.connect takes `localAddress`; @libp2p/tcp passes dialOpts through but does not type it.
      tcp(
        localAddress === undefined ? {} : { dialOpts: { localAddress } as TCPOptions['dialOpts'] },
      ),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
  })
  const fake: FakeRelay = {
    node,
    uploads: 0,
    claims: new Map(),
    stop: async () => await node.stop(),
  }
  await node.handle(MIRROR_PROTOCOL, (stream) => {
    if (fake.claims.size === 0) return void stream.close()
    void answerStatus(stream, ({ site }) => {
      const root = fake.claims.get(site)
      if (root === undefined) throw new Error('not claimed')
      return { site, state: 'complete', root }
    })
  })
  await node.handle(MIRROR_UPLOAD_PROTOCOL, (stream) => {
    fake.uploads++
    void stream.close()
  })
  return fake
}

/** Connects `fake` to the relays at `addrs` (TCP multiaddrs with `/p2p/`). */
export async function connectAll(fake: FakeRelay, addrs: readonly string[]): Promise<void> {
  for (const addr of addrs)
    await fake.node.dial(multiaddr(addr), { signal: AbortSignal.timeout(30_000) })
}

/**
 * `n` private keys whose peers are closer to the DHT key `key` (by XOR of Kademlia IDs) than
 * every peer of `than`: what a Sybil grinds to take a site's placement.
 */
export async function grindNear(
  key: Uint8Array,
  than: readonly PeerId[],
  n: number,
): Promise<PrivateKey[]> {
  const target = kadId(key)
  const ids = than.map((p) => kadId(p.toMultihash().bytes))
  const nearest = ids.sort((a, b) => compareDistance(target, a, b))[0]
  const keys: PrivateKey[] = []
  while (keys.length < n) {
    const k = await generateKeyPair('Ed25519')
    const id = kadId(peerIdFromPrivateKey(k).toMultihash().bytes)
    if (nearest === undefined || compareDistance(target, id, nearest) < 0) keys.push(k)
  }
  return keys
}
