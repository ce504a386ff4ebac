/**
 * A Sybil DHT server: it speaks `/an/kad/1.0.0` like any other but accepts every write
 * unchecked and misbehaves with what it holds. `drop` stores nothing; `corrupt` serves every
 * record with a damaged signature; `hijack` answers with, and pushes to the network, a rival
 * record for each name it hears of, signed by its own key and back-dated so that the earliest
 * `created` would favour it; `rollback` keeps the first record it saw of each name and pushes
 * it again after the holder has moved on.
 * @module
 */

import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { ping } from '@libp2p/ping'
import { kadDHT } from '@libp2p/kad-dht'
import { memory } from '@libp2p/memory'
import { Libp2pRecord } from '@libp2p/record'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { createLibp2p } from 'libp2p'
import { keyPairFromSeed, type Ed25519KeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRecord, decodeRecord, encodeRecord } from '../../src/core/records/index.ts'
import { DHT_RECORD_PREFIX } from '../../relay-node/src/constants.ts'
import { recordDsKey } from '../../relay-node/src/dht-record-source.ts'
import { SIM_LIBP2P, simIdentify, simYamux } from './sim-libp2p.ts'
import { simEncrypter } from './sim-encrypter.ts'
import {
  countPuts,
  dhtSettings,
  startSimNode,
  memoryAddr,
  type DhtNode,
  type SimContext,
} from './sim-node.ts'

/** What a Sybil node does with the records it is given. */
export type Attack = 'drop' | 'corrupt' | 'hijack' | 'rollback'

/** Every attack, in the order Sybil nodes are assigned them. */
export const ATTACKS: readonly Attack[] = ['hijack', 'rollback', 'drop', 'corrupt']

/** How far back a rival record's `created` is set: just inside the 48 h lifetime. */
const BACKDATE_MS = 47 * 3_600_000
/** How long a rival record stays valid after the moment it is made. */
const RIVAL_LIFETIME_MS = 3_600_000
/** How much a rival's `seq` exceeds the holder's. */
const RIVAL_SEQ_LEAD = 1000

/** A running Sybil server. */
export interface AttackerNode {
  id: string
  attack: Attack
  node: DhtNode
  /** Pushes its rival or stale records for up to `max` names to the network; resolves to how many it pushed. */
  push(max: number, signal: AbortSignal): Promise<number>
  /** Holds a back-dated rival of a name nobody has published yet, signed by `squatter` (a squat). */
  squat(key: Uint8Array, name: string, squatter: Ed25519KeyPair): Promise<void>
  stop(): Promise<void>
}

class SybilStore extends MemoryDatastore {
  /** Values to push again, by datastore key. */
  readonly held = new Map<string, { key: Uint8Array; value: Uint8Array }>()

  private readonly attack: Attack
  private readonly keyPair: Ed25519KeyPair
  private readonly now: () => number

  constructor(attack: Attack, keyPair: Ed25519KeyPair, now: () => number) {
    super()
    this.attack = attack
    this.keyPair = keyPair
    this.now = now
  }

  override async put(key: Key, val: Uint8Array): Promise<Key> {
    const k = key.toString()
    if (!k.startsWith(DHT_RECORD_PREFIX)) return super.put(key, val)
    if (this.attack === 'drop') return key
    const record = Libp2pRecord.deserialize(val)
    let value = record.value
    if (this.attack === 'corrupt') {
      value = value.slice()
      value[value.length - 1] ^= 0xff
    } else if (this.attack === 'rollback') {
      if (this.held.has(k)) return key
    } else if (this.attack === 'hijack') {
      value = await this.rival(value)
    }
    this.held.set(k, { key: record.key, value })
    return super.put(key, new Libp2pRecord(record.key, value, record.timeReceived).serialize())
  }

  /** A record for the same name under this node's key, back-dated, with a higher seq. */
  private async rival(value: Uint8Array): Promise<Uint8Array> {
    let body
    try {
      body = decodeRecord(value).body
    } catch {
      return value
    }
    if (body.owner !== undefined && Buffer.from(body.owner).equals(this.keyPair.publicKey))
      return value
    const now = this.now()
    return encodeRecord(
      await createRecord(
        {
          type: 'root',
          name: body.name,
          seq: body.seq + RIVAL_SEQ_LEAD,
          created: now - BACKDATE_MS,
          expires: now + RIVAL_LIFETIME_MS,
        },
        this.keyPair,
      ),
    )
  }

  /**
   * Holds a back-dated rival of `name` (DHT key `key`), signed by `squatter` (one key the Sybils
   * share, so their block votes for it), before anyone offered a record of it.
   */
  async squat(key: Uint8Array, name: string, squatter: Ed25519KeyPair): Promise<void> {
    const now = this.now()
    const value = encodeRecord(
      await createRecord(
        {
          type: 'root',
          name,
          seq: RIVAL_SEQ_LEAD,
          created: now - BACKDATE_MS,
          expires: now + RIVAL_LIFETIME_MS,
        },
        squatter,
      ),
    )
    const dsKey = recordDsKey(key)
    this.held.set(dsKey.toString(), { key, value })
    await super.put(dsKey, new Libp2pRecord(key, value, new Date()).serialize())
  }

  /** Refreshes rivals so they are valid at the current simulated time. */
  async refresh(): Promise<void> {
    if (this.attack !== 'hijack') return
    for (const [k, entry] of this.held) {
      entry.value = await this.rival(entry.value)
      await super.put(new Key(k), new Libp2pRecord(entry.key, entry.value, new Date()).serialize())
    }
  }
}

/** Creates and starts Sybil server number `n` running `attack`. */
export async function startAttackerNode(
  n: number,
  seed: Uint8Array,
  attack: Attack,
  ctx: SimContext,
): Promise<AttackerNode> {
  const store = new SybilStore(attack, keyPairFromSeed(seed), ctx.now)
  const node: DhtNode = await createLibp2p({
    ...SIM_LIBP2P,
    privateKey: await generateKeyPairFromSeed('Ed25519', seed),
    addresses: { listen: [memoryAddr(n)] },
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
        validators: { an: async () => undefined },
        selectors: { an: () => 0 },
      }),
    },
  })
  await startSimNode(node)
  countPuts(node, ctx.counts)
  return {
    id: node.peerId.toString(),
    attack,
    node,
    push: async (max, signal) => {
      if (attack !== 'hijack' && attack !== 'rollback') return 0
      await store.refresh()
      let pushed = 0
      for (const { key, value } of [...store.held.values()].slice(0, max)) {
        try {
          for await (const _ of node.services.dht.put(key, value, { signal })) void _
        } catch {
          // Refused by every honest peer, or out of time: the point of the attack.
        }
        pushed++
      }
      return pushed
    },
    squat: (key, name, squatter) => store.squat(key, name, squatter),
    stop: async () => {
      await node.stop()
    },
  }
}
