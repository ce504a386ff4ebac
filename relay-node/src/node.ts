/**
 * The relay's libp2p node: TCP, WebSockets (and wss), WebRTC-Direct; Noise, Yamux; identify,
 * identify-push, ping; a circuit relay v2 server sized for browsers; kad-dht in server mode on
 * `/an/kad/1.0.0` with the core's record validator and selector; GossipSub for live updates.
 * @module
 */
import { createSocket } from 'node:dgram'
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { sha256 } from '@noble/hashes/sha2.js'
import type { GossipSub } from '@libp2p/gossipsub'
import { identify, identifyPush } from '@libp2p/identify'
import {
  kadDHT,
  passthroughMapper,
  removePrivateAddressesMapper,
  type KadDHT,
  type Selectors,
  type Validators,
} from '@libp2p/kad-dht'
import { keychain } from '@libp2p/keychain'
import { ping } from '@libp2p/ping'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { tcp } from '@libp2p/tcp'
import { webRTCDirect } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { liveGossip } from '@alternet/net/live'
import { joinedWrites } from '@alternet/net/node/joined-writes'
import { DEFAULT_MAX_EARLY_STREAMS } from '@alternet/net/route'
import type { Datastore } from 'interface-datastore'
import { createLibp2p } from 'libp2p'
import type { Registry } from 'prom-client'
import type { PeerInfoMapperMode, RelayConfig } from './config.ts'
import { DHT_PROTOCOL } from './constants.ts'
import { ConfigError } from './errors.ts'
import { RELAY_MESH, RELAY_TOPIC_BUDGET_BYTES } from './live/constants.ts'

/** The services of a relay node. */
export type RelayServices = {
  identify: ReturnType<ReturnType<typeof identify>>
  identifyPush: ReturnType<ReturnType<typeof identifyPush>>
  ping: ReturnType<ReturnType<typeof ping>>
  relay: CircuitRelayService
  dht: KadDHT
  keychain: ReturnType<ReturnType<typeof keychain>>
  /** GossipSub for live updates (live/relay-live.ts). */
  live: GossipSub
}

/** A started relay node. */
export type RelayNode = Libp2p<RelayServices>

/** What the node needs beyond the settings. */
export interface RelayNodeInit {
  config: RelayConfig
  privateKey: PrivateKey
  datastore: Datastore
  registry: Registry
  /** Validators by DHT namespace (`an`). */
  validators: Validators
  /** Selectors by DHT namespace (`an`). */
  selectors: Selectors
  /** Refuses a circuit reservation when its peer's source holds its share (reservation-limits.ts). */
  denyReservation?(peer: PeerId): boolean
  /** Refuses every connection with a peer cut off for flooding live updates (live/live-cut-off.ts). */
  denyPeer?(peer: PeerId): boolean
  /** Refuses a new inbound connection from an address whose block is cut off (live/live-cut-off.ts). */
  denyAddress?(addr: Multiaddr): boolean
}

/** The listen multiaddrs the settings ask for. */
export function listenAddrs(config: RelayConfig): string[] {
  const ip = isIP(config.host) === 6 ? 'ip6' : 'ip4'
  const base = `/${ip}/${config.host}`
  const addrs = [
    `${base}/tcp/${config.tcpPort}`,
    `${base}/tcp/${config.wsPort}/ws`,
    `${base}/udp/${config.webrtcPort}/webrtc-direct`,
  ]
  if (config.tlsCert != null) addrs.push(`${base}/tcp/${config.wssPort}/tls/ws`)
  return addrs
}

/**
 * A UDP port free on `host` now, for `--webrtc-port 0`. The WebRTC-Direct transport picks its own
 * port for 0 by checking that it is free for TCP only, and its listener is on UDP: a port taken
 * there (another relay, a browser's WebRTC socket) stopped the relay from starting.
 */
export async function freeUdpPort(host: string): Promise<number> {
  const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4')
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(0, host, () => resolve())
    })
    return socket.address().port
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()))
  }
}

/** Whether an address is loopback or private (RFC 1918, ULA, link-local). */
export function isPrivateHost(host: string): boolean {
  return /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|::1$|f[cd][0-9a-f]{2}:|fe80:)/i.test(
    host,
  )
}

function chooseMapper(mode: PeerInfoMapperMode, config: RelayConfig): typeof passthroughMapper {
  if (mode === 'passthrough') return passthroughMapper
  if (mode === 'public') return removePrivateAddressesMapper
  // auto: a relay bound to loopback or a LAN address serves peers there, so their addresses count.
  return config.dev || isPrivateHost(config.host) ? passthroughMapper : removePrivateAddressesMapper
}

function readPem(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError(
      `${flag}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    )
  }
}

/** Turns libp2p's "could not listen" error into one line naming the flag. */
function listenError(err: Error, config: RelayConfig): Error {
  const text = err.message
  const ports: Array<[number, string]> = [
    [config.tcpPort, '--tcp-port'],
    [config.wsPort, '--ws-port'],
    [config.wssPort, '--wss-port'],
    [config.webrtcPort, '--webrtc-port'],
  ]
  if (/EADDRINUSE|address already in use/i.test(text)) {
    for (const [port, flag] of ports) {
      if (port !== 0 && text.includes(`:${port}`))
        return new ConfigError(`${flag}: port ${port} on ${config.host} is already in use`)
    }
    return new ConfigError(`a libp2p port on ${config.host} is already in use`)
  }
  if (/EADDRNOTAVAIL|EACCES/i.test(text))
    return new ConfigError(
      `--host: cannot listen on ${config.host}: ${/(EADDRNOTAVAIL|EACCES)/.exec(text)?.[1]}`,
    )
  return err
}

/** Creates and starts the node; throws `ConfigError` for a port in use or an unreadable key. */
export async function createRelayNode(init: RelayNodeInit): Promise<RelayNode> {
  const { config } = init
  const tls =
    config.tlsCert != null && config.tlsKey != null
      ? { cert: readPem(config.tlsCert, '--tls-cert'), key: readPem(config.tlsKey, '--tls-key') }
      : undefined
  // The keychain keeps the WebRTC-Direct certificate's key, so its certhash survives restarts.
  // Its pass is derived from the peer key: whoever can read one can read the other.
  const keychainPass = Buffer.from(sha256(init.privateKey.raw)).toString('hex')
  const unlimited = config.relayDataLimit === 0 && config.relayDurationLimit === 0
  try {
    const webrtcPort = config.webrtcPort === 0 ? await freeUdpPort(config.host) : config.webrtcPort
    return await createLibp2p<RelayServices>({
      privateKey: init.privateKey,
      datastore: init.datastore,
      addresses: {
        listen: listenAddrs({ ...config, webrtcPort }),
        announce: config.announce.map(String),
      },
      transports: [tcp(), webSockets(tls != null ? { https: tls } : {}), webRTCDirect()],
      connectionEncrypters: [joinedWrites(noise())],
      streamMuxers: [yamux({ maxEarlyStreams: DEFAULT_MAX_EARLY_STREAMS })],
      connectionManager: {
        maxConnections: config.maxConnections,
        inboundConnectionThreshold: config.inboundConnectionThreshold,
        maxIncomingPendingConnections: config.maxPendingConnections,
      },
      connectionGater: {
        denyInboundRelayReservation: async (peer) => init.denyReservation?.(peer) ?? false,
        denyInboundConnection: async (conn) => init.denyAddress?.(conn.remoteAddr) ?? false,
        denyInboundEncryptedConnection: async (peer) => init.denyPeer?.(peer) ?? false,
        denyDialPeer: async (peer) => init.denyPeer?.(peer) ?? false,
      },
      metrics: prometheusMetrics({ registry: init.registry, preserveExistingMetrics: true }),
      services: {
        identify: identify(),
        identifyPush: identifyPush(),
        ping: ping(),
        keychain: keychain({ pass: keychainPass }),
        relay: circuitRelayServer({
          maxInboundHopStreams: config.maxHopStreams,
          reservations: {
            maxReservations: config.maxReservations,
            reservationTtl: config.reservationTtl,
            applyDefaultLimit: !unlimited,
            defaultDataLimit: BigInt(
              config.relayDataLimit === 0 ? Number.MAX_SAFE_INTEGER : config.relayDataLimit,
            ),
            defaultDurationLimit:
              config.relayDurationLimit === 0 ? 2 ** 31 - 1 : config.relayDurationLimit,
          },
        }),
        dht: kadDHT({
          protocol: DHT_PROTOCOL,
          clientMode: false,
          validators: init.validators,
          selectors: init.selectors,
          peerInfoMapper: chooseMapper(config.peerInfoMapper, config),
          initialQuerySelfInterval: config.initialQuerySelfInterval,
          logPrefix: 'libp2p:an-dht',
          metricsPrefix: 'libp2p_an_dht',
        }),
        live: liveGossip({ topicBudgetBytes: RELAY_TOPIC_BUDGET_BYTES, mesh: RELAY_MESH }),
      },
    })
  } catch (err) {
    throw listenError(err as Error, config)
  }
}
