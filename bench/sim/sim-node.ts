/**
 * One honest DHT server of the simulation, built from the relay's own parts: kad-dht on
 * `/an/kad/1.0.0` with the relay's record policy (validator, selector, DHT look-ups of names it
 * does not hold) and its guarded store
 * in front of an in-memory datastore, inbound DHT writes attributed to their peer as the relay
 * does, and the relay's republisher — over libp2p's in-memory transport. Only the clock differs:
 * the policy reads the simulation's.
 * @module
 */

import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { memory } from '@libp2p/memory'
import type { Libp2p, Metrics } from '@libp2p/interface'
import { MemoryDatastore } from 'datastore-core'
import { createLibp2p } from 'libp2p'
import { defaultConfig } from '../../relay-node/src/config.ts'
import { DHT_PROTOCOL, DHT_RECORD_PREFIX } from '../../relay-node/src/constants.ts'
import type { Logger } from '../../relay-node/src/log.ts'
import type { RelayNode } from '../../relay-node/src/node.ts'
import { Permissions } from '../../relay-node/src/permissions.ts'
import { dhtRecordSource } from '../../relay-node/src/dht-record-source.ts'
import { AnRecordPolicy } from '../../relay-node/src/record-policy.ts'
import { GuardedDatastore } from '../../relay-node/src/record-store.ts'
import { attributeDhtWrites } from '../../relay-node/src/dht-senders.ts'
import { storeLimits } from '../../relay-node/src/relay-stores.ts'
import { currentSender } from '../../relay-node/src/record-senders.ts'
import { Republisher } from '../../relay-node/src/republish.ts'
import { ByteMeter } from './byte-meter.ts'
import { SimCounts } from './sim-counts.ts'
import {
  REAL_BOUND_MS,
  ROOT_LOOKUP_BOUND_MS,
  SIM_LIBP2P,
  simIdentify,
  simYamux,
} from './sim-libp2p.ts'
import { simEncrypter } from './sim-encrypter.ts'
import { SIM_DHT_BOUNDS, SIM_QUERY_SELF, holdTableRefresh } from './dht-timers.ts'
import type { SimProfile } from './sim-profile.ts'

/** A directory with no trust files: an open network. */
const NO_TRUST_DIR = '/nonexistent/alternet-sim'

/** A logger that drops everything. */
export const quietLog: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
}

/** A libp2p node with kad-dht. */
export type DhtNode = Libp2p<{ dht: KadDHT; identify: unknown; ping: unknown }>

/** What every node of one simulation shares. */
export interface SimContext {
  /** The simulated time, ms since the epoch. */
  now(): number
  /** The `metrics` component (byte counting). */
  metrics: () => Metrics
  /** Why honest stores refused writes, counted. */
  refusals: Map<string, number>
  /** Latency added to every buffer on the in-memory transport, ms. */
  latency: number
  /** Puts, writes received and root look-ups, counted. */
  counts: SimCounts
  /** Address blocks of the peers that share one (Sybils, `--sybil-blocks`); every other peer has its own. */
  blocks: Map<string, string>
  /** Where real time goes, when profiling. */
  profile?: SimProfile
  /** Most republish rounds in a row a server skips one record. @default REPUBLISH_MAX_SKIPS */
  republishMaxSkips?: number
}

/** A context on real time with no added latency, for specs that start a few servers by hand. */
export function realTimeContext(): SimContext {
  return {
    now: () => Date.now(),
    metrics: new ByteMeter().factory(),
    refusals: new Map(),
    latency: 0,
    counts: new SimCounts(),
    blocks: new Map(),
  }
}

/** A running honest server. */
export interface HonestNode {
  id: string
  addr: string
  node: DhtNode
  store: GuardedDatastore
  republisher: Republisher
  stop(): Promise<void>
}

/** The in-memory address of node number `n`. */
export function memoryAddr(n: number): string {
  return `/memory/an-sim-${n}`
}

/** The kad-dht settings every simulated node shares. */
export function dhtSettings(): Parameters<typeof kadDHT>[0] {
  return {
    protocol: DHT_PROTOCOL,
    clientMode: false,
    peerInfoMapper: passthroughMapper,
    ...SIM_QUERY_SELF,
    ...SIM_DHT_BOUNDS,
    logPrefix: 'libp2p:an-sim',
    metricsPrefix: 'an_sim',
  }
}

/** The address block `peer` answers and writes from: its own unless `ctx.blocks` names a shared one. */
export function blockOf(ctx: SimContext, peer: string): string {
  return ctx.blocks.get(peer) ?? `sim:${peer}`
}

/**
 * Starts `node` (created with `SIM_LIBP2P`, which does not start it) with kad-dht's table
 * refresh held for the simulation to drive (dht-timers.ts).
 */
export async function startSimNode(node: DhtNode): Promise<void> {
  holdTableRefresh(node.services.dht)
  await node.start()
}

/** Counts every `put` of `node`'s DHT (the holders', the republisher's or a Sybil's). */
export function countPuts(node: DhtNode, counts: SimCounts): void {
  const dht = node.services.dht
  const put = dht.put.bind(dht)
  dht.put = (key, value, options) => {
    counts.puts++
    return put(key, value, options)
  }
}

/** Creates and starts honest server number `n` with a key from `seed`. */
export async function startHonestNode(
  n: number,
  seed: Uint8Array,
  ctx: SimContext,
): Promise<HonestNode> {
  const config = defaultConfig()
  const permissions = new Permissions(NO_TRUST_DIR, new MemoryDatastore(), quietLog)
  await permissions.load()
  const counts = ctx.counts
  const policy = new AnRecordPolicy(permissions, {
    now: ctx.now,
    // The relay's 3 s of real time for a root look-up: on a starved process, writes refused.
    rootLookup: { timeoutMs: ROOT_LOOKUP_BOUND_MS },
    events: {
      lookup: () => void counts.rootLookups++,
      shared: (how) => void counts.shared[how]++,
    },
  })
  const store = new GuardedDatastore(new MemoryDatastore(), policy, storeLimits(config), {
    refused: (reason) => ctx.refusals.set(reason, (ctx.refusals.get(reason) ?? 0) + 1),
    evicted: () => undefined,
  })
  await store.load()
  const storePut = store.put.bind(store)
  store.put = (key, val, options) => {
    if (currentSender() !== undefined && key.toString().startsWith(DHT_RECORD_PREFIX))
      counts.writesReceived++
    return storePut(key, val, options)
  }
  const addr = memoryAddr(n)
  const node: DhtNode = await createLibp2p({
    ...SIM_LIBP2P,
    privateKey: await generateKeyPairFromSeed('Ed25519', seed),
    addresses: { listen: [addr] },
    transports: [memory({ latency: ctx.latency })],
    connectionEncrypters: [simEncrypter()],
    streamMuxers: [simYamux()],
    datastore: store,
    metrics: ctx.metrics,
    services: {
      identify: simIdentify(),
      ping: ping(),
      dht: kadDHT({
        ...dhtSettings(),
        validators: { an: policy.validator(() => undefined) },
        selectors: { an: policy.selector() },
      }),
    },
  })
  await startSimNode(node)
  countPuts(node, counts)
  // As the relay does (relay.ts): names it does not hold are looked up in the DHT first.
  const table = (node.services.dht as unknown as { routingTable?: { size: number } }).routingTable
  // Each simulated peer answers from an address block of its own (Sybils from the blocks
  // `--sybil-blocks` gives them), as its writes are charged to that block below: a relay counts
  // one vote per block.
  const records = dhtRecordSource(
    node.services.dht,
    store,
    () => (table?.size ?? 1) > 0,
    (peer) => blockOf(ctx, peer.toString()),
  )
  const profile = ctx.profile
  const survey = records.survey!
  const id = node.peerId.toString()
  policy.useRootRecords({
    ...records,
    survey: (key, signal) => {
      counts.lookedUp(id, key)
      return profile === undefined
        ? survey(key, signal)
        : profile.time('root lookup', () => survey(key, signal))
    },
  })
  // As the relay does: every store write an inbound DHT stream causes is charged to its peer and
  // source (its address block).
  await attributeDhtWrites(
    node,
    (conn) => blockOf(ctx, conn.remotePeer.toString()),
    profile === undefined
      ? undefined
      : (handle) => profile.time('inbound DHT stream', async () => handle()),
  )
  const republisher = new Republisher(node as unknown as RelayNode, store, policy, quietLog, {
    republishInterval: 0,
    expirySweepInterval: 0,
    // The relay's 30 s of real time would turn a starved process into records not re-put.
    putTimeoutMs: REAL_BOUND_MS,
    ...(ctx.republishMaxSkips === undefined ? {} : { maxSkips: ctx.republishMaxSkips }),
  })
  return {
    id: node.peerId.toString(),
    addr,
    node,
    store,
    republisher,
    stop: async () => {
      await republisher.stop()
      await node.stop()
    },
  }
}
