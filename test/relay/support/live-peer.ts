/**
 * A Node peer for live-update specs: libp2p with TCP, Noise, Yamux, identify and the GossipSub
 * service every Alternet node runs (`liveGossip`), the peer's `LiveUpdates` over a real Node
 * store, and a record of every judgement its validator made (what reached it, forwarded or not).
 * @module
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { tcp, type TCPSocketOptions } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import {
  liveGossip,
  LiveUpdates,
  type LiveJudgement,
  type LiveRecord,
  type LiveRevocation,
} from '../../../src/net/live/index.ts'
import { openNodeStorage, type NodeStorage } from '../../../src/node/storage/index.ts'

/** One judgement of the peer's validator. */
export interface Judged extends LiveJudgement {
  from: string
  topic: string
}

/** What GossipSub's router has beyond its public interface: its mesh and its scores. */
export interface GossipInternals {
  getMeshPeers(topic: string): string[]
  getScore(peer: string): number
}

/** A started live peer. */
export interface LivePeer {
  node: Libp2p<{ live: GossipSub; identify: ReturnType<ReturnType<typeof identify>> }>
  gossip: GossipSub
  /** The same router, for its mesh and scores. */
  router: GossipInternals
  live: LiveUpdates
  storage: NodeStorage
  /** Every message its validator judged, in order. */
  judged: Judged[]
  /** Every record event, in order. */
  records: LiveRecord[]
  /** Every revocation event, in order. */
  revocations: LiveRevocation[]
  /** Its TCP multiaddr with /p2p/ (when it listens). */
  addr: string
  stop(): Promise<void>
}

/** Options of `startLivePeer`. */
export interface LivePeerInit {
  /** Multiaddrs (with /p2p/) to dial at start. */
  dial?: string[]
  /** Revoker keys it trusts. */
  revokers?: Uint8Array[]
  /**
   * The loopback address it dials from (`127.0.0.2`…): another source address block for a
   * relay that groups sources by /32. @default the system's choice
   */
  localAddress?: string
  /** What one neighbour's subscriptions may cost it. @default PEER_TOPIC_BUDGET_BYTES */
  topicBudgetBytes?: number
  /** Reads each neighbour's frames in turn, as relays do. @default false */
  readInTurn?: boolean
}

/** Dials attempts before giving up: a loaded machine or a relay's inbound rate may refuse one. */
const DIAL_ATTEMPTS = 5
/** Wait before the next attempt, times the attempt number (ms). */
const DIAL_BACKOFF_MS = 500

async function dialPatiently(node: Libp2p, addr: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await node.dial(multiaddr(addr))
      return
    } catch (err) {
      if (attempt >= DIAL_ATTEMPTS) throw err
      await new Promise((r) => setTimeout(r, DIAL_BACKOFF_MS * attempt))
    }
  }
}

/** Starts a live peer with its store in `dir`, listening on a loopback TCP port. */
export async function startLivePeer(dir: string, init: LivePeerInit = {}): Promise<LivePeer> {
  const storage = await openNodeStorage({ dir })
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [
      tcp(
        init.localAddress === undefined
          ? {}
          : { dialOpts: { localAddress: init.localAddress } as TCPSocketOptions },
      ),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      live: liveGossip({
        ...(init.topicBudgetBytes === undefined ? {} : { topicBudgetBytes: init.topicBudgetBytes }),
        readInTurn: init.readInTurn === true,
      }),
    },
  })
  const judged: Judged[] = []
  const live = new LiveUpdates({
    gossip: node.services.live,
    storage,
    trustedRegistrars: () => [],
    trustedRevokers: () => init.revokers ?? [],
    selfId: node.peerId.toMultihash().bytes,
    validator: {
      onJudged: (j, from: PeerId, topic) => judged.push({ ...j, from: from.toString(), topic }),
    },
  })
  const records: LiveRecord[] = []
  const revocations: LiveRevocation[] = []
  live.addEventListener('record', (e) => records.push((e as CustomEvent<LiveRecord>).detail))
  live.addEventListener('revocation', (e) =>
    revocations.push((e as CustomEvent<LiveRevocation>).detail),
  )
  for (const addr of init.dial ?? []) await dialPatiently(node, addr)
  return {
    node,
    gossip: node.services.live,
    router: node.services.live as unknown as GossipInternals,
    live,
    storage,
    judged,
    records,
    revocations,
    addr: `${
      node
        .getMultiaddrs()
        .find((a) => a.toString().includes('/tcp/'))
        ?.toString() ?? ''
    }`,
    stop: async () => {
      await node.stop()
      await storage.closed()
    },
  }
}
