/**
 * The relay's settings: one table of options read from flags, `ALTERNET_RELAY_*` environment
 * variables and an optional JSON config file (`--config`), in that order of precedence.
 * Every bad value becomes a `ConfigError` with one line naming the option.
 * @module
 */
import { isIP } from 'node:net'
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import * as C from './constants.ts'
import * as G from './gateway/constants.ts'
import * as M from './mirror/constants.ts'
import * as D from './directory/constants.ts'
import * as L from './live/constants.ts'
import { ConfigError } from './errors.ts'
import { LOG_LEVELS, type LogLevel } from './log.ts'
import { API_OPTIONS, type ApiSettings } from './api/api-settings.ts'
import { DNS_OPTIONS, type DnsSettings } from './dns/dns-settings.ts'
import { parseDnsAnswers, parseHostPort } from './dns/dns-options.ts'

/** How kad-dht filters the addresses of peers it learns: see docs/ARCHITECTURE.md, "kad-dht on loopback". */
export type PeerInfoMapperMode = 'auto' | 'passthrough' | 'public'
/** What a full store does with a new entry. */
export type EvictionPolicy = 'heaviest' | 'oldest' | 'refuse'

/** Every setting of a relay, resolved. */
export interface RelayConfig extends DnsSettings, ApiSettings {
  dataDir: string
  host: string
  httpPort: number
  tcpPort: number
  wsPort: number
  wssPort: number
  webrtcPort: number
  announce: Multiaddr[]
  bootstrap: Multiaddr[]
  publicHost: string
  gatewayHost?: string
  gatewayClientRate: number
  gatewayMaxRequests: number
  appDir?: string
  tlsCert?: string
  tlsKey?: string
  https: boolean
  logLevel: LogLevel
  publicMetrics: boolean
  dev: boolean
  peerInfoMapper: PeerInfoMapperMode
  maxReservations: number
  maxReservationsPerSource: number
  sourcePrefixV4: number
  sourcePrefixV6: number
  reservationTtl: number
  relayDataLimit: number
  relayDurationLimit: number
  maxHopStreams: number
  maxConnections: number
  inboundConnectionThreshold: number
  maxPendingConnections: number
  storeMaxBytes: number
  storePeerQuota: number
  storeSourceQuota: number
  newNamesPerMinute: number
  directoryMaxEntries: number
  directoryPerSource: number
  directoryPerOwner: number
  evictionPolicy: EvictionPolicy
  storeFlushInterval: number
  rootLookupTimeout: number
  rootCacheSize: number
  rootCacheTtl: number
  rootNegativeTtl: number
  maxRootLookups: number
  republishInterval: number
  expirySweepInterval: number
  reconnectMin: number
  reconnectMax: number
  deadPeerAfter: number
  pruneInterval: number
  initialQuerySelfInterval: number
  mirrorPolicy: (typeof M.MIRROR_POLICIES)[number]
  mirrorMaxBytes: number
  mirrorOwnerQuota: number
  mirrorReplicas: number
  mirrorScanInterval: number
  liveMaxTopics: number
  liveTopicsPerPeer: number
  liveTopicsPerSource: number
}

type Kind =
  | 'string'
  | 'path'
  | 'host'
  | 'port'
  | 'count'
  | 'duration'
  | 'bytes'
  | 'bool'
  | 'multiaddrs'
  | 'list'
  | 'enum'

/** One row of the option table: a setting, its flag, how it is read and its `--help` line. */
export interface OptionSpec {
  key: keyof RelayConfig
  flag: string
  kind: Kind
  doc: string
  default?: unknown
  values?: readonly string[]
}

const DEFAULT_DATA_DIR = join(
  process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'),
  'alternet-relay',
)

/** The options, in the order `--help` lists them. */
export const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'dataDir',
    flag: 'data-dir',
    kind: 'path',
    default: DEFAULT_DATA_DIR,
    doc: 'identity, records, trust files',
  },
  {
    key: 'host',
    flag: 'host',
    kind: 'host',
    default: C.DEFAULT_HOST,
    doc: 'bind address (0.0.0.0 to serve the world)',
  },
  {
    key: 'httpPort',
    flag: 'http-port',
    kind: 'port',
    default: C.DEFAULT_HTTP_PORT,
    doc: 'HTTP: health, metrics, app (0 = any free port)',
  },
  {
    key: 'tcpPort',
    flag: 'tcp-port',
    kind: 'port',
    default: C.DEFAULT_TCP_PORT,
    doc: 'libp2p TCP, relay to relay',
  },
  {
    key: 'wsPort',
    flag: 'ws-port',
    kind: 'port',
    default: C.DEFAULT_WS_PORT,
    doc: 'libp2p WebSockets',
  },
  {
    key: 'wssPort',
    flag: 'wss-port',
    kind: 'port',
    default: C.DEFAULT_WSS_PORT,
    doc: 'libp2p secure WebSockets (with --tls-cert/--tls-key)',
  },
  {
    key: 'webrtcPort',
    flag: 'webrtc-port',
    kind: 'port',
    default: C.DEFAULT_WEBRTC_PORT,
    doc: 'libp2p WebRTC-Direct (UDP)',
  },
  {
    key: 'announce',
    flag: 'announce',
    kind: 'multiaddrs',
    default: [],
    doc: 'address to announce instead of the listen ones (repeatable)',
  },
  {
    key: 'bootstrap',
    flag: 'bootstrap',
    kind: 'multiaddrs',
    default: [],
    doc: 'another relay, /…/p2p/<id> (repeatable)',
  },
  {
    key: 'publicHost',
    flag: 'public-host',
    kind: 'string',
    default: C.DEFAULT_PUBLIC_HOST,
    doc: "the app's host name; sites are <label>.<host>",
  },
  {
    key: 'gatewayHost',
    flag: 'gateway-host',
    kind: 'string',
    doc: 'the HTTP gateway also answers <origin label>.<this host> (it always answers <origin label>.alt); not the app host or a name above or under it',
  },
  {
    key: 'gatewayClientRate',
    flag: 'gateway-client-rate',
    kind: 'count',
    default: G.DEFAULT_GATEWAY_CLIENT_RATE,
    doc: 'gateway requests one client address (IPv6: its /64) may make per minute; more get 429',
  },
  {
    key: 'gatewayMaxRequests',
    flag: 'gateway-max-requests',
    kind: 'count',
    default: G.DEFAULT_GATEWAY_MAX_REQUESTS,
    doc: 'gateway requests in progress across all clients; more get 503',
  },
  {
    key: 'appDir',
    flag: 'app-dir',
    kind: 'path',
    doc: "the built app (default: the repo's dist/ when present)",
  },
  {
    key: 'tlsCert',
    flag: 'tls-cert',
    kind: 'path',
    doc: 'PEM certificate for wss (and HTTPS with --https)',
  },
  { key: 'tlsKey', flag: 'tls-key', kind: 'path', doc: 'PEM private key of --tls-cert' },
  {
    key: 'https',
    flag: 'https',
    kind: 'bool',
    default: false,
    doc: 'serve the HTTP port over TLS with --tls-cert/--tls-key',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    kind: 'enum',
    values: LOG_LEVELS,
    default: 'info',
    doc: LOG_LEVELS.join(' | '),
  },
  {
    key: 'publicMetrics',
    flag: 'public-metrics',
    kind: 'bool',
    default: false,
    doc: 'serve /metrics to anyone (default: direct loopback requests only)',
  },
  {
    key: 'dev',
    flag: 'dev',
    kind: 'bool',
    default: false,
    doc: 'local development: keep private addresses in the DHT',
  },
  {
    key: 'peerInfoMapper',
    flag: 'peer-info-mapper',
    kind: 'enum',
    values: ['auto', 'passthrough', 'public'],
    default: 'auto',
    doc: 'DHT address filter; auto = passthrough on loopback/LAN binds',
  },
  {
    key: 'maxReservations',
    flag: 'max-reservations',
    kind: 'count',
    default: C.DEFAULT_MAX_RESERVATIONS,
    doc: 'circuit relay reservations held at once',
  },
  {
    key: 'maxReservationsPerSource',
    flag: 'max-reservations-per-source',
    kind: 'count',
    default: C.DEFAULT_MAX_RESERVATIONS_PER_SOURCE,
    doc: 'circuit relay reservations one source (address block) may hold (0 = no limit)',
  },
  {
    key: 'sourcePrefixV4',
    flag: 'source-prefix-v4',
    kind: 'count',
    default: C.DEFAULT_SOURCE_PREFIX_V4,
    doc: 'IPv4 prefix length that counts as one source for quotas and reservations',
  },
  {
    key: 'sourcePrefixV6',
    flag: 'source-prefix-v6',
    kind: 'count',
    default: C.DEFAULT_SOURCE_PREFIX_V6,
    doc: 'IPv6 prefix length that counts as one source for quotas and reservations',
  },
  {
    key: 'reservationTtl',
    flag: 'reservation-ttl',
    kind: 'duration',
    default: C.DEFAULT_RESERVATION_TTL_MS,
    doc: 'reservation lifetime',
  },
  {
    key: 'relayDataLimit',
    flag: 'relay-data-limit',
    kind: 'bytes',
    default: C.DEFAULT_RELAY_DATA_LIMIT,
    doc: 'bytes per relayed connection (0 = unlimited)',
  },
  {
    key: 'relayDurationLimit',
    flag: 'relay-duration-limit',
    kind: 'duration',
    default: C.DEFAULT_RELAY_DURATION_LIMIT_MS,
    doc: 'lifetime of a relayed connection (0 = unlimited)',
  },
  {
    key: 'maxHopStreams',
    flag: 'max-hop-streams',
    kind: 'count',
    default: C.DEFAULT_MAX_HOP_STREAMS,
    doc: 'inbound relay (HOP) streams at once',
  },
  {
    key: 'maxConnections',
    flag: 'max-connections',
    kind: 'count',
    default: C.DEFAULT_MAX_CONNECTIONS,
    doc: 'connections at once',
  },
  {
    key: 'inboundConnectionThreshold',
    flag: 'inbound-connection-threshold',
    kind: 'count',
    default: C.DEFAULT_INBOUND_CONNECTION_THRESHOLD,
    doc: 'new connections per second per IP',
  },
  {
    key: 'maxPendingConnections',
    flag: 'max-pending-connections',
    kind: 'count',
    default: C.DEFAULT_MAX_PENDING_CONNECTIONS,
    doc: 'inbound connections upgrading at once',
  },
  {
    key: 'storeMaxBytes',
    flag: 'store-max-bytes',
    kind: 'bytes',
    default: C.DEFAULT_STORE_MAX_BYTES,
    doc: 'total size of stored records and providers',
  },
  {
    key: 'storePeerQuota',
    flag: 'store-peer-quota',
    kind: 'bytes',
    default: C.DEFAULT_STORE_PEER_QUOTA_BYTES,
    doc: 'bytes one sending peer may occupy',
  },
  {
    key: 'storeSourceQuota',
    flag: 'store-source-quota',
    kind: 'bytes',
    default: C.DEFAULT_STORE_SOURCE_QUOTA_BYTES,
    doc: 'bytes the peers of one source (address block) may occupy together',
  },
  {
    key: 'newNamesPerMinute',
    flag: 'new-names-per-minute',
    kind: 'count',
    default: C.DEFAULT_NEW_NAMES_PER_MINUTE,
    doc: 'names not yet stored one source may add per minute (bursts of a few minutes allowed; 0 = no limit)',
  },
  {
    key: 'directoryMaxEntries',
    flag: 'directory-max-entries',
    kind: 'count',
    default: D.DIRECTORY_MAX_ENTRIES,
    doc: 'sites the public directory lists at most',
  },
  {
    key: 'directoryPerSource',
    flag: 'directory-per-source',
    kind: 'count',
    default: D.DIRECTORY_MAX_PER_SOURCE,
    doc: 'sites the public directory lists at most from one source (address block)',
  },
  {
    key: 'directoryPerOwner',
    flag: 'directory-per-owner',
    kind: 'count',
    default: D.DIRECTORY_MAX_PER_OWNER,
    doc: 'sites the public directory lists at most per owner key',
  },
  {
    key: 'evictionPolicy',
    flag: 'eviction-policy',
    kind: 'enum',
    values: ['heaviest', 'oldest', 'refuse'],
    default: C.DEFAULT_EVICTION_POLICY,
    doc: 'when full: evict expired records and provider records, oldest first, then (heaviest) the newest records of the source holding the most; oldest never evicts a live name; refuse evicts nothing',
  },
  {
    key: 'storeFlushInterval',
    flag: 'store-flush-interval',
    kind: 'duration',
    default: C.DEFAULT_STORE_FLUSH_INTERVAL_MS,
    doc: 'batch store writes to disk this often; a crash loses at most this much (0 = write each at once)',
  },
  {
    key: 'rootLookupTimeout',
    flag: 'root-lookup-timeout',
    kind: 'duration',
    default: C.DEFAULT_ROOT_LOOKUP_TIMEOUT_MS,
    doc: "how long a write of a name not held here, or a subdomain write, waits for a DHT look-up of the (root) name's record",
  },
  {
    key: 'rootCacheSize',
    flag: 'root-cache-size',
    kind: 'count',
    default: C.DEFAULT_ROOT_CACHE_SIZE,
    doc: 'root look-up results kept, found or not (0 = none)',
  },
  {
    key: 'rootCacheTtl',
    flag: 'root-cache-ttl',
    kind: 'duration',
    default: C.DEFAULT_ROOT_CACHE_TTL_MS,
    doc: 'longest a found root record is reused (never near its expiry)',
  },
  {
    key: 'rootNegativeTtl',
    flag: 'root-negative-ttl',
    kind: 'duration',
    default: C.DEFAULT_ROOT_NEGATIVE_TTL_MS,
    doc: 'how long "no root record found" stands before the DHT is asked again',
  },
  {
    key: 'maxRootLookups',
    flag: 'max-root-lookups',
    kind: 'count',
    default: C.DEFAULT_MAX_ROOT_LOOKUPS,
    doc: 'DHT look-ups of distinct root names at once; writes needing more are refused (busy)',
  },
  {
    key: 'republishInterval',
    flag: 'republish-interval',
    kind: 'duration',
    default: C.DEFAULT_REPUBLISH_INTERVAL_MS,
    doc: 're-put held records to the closest peers this often',
  },
  {
    key: 'expirySweepInterval',
    flag: 'expiry-sweep-interval',
    kind: 'duration',
    default: C.DEFAULT_EXPIRY_SWEEP_INTERVAL_MS,
    doc: 'drop expired records this often',
  },
  {
    key: 'reconnectMin',
    flag: 'reconnect-min',
    kind: 'duration',
    default: C.DEFAULT_RECONNECT_MIN_MS,
    doc: 'first back-off before redialling a bootstrap relay',
  },
  {
    key: 'reconnectMax',
    flag: 'reconnect-max',
    kind: 'duration',
    default: C.DEFAULT_RECONNECT_MAX_MS,
    doc: 'longest back-off',
  },
  {
    key: 'deadPeerAfter',
    flag: 'dead-peer-after',
    kind: 'duration',
    default: C.DEFAULT_DEAD_PEER_AFTER_MS,
    doc: 'forget a peer unreachable this long',
  },
  {
    key: 'pruneInterval',
    flag: 'prune-interval',
    kind: 'duration',
    default: C.DEFAULT_PRUNE_INTERVAL_MS,
    doc: 'look for dead peers this often',
  },
  {
    key: 'initialQuerySelfInterval',
    flag: 'initial-query-self-interval',
    kind: 'duration',
    default: C.DEFAULT_INITIAL_QUERY_SELF_INTERVAL_MS,
    doc: "delay of kad-dht's first self-query",
  },
  {
    key: 'mirrorPolicy',
    flag: 'mirror-policy',
    kind: 'enum',
    values: M.MIRROR_POLICIES,
    default: M.DEFAULT_MIRROR_POLICY,
    doc: 'which sites to mirror: open (any valid site within quotas), registered (names a trusted registrar vouches for), none',
  },
  {
    key: 'mirrorMaxBytes',
    flag: 'mirror-max-bytes',
    kind: 'bytes',
    default: M.DEFAULT_MIRROR_MAX_BYTES,
    doc: 'disk space for mirrored sites; when full, sites past their horizon go first, then the least recently requested',
  },
  {
    key: 'mirrorOwnerQuota',
    flag: 'mirror-owner-quota',
    kind: 'bytes',
    default: M.DEFAULT_MIRROR_OWNER_QUOTA,
    doc: 'bytes of mirrored sites one owner key may occupy',
  },
  {
    key: 'mirrorReplicas',
    flag: 'mirror-replicas',
    kind: 'count',
    default: M.DEFAULT_MIRROR_REPLICAS,
    doc: 'relays that mirror each site (the closest to its DHT key)',
  },
  {
    key: 'mirrorScanInterval',
    flag: 'mirror-scan-interval',
    kind: 'duration',
    default: M.DEFAULT_MIRROR_SCAN_INTERVAL_MS,
    doc: 'look at placement again this often: the bound on restoring copies after a mirror leaves',
  },
  {
    key: 'liveMaxTopics',
    flag: 'live-max-topics',
    kind: 'count',
    default: L.MAX_LIVE_TOPICS,
    doc: 'live-update topics (sites) followed for browsers and other peers at most',
  },
  {
    key: 'liveTopicsPerPeer',
    flag: 'live-topics-per-peer',
    kind: 'count',
    default: L.MAX_LIVE_TOPICS_PER_PEER,
    doc: 'live-update topics followed for one peer at most; its further topics are refused',
  },
  {
    key: 'liveTopicsPerSource',
    flag: 'live-topics-per-source',
    kind: 'count',
    default: L.MAX_LIVE_TOPICS_PER_SOURCE,
    doc: 'live-update topics followed for the peers of one source (address block) at most',
  },
  ...DNS_OPTIONS,
  ...API_OPTIONS,
]

/** The environment variable of a flag: `--http-port` → `ALTERNET_RELAY_HTTP_PORT`. */
export function envName(flag: string): string {
  return `ALTERNET_RELAY_${flag.toUpperCase().replaceAll('-', '_')}`
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
}

function convert(spec: OptionSpec, raw: unknown, source: string): unknown {
  const where = `${source === 'flag' ? `--${spec.flag}` : source}`
  const bad = (why: string): never => {
    throw new ConfigError(`${where}: ${why} (got ${JSON.stringify(raw)})`)
  }
  const str = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw
  switch (spec.kind) {
    case 'string':
    case 'path':
      if (typeof str !== 'string' || str === '') bad('expected a non-empty value')
      return spec.kind === 'path' ? resolve(str as string) : str
    case 'host':
      if (typeof str !== 'string' || isIP(str) === 0)
        bad('expected an IPv4 or IPv6 address to bind to')
      return str
    case 'port': {
      const n = Number(str)
      if (typeof str !== 'string' || !/^\d+$/.test(str) || n > 65535)
        bad('expected a port number 0-65535')
      return n
    }
    case 'count': {
      const n = Number(str)
      if (typeof str !== 'string' || !/^\d+$/.test(str) || !Number.isSafeInteger(n))
        bad('expected a whole number')
      return n
    }
    case 'duration': {
      const m = typeof str === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(str) : null
      if (m == null)
        return bad('expected a duration such as 500ms, 30s, 5m, 1h (a bare number is ms)')
      return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms'])
    }
    case 'bytes': {
      const m = typeof str === 'string' ? /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(str) : null
      const unit = m == null ? undefined : BYTE_UNITS[m[2].toLowerCase()]
      if (m == null || unit == null) return bad('expected a size such as 4096, 64KiB, 256MiB')
      return Math.round(Number(m[1]) * unit)
    }
    case 'bool':
      if (raw === true || str === 'true' || str === '1') return true
      if (raw === false || str === 'false' || str === '0' || str === '') return false
      return bad('expected true or false')
    case 'enum':
      if (typeof str !== 'string' || !spec.values!.includes(str))
        bad(`expected one of ${spec.values!.join(', ')}`)
      return str
    case 'list': {
      const items = Array.isArray(raw)
        ? raw
        : typeof raw === 'string'
          ? [raw]
          : bad('expected a list')
      return items
        .flatMap((item) => (typeof item === 'string' ? item.split(/[\s,]+/) : bad('expected text')))
        .filter(Boolean)
    }
    case 'multiaddrs': {
      const items = Array.isArray(raw)
        ? raw
        : typeof raw === 'string'
          ? raw.split(/[\s,]+/).filter(Boolean)
          : bad('expected multiaddrs')
      return items.map((item) => {
        if (typeof item !== 'string') return bad('expected multiaddr strings')
        try {
          return multiaddr(item)
        } catch {
          return bad(`not a multiaddr: ${item}`)
        }
      })
    }
  }
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError(
      `--config: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    )
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new ConfigError(`--config: ${path} is not JSON: ${(err as Error).message}`)
  }
  if (data == null || typeof data !== 'object' || Array.isArray(data))
    throw new ConfigError(`--config: ${path} must hold a JSON object`)
  return data as Record<string, unknown>
}

/** The result of reading the command line: settings, or a request for help. */
export type ParsedCommandLine = { help: true } | { help: false; config: RelayConfig }

/**
 * Reads flags (`argv` without node and script), `env` and the `--config` file into settings.
 * Throws `ConfigError` with one line on the first bad value.
 */
export function parseCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ParsedCommandLine {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    help: { type: 'boolean' },
    config: { type: 'string' },
  }
  for (const spec of OPTIONS)
    options[spec.flag] = {
      type: spec.kind === 'bool' ? 'boolean' : 'string',
      multiple: spec.kind === 'multiaddrs' || spec.kind === 'list',
    }
  let values: Record<string, unknown>
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values
  } catch (err) {
    throw new ConfigError(`${(err as Error).message.split('\n')[0]} (see --help)`)
  }
  if (values.help === true) return { help: true }
  const configPath = (values.config as string | undefined) ?? env[envName('config')]
  const file = configPath != null ? readConfigFile(resolve(configPath)) : {}
  const known = new Map<string, OptionSpec>()
  for (const spec of OPTIONS) {
    known.set(spec.key, spec)
    known.set(spec.flag, spec)
  }
  for (const key of Object.keys(file)) {
    if (!known.has(key))
      throw new ConfigError(`--config: unknown setting "${key}" in ${configPath} (see --help)`)
  }
  const out: Record<string, unknown> = {}
  for (const spec of OPTIONS) {
    const fromFlag = values[spec.flag]
    const fromEnv = env[envName(spec.flag)]
    const fromFile = file[spec.key] ?? file[spec.flag]
    if (fromFlag !== undefined)
      out[spec.key] = convert(spec, spec.kind === 'multiaddrs' ? fromFlag : fromFlag, 'flag')
    else if (fromEnv !== undefined) out[spec.key] = convert(spec, fromEnv, envName(spec.flag))
    else if (fromFile !== undefined)
      out[spec.key] = convert(spec, fromFile, `${configPath}: ${spec.key}`)
    else out[spec.key] = spec.default
  }
  return { help: false, config: checkConfig(out as unknown as RelayConfig) }
}

/** Checks settings that depend on each other; returns them with derived defaults filled in. */
export function checkConfig(config: RelayConfig): RelayConfig {
  if ((config.tlsCert == null) !== (config.tlsKey == null)) {
    throw new ConfigError(`--tls-cert and --tls-key go together: give both or neither`)
  }
  if (config.https && config.tlsCert == null)
    throw new ConfigError('--https needs --tls-cert and --tls-key')
  for (const addr of config.bootstrap) {
    if (addr.getComponents().find((c) => c.name === 'p2p') == null) {
      throw new ConfigError(`--bootstrap: ${addr.toString()} has no /p2p/<peer id> part`)
    }
  }
  if (!/^[a-z0-9.-]+$/i.test(config.publicHost))
    throw new ConfigError(`--public-host: not a host name: ${config.publicHost}`)
  checkGatewayHost(config)
  if (config.reconnectMin > config.reconnectMax)
    throw new ConfigError('--reconnect-min is larger than --reconnect-max')
  if (config.maxReservations < 1) throw new ConfigError('--max-reservations must be at least 1')
  if (config.sourcePrefixV4 > 32) throw new ConfigError('--source-prefix-v4 must be 0-32')
  if (config.sourcePrefixV6 > 128) throw new ConfigError('--source-prefix-v6 must be 0-128')
  if (config.maxRootLookups < 1) throw new ConfigError('--max-root-lookups must be at least 1')
  if (config.mirrorReplicas < 1) throw new ConfigError('--mirror-replicas must be at least 1')
  if (config.rootLookupTimeout < 1)
    throw new ConfigError('--root-lookup-timeout must be longer than 0')
  parseDnsAnswers(config.dnsAnswer)
  if (
    config.dnsPort !== undefined &&
    config.dnsAnswer.length === 0 &&
    (config.host === '0.0.0.0' || config.host === '::')
  )
    throw new ConfigError(
      `--dns-port needs --dns-answer: the address of this gateway that <site>.alt should resolve to (--host ${config.host} is not one address)`,
    )
  if (config.dnsUpstream !== undefined) parseHostPort(config.dnsUpstream)
  return config
}

/**
 * The gateway's host name must be a host name apart from the app's: sites on it must not be
 * same-site with the app (cookies, storage), nor may the app be one of its sites.
 */
function checkGatewayHost(config: RelayConfig): void {
  const app = config.publicHost.toLowerCase()
  if (app === G.GATEWAY_TLD || app.endsWith(`.${G.GATEWAY_TLD}`))
    throw new ConfigError(
      `--public-host: ${app} is under .${G.GATEWAY_TLD}, which the HTTP gateway answers for sites`,
    )
  const gateway = config.gatewayHost?.toLowerCase()
  if (gateway == null) return
  if (!/^[a-z0-9.-]+$/.test(gateway) || (!gateway.includes('.') && gateway !== 'localhost'))
    throw new ConfigError(`--gateway-host: not a host name: ${config.gatewayHost}`)
  if (gateway === app || gateway.endsWith(`.${app}`) || app.endsWith(`.${gateway}`))
    throw new ConfigError(
      `--gateway-host: ${gateway} must not be the app host ${app}, nor a name above or under it`,
    )
}

/** Settings for a relay built in-process (tests, bench): defaults, then `overrides`. */
export function defaultConfig(overrides: Partial<RelayConfig> = {}): RelayConfig {
  const out: Record<string, unknown> = {}
  for (const spec of OPTIONS) out[spec.key] = spec.default
  return checkConfig({ ...(out as unknown as RelayConfig), ...overrides })
}

function showDefault(spec: OptionSpec): string {
  const value = spec.default as number
  if (spec.kind === 'duration') {
    for (const [unit, ms] of [
      ['d', 86_400_000],
      ['h', 3_600_000],
      ['m', 60_000],
      ['s', 1000],
    ] as const)
      if (value >= ms && value % ms === 0) return `${value / ms}${unit}`
    return `${value}ms`
  }
  if (spec.kind === 'bytes') {
    for (const [unit, n] of [
      ['GiB', 1024 ** 3],
      ['MiB', 1024 ** 2],
      ['KiB', 1024],
    ] as const)
      if (value >= n && value % n === 0) return `${value / n}${unit}`
  }
  return String(spec.default)
}

/** The `--help` text: every flag, its environment variable and default. */
export function helpText(): string {
  const lines = [
    'alternet-relay: the Alternet relay, bootstrap and DHT server.',
    '',
    'Usage: alternet-relay [flags]     (from the repo: npm run relay -- [flags])',
    '',
    'Every flag can also be set by the environment variable shown, or in a JSON file given',
    'with --config FILE (keys in camelCase or as the flag). Flags win over the environment,',
    'the environment over the file. Durations: 500ms, 30s, 5m, 1h; sizes: 4096, 64KiB, 1GiB.',
    '',
    `  --config FILE  (${envName('config')})`,
    '      JSON file of settings',
  ]
  for (const spec of OPTIONS) {
    const arg =
      spec.kind === 'bool'
        ? ''
        : ` ${spec.kind === 'multiaddrs' ? 'MULTIADDR' : spec.kind === 'list' ? 'ADDRESS' : spec.kind.toUpperCase()}`
    const def =
      spec.default === undefined || (Array.isArray(spec.default) && spec.default.length === 0)
        ? ''
        : `, default ${showDefault(spec)}`
    lines.push(`  --${spec.flag}${arg}  (${envName(spec.flag)})`, `      ${spec.doc}${def}`)
  }
  lines.push('  --help', '      print this and exit', '')
  return lines.join('\n')
}
