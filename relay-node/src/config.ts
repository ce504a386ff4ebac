/**
 * The relay's settings: one table of options read from flags, `ALTERNET_RELAY_*` environment
 * variables and an optional JSON config file (`--config`), in that order of precedence.
 * Every bad value becomes a `ConfigError` with one line naming the option.
 * @module
 */
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { Multiaddr } from '@multiformats/multiaddr'
import * as C from './constants.ts'
import { ConfigError } from './errors.ts'
import { LOG_LEVELS, type LogLevel } from './log.ts'
import { envName, readOption, showDefault, type OptionSpec } from './option-spec.ts'
import { CONNECTION_OPTIONS, type ConnectionSettings } from './connection-settings.ts'
import { STORE_OPTIONS, type StoreSettings } from './store-settings.ts'
import {
  checkGatewayHost,
  GATEWAY_OPTIONS,
  type GatewaySettings,
} from './gateway/gateway-settings.ts'
import { DIRECTORY_OPTIONS, type DirectorySettings } from './directory/directory-settings.ts'
import { MIRROR_OPTIONS, type MirrorSettings } from './mirror/mirror-settings.ts'
import { LIVE_OPTIONS, type LiveSettings } from './live/live-settings.ts'
import { API_OPTIONS, type ApiSettings } from './api/api-settings.ts'
import { DNS_OPTIONS, type DnsSettings } from './dns/dns-settings.ts'
import { parseDnsAnswers, parseHostPort } from './dns/dns-options.ts'

/** How kad-dht filters the addresses of peers it learns: see docs/ARCHITECTURE.md, "kad-dht on loopback". */
export type PeerInfoMapperMode = 'auto' | 'passthrough' | 'public'

/** Every setting of a relay, resolved. */
export interface RelayConfig
  extends
    GatewaySettings,
    ConnectionSettings,
    StoreSettings,
    DirectorySettings,
    MirrorSettings,
    LiveSettings,
    DnsSettings,
    ApiSettings {
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
  appDir?: string
  tlsCert?: string
  tlsKey?: string
  https: boolean
  logLevel: LogLevel
  publicMetrics: boolean
  dev: boolean
  peerInfoMapper: PeerInfoMapperMode
  reconnectMin: number
  reconnectMax: number
  deadPeerAfter: number
  pruneInterval: number
  initialQuerySelfInterval: number
}

const DEFAULT_DATA_DIR = join(
  process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'),
  'alternet-relay',
)

/** The options, in the order `--help` lists them. */
export const OPTIONS: readonly OptionSpec<keyof RelayConfig>[] = [
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
  ...GATEWAY_OPTIONS,
  ...CONNECTION_OPTIONS,
  ...STORE_OPTIONS,
  ...DIRECTORY_OPTIONS,
  ...MIRROR_OPTIONS,
  ...LIVE_OPTIONS,
  ...DNS_OPTIONS,
  ...API_OPTIONS,
]

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
  const known = new Map<string, OptionSpec<keyof RelayConfig>>()
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
      out[spec.key] = readOption(spec, spec.kind === 'multiaddrs' ? fromFlag : fromFlag, 'flag')
    else if (fromEnv !== undefined) out[spec.key] = readOption(spec, fromEnv, envName(spec.flag))
    else if (fromFile !== undefined)
      out[spec.key] = readOption(spec, fromFile, `${configPath}: ${spec.key}`)
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
  if (config.mirrorHttpUrl !== undefined && !/^https?:\/\/[^/?#]+$/.test(config.mirrorHttpUrl))
    throw new ConfigError(
      `--mirror-http-url: not an http(s)://host[:port] URL: ${config.mirrorHttpUrl}`,
    )
  if (config.placementBlockBitsV4 > 32)
    throw new ConfigError('--placement-block-bits-v4 must be 0-32')
  if (config.placementBlockBitsV6 > 128)
    throw new ConfigError('--placement-block-bits-v6 must be 0-128')
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

/** Settings for a relay built in-process (tests, bench): defaults, then `overrides`. */
export function defaultConfig(overrides: Partial<RelayConfig> = {}): RelayConfig {
  const out: Record<string, unknown> = {}
  for (const spec of OPTIONS) out[spec.key] = spec.default
  return checkConfig({ ...(out as unknown as RelayConfig), ...overrides })
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
