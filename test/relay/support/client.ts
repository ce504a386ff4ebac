/**
 * A Node libp2p client for relay tests, speaking what browsers speak: kad-dht in client mode
 * on `/an/kad/1.0.0` with the core's validator and selector, and circuit relay v2. Plus raw
 * kad-dht messages, for offering a relay records the DHT client would refuse to send.
 * @module
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { Libp2pRecord } from '@libp2p/record'
import { tcp, type TCPOptions } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { webSockets } from '@libp2p/websockets'
import type { Libp2p } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { CID } from 'multiformats/cid'
import { DHT_PROTOCOL } from '@alternet/core/contracts'
import { createAnSelector, createAnValidator } from '../../../src/core/records/index.ts'

/** The DHT protocol of the network (the contract the relay and the browser share). */
export { DHT_PROTOCOL }

/** A test client node. */
export type Client = Libp2p<{
  dht: KadDHT
  identify: ReturnType<ReturnType<typeof identify>>
  ping: ReturnType<ReturnType<typeof ping>>
}>

/** Options of a test client. */
export interface ClientInit {
  /** Relays to dial at start (multiaddrs with /p2p/). */
  relays?: string[]
  /** Listen on `/p2p-circuit` through the relays (hold a reservation). */
  circuit?: boolean
  /** Listen on a loopback TCP port (a provider needs an address to be stored). */
  listen?: boolean
  /**
   * The local address TCP dials go out from, e.g. `127.0.2.1`: any 127/8 address works on
   * Linux, so one machine can play peers from different address blocks.
   */
  localAddress?: string
  /** How long a dial may take, in ms (libp2p's `dialTimeout` and `addressDialTimeout`). */
  dialTimeout?: number
  /**
   * When kad-dht's first self-query runs, in ms; kad-dht holds every look-up until it has run.
   * @default 0
   */
  initialQuerySelfInterval?: number
}

/** Starts a client and connects it to `relays`; waits until its routing table holds them. */
export async function createClient(init: ClientInit = {}): Promise<Client> {
  const node = (await createLibp2p({
    addresses: {
      listen: [
        ...(init.circuit === true ? ['/p2p-circuit'] : []),
        ...(init.listen === true ? ['/ip4/127.0.0.1/tcp/0'] : []),
      ],
    },
    ...(init.dialTimeout === undefined
      ? {}
      : {
          connectionManager: {
            dialTimeout: init.dialTimeout,
            addressDialTimeout: init.dialTimeout,
          },
        }),
    transports: [
      // net.connect takes `localAddress`; @libp2p/tcp passes dialOpts through but does not type it.
      tcp(
        init.localAddress === undefined
          ? {}
          : { dialOpts: { localAddress: init.localAddress } as TCPOptions['dialOpts'] },
      ),
      webSockets(),
      circuitRelayTransport(),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({
        protocol: DHT_PROTOCOL,
        clientMode: true,
        validators: { an: createAnValidator() },
        selectors: { an: createAnSelector() },
        peerInfoMapper: passthroughMapper,
        initialQuerySelfInterval: init.initialQuerySelfInterval ?? 0,
      }),
    },
  })) as unknown as Client
  for (const addr of init.relays ?? [])
    await node.dial(multiaddr(addr), { signal: AbortSignal.timeout(10_000) })
  return node
}

/** Waits until the client's DHT routing table holds at least `n` peers. */
export async function waitForRoutingTable(client: Client, n: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  const table = (client.services.dht as unknown as { routingTable: { size: number } }).routingTable
  while (table.size < n) {
    if (Date.now() > deadline)
      throw new Error(`routing table holds ${table.size} peers, wanted ${n}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Puts a record through the DHT; resolves when at least one peer took it. */
export async function dhtPut(
  client: Client,
  key: Uint8Array,
  value: Uint8Array,
  ms = 15_000,
): Promise<number> {
  let accepted = 0
  for await (const event of client.services.dht.put(key, value, {
    signal: AbortSignal.timeout(ms),
  })) {
    if (event.name === 'PEER_RESPONSE') accepted++
  }
  return accepted
}

/** Resolves a record through the DHT (the selector's best), or undefined. */
export async function dhtGet(
  client: Client,
  key: Uint8Array,
  ms = 15_000,
): Promise<Uint8Array | undefined> {
  try {
    for await (const event of client.services.dht.get(key, { signal: AbortSignal.timeout(ms) })) {
      if (event.name === 'VALUE') return event.value
    }
  } catch (err) {
    if ((err as Error).name === 'NotFoundError') return undefined
    throw err
  }
  return undefined
}

// Raw kad-dht messages: protobuf fields type (1), key (2), record (3); see kad-dht's dht.proto.
const PUT_VALUE = 0
const GET_VALUE = 1

function varint(n: number): number[] {
  const out: number[] = []
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80)
    n >>>= 7
  }
  out.push(n)
  return out
}

function field(tag: number, bytes: Uint8Array): number[] {
  return [(tag << 3) | 2, ...varint(bytes.length), ...bytes]
}

/** Encodes a kad-dht message with type, key and an optional raw record field. */
export function encodeKadMessage(type: number, key: Uint8Array, record?: Uint8Array): Uint8Array {
  const bytes = [(1 << 3) | 0, ...varint(type), ...field(2, key)]
  if (record != null) bytes.push(...field(3, record))
  return new Uint8Array(bytes)
}

/** The record field (3) of a kad-dht message, when present. */
export function decodeKadRecord(message: Uint8Array): Uint8Array | undefined {
  let i = 0
  const readVarint = (): number => {
    let value = 0
    let shift = 0
    for (;;) {
      const b = message[i++]
      value += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return value
      shift += 7
    }
  }
  while (i < message.length) {
    const tag = readVarint()
    const wire = tag & 7
    if (wire === 0) {
      readVarint()
      continue
    }
    if (wire !== 2) throw new Error(`unexpected wire type ${wire}`)
    const len = readVarint()
    const body = message.subarray(i, i + len)
    i += len
    if (tag >>> 3 === 3) return body
  }
  return undefined
}

/** Sends one raw message to `peer` on the DHT protocol; resolves to the reply, or rejects when the relay resets the stream. */
export async function kadRequest(
  client: Client,
  peer: string,
  message: Uint8Array,
  ms = 5000,
): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(ms)
  const stream = await client.dialProtocol(peerIdFromString(peer), DHT_PROTOCOL, { signal })
  const lp = lpStream(stream)
  await lp.write(message, { signal })
  const reply = await lp.read({ signal })
  await stream.close({ signal }).catch(() => undefined)
  return reply.subarray()
}

/** Offers `value` under `key` to one relay directly; true when it stored it, false when it refused. */
export async function putDirect(
  client: Client,
  peer: string,
  key: Uint8Array,
  value: Uint8Array,
): Promise<boolean> {
  const record = new Libp2pRecord(key, value, new Date()).serialize()
  try {
    await kadRequest(client, peer, encodeKadMessage(PUT_VALUE, key, record))
    return true
  } catch {
    return false
  }
}

/** Asks one relay directly for the record under `key`; the value, or undefined. */
export async function getDirect(
  client: Client,
  peer: string,
  key: Uint8Array,
): Promise<Uint8Array | undefined> {
  const reply = await kadRequest(client, peer, encodeKadMessage(GET_VALUE, key))
  const record = decodeKadRecord(reply)
  return record == null ? undefined : Libp2pRecord.deserialize(record).value
}

/** Announces the client as a provider of `cid` through the DHT; resolves to how many peers took it. */
export async function provide(client: Client, cid: CID, ms = 15_000): Promise<number> {
  let accepted = 0
  for await (const event of client.services.dht.provide(cid, { signal: AbortSignal.timeout(ms) })) {
    if (event.name === 'PEER_RESPONSE') accepted++
  }
  return accepted
}

/** The peer IDs the DHT names as providers of `cid` (stops at the first answer naming any). */
export async function findProviders(client: Client, cid: CID, ms = 15_000): Promise<string[]> {
  const found = new Set<string>()
  try {
    for await (const event of client.services.dht.findProviders(cid, {
      signal: AbortSignal.timeout(ms),
    })) {
      if (event.name === 'PROVIDER') for (const p of event.providers) found.add(p.id.toString())
      if (found.size > 0) break
    }
  } catch (err) {
    if ((err as Error).name !== 'NotFoundError' && found.size === 0) throw err
  }
  return [...found]
}
