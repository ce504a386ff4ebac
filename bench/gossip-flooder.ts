/**
 * A flooder for the live-update bench: `FLOOD_SYBILS` fresh peer IDs dialling one relay from one
 * loopback address (one source address block to a relay grouping by /32), each sending valid
 * records of its own site (signed beforehand, so signing costs the bench nothing while it
 * measures) at `FLOOD_RATE_PER_PEER` a second, ten times what a relay takes from a neighbour,
 * and one more peer from another address sending malformed messages on the measured site's
 * topic at the same rate. A flooder the relay hangs up on comes back at once with a fresh peer
 * ID from the same address, as a determined one would. A process of its own (`gossip-flood.ts` starts it), so the flood does
 * not take the measuring process's time: `node bench/gossip-flooder.ts <dir> <relay tcp
 * multiaddr> <relay peer ID> <topic>` prints `ready` once flooding and `sent <n>` every second,
 * until it is killed.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { join } from 'node:path'
import { encodeLiveMessage, liveTopic } from '../src/core/records/index.ts'
import { generateKeyPair, rootRecord } from '../test/relay/support/records.ts'
import { startLivePeer, type LivePeer } from '../test/relay/support/live-peer.ts'

import { FLOOD_RATE_PER_PEER, FLOOD_SYBILS } from './gossip-flood.ts'
/** Records signed per flooder (sent again in turn when used up; a relay drops a copy it has seen unjudged). */
const RECORDS_PER_PEER = 2000
/** Sends are paced in ticks of this many ms. */
const TICK_MS = 50
/** The flooders' loopback address. */
const SYBIL_ADDRESS = '127.0.0.9'
/** The malformed flooder's address. */
const INVALID_ADDRESS = '127.0.0.10'
/** Longest wait for a flooder to see the relay follow its topic (ms). */
const FOLLOW_TIMEOUT_MS = 30_000

/** One flooder: its peer (replaced when cut off), its topic and its next message. */
interface Flooder {
  peer: LivePeer
  topic: string
  messages: () => Uint8Array
  /** Starts a fresh peer ID in its place. */
  fresh: () => Promise<LivePeer>
  /** A fresh peer ID is being started. */
  restarting?: boolean
}

async function follows(peer: LivePeer, topic: string, relayId: string): Promise<void> {
  const deadline = Date.now() + FOLLOW_TIMEOUT_MS
  while (!peer.gossip.getSubscribers(topic).some((p) => p.toString() === relayId)) {
    if (Date.now() > deadline) throw new Error(`the relay did not follow ${topic}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Starts the flooders against `relay` (which must group sources by /32) and the flood. */
async function flood(
  dir: string,
  relay: { tcp: string; peerId: string },
  watchedTopic: string,
): Promise<void> {
  const peers: LivePeer[] = []
  const streams: Flooder[] = []
  let started = 0
  /** A fresh peer ID from `localAddress`, watching `site` when given. */
  const start = async (localAddress: string, site?: string): Promise<LivePeer> => {
    const peer = await startLivePeer(join(dir, `flood-${started++}`), {
      dial: [relay.tcp],
      localAddress,
    })
    peers.push(peer)
    if (site !== undefined) await peer.live.watch(site)
    return peer
  }
  for (let i = 0; i < FLOOD_SYBILS; i++) {
    const site = `bench-flood-${Date.now().toString(36)}-${i}:code`
    const peer = await start(SYBIL_ADDRESS, site)
    const topic = await liveTopic(site)
    await follows(peer, topic, relay.peerId)
    const owner = generateKeyPair()
    const records: Uint8Array[] = []
    for (let seq = 1; seq <= RECORDS_PER_PEER; seq++)
      records.push(encodeLiveMessage({ t: 'record', v: await rootRecord(site, owner, { seq }) }))
    let next = 0
    streams.push({
      peer,
      topic,
      messages: () => records[next++ % records.length],
      fresh: async () => start(SYBIL_ADDRESS, site),
    })
  }
  const invalid = await start(INVALID_ADDRESS)
  await follows(invalid, watchedTopic, relay.peerId)
  streams.push({
    peer: invalid,
    topic: watchedTopic,
    messages: () => encodeLiveMessage({ t: 'record', v: new Uint8Array(randomBytes(200)) }),
    fresh: async () => start(INVALID_ADDRESS),
  })

  let sent = 0
  let comebacks = 0
  const relayId = peerIdFromString(relay.peerId)
  const perTick = Math.max(1, Math.round((FLOOD_RATE_PER_PEER * TICK_MS) / 1000))
  const timer = setInterval(() => {
    for (const stream of streams) {
      if (stream.restarting === true) continue
      if (stream.peer.node.getConnections(relayId).length === 0) {
        // Hung up on: back with a fresh peer ID (a refused dial is tried again next tick).
        stream.restarting = true
        const old = stream.peer
        void stream
          .fresh()
          .then((peer) => {
            stream.peer = peer
            comebacks++
          })
          .catch(() => undefined)
          .finally(() => {
            stream.restarting = false
            void old.stop().catch(() => undefined)
          })
        continue
      }
      for (let n = 0; n < perTick; n++) {
        sent++
        void stream.peer.gossip.publish(stream.topic, stream.messages()).catch(() => undefined)
      }
    }
  }, TICK_MS)
  console.log('ready')
  setInterval(() => console.log(`sent ${sent} ${comebacks}`), 1000)
  const stop = (): void => {
    clearInterval(timer)
    void Promise.all(peers.map((p) => p.stop().catch(() => undefined))).then(() => process.exit(0))
  }
  process.on('SIGTERM', stop)
}

const [dir, tcp, peerId, topic] = process.argv.slice(2)
await flood(dir, { tcp, peerId }, topic)
