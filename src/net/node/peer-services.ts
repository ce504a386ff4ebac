/**
 * The libp2p services every Alternet peer runs, in the page and in Node alike: identify, ping,
 * GossipSub for live updates, and a kad-dht client on `/an/kad/1.0.0` that validates and selects name records with the
 * core's rules. One definition, so a browser peer and a Node peer cannot drift apart.
 * @module
 */
import type { GossipSub } from '@libp2p/gossipsub'
import { identify, type Identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { ping, type Ping } from '@libp2p/ping'
import { createAnSelector, createAnValidator, DHT_NAMESPACE } from '../../core/records/index.ts'
import { DHT_PROTOCOL, INITIAL_QUERY_SELF_INTERVAL_MS } from './constants.ts'
import type { DevSettings } from './relay-addresses.ts'
import { liveGossip } from '../live/live-gossip.ts'

/** The services of a peer's libp2p node. */
export type AlternetServices = {
  dht: KadDHT
  identify: Identify
  ping: Ping
  /** GossipSub for live updates (`src/net/live/`). */
  live: GossipSub
}

/**
 * 64 KiB WebRTC data channel messages rather than libp2p's 16 KiB: a quarter of the
 * per-message framing work on both sides. Browsers accept up to 256 KiB (SDP
 * max-message-size), and the receiving side takes any size, so older peers interoperate.
 */
export const DATA_CHANNEL_MESSAGE_SIZE = 64 * 1024

/**
 * The service factories for `createLibp2p({ services })`. `trustedRegistrars` is read at each
 * validation, so registrars learnt later (a relay's trust file) count from then on.
 */
export function peerServices(
  trustedRegistrars: readonly Uint8Array[],
  dev: DevSettings,
): {
  identify: ReturnType<typeof identify>
  ping: ReturnType<typeof ping>
  dht: ReturnType<typeof kadDHT>
  live: ReturnType<typeof liveGossip>
} {
  return {
    identify: identify(),
    ping: ping(),
    dht: kadDHT({
      protocol: DHT_PROTOCOL,
      clientMode: true,
      validators: { [DHT_NAMESPACE]: createAnValidator({ trustedRegistrars }) },
      selectors: { [DHT_NAMESPACE]: createAnSelector({ trustedRegistrars }) },
      ...(dev.allowPrivateAddresses === true ? { peerInfoMapper: passthroughMapper } : {}),
      initialQuerySelfInterval: INITIAL_QUERY_SELF_INTERVAL_MS,
      logPrefix: 'libp2p:an-dht',
    }),
    live: liveGossip(),
  }
}
