/**
 * The options every network command shares (`--relay`, `--data-dir`, `--dev`, `--listen`) and
 * starting the Node peer from them.
 * @module
 */
import { InvalidArgumentError, type Command } from 'commander'
import type { DevSettings } from '../../net/node/index.ts'
import { createNodePeer, type NodePeer } from '../create-node-peer.ts'
import { defaultDataDir } from './data-dir.ts'
import { KEY_PASSPHRASE_ENV } from './passphrase.ts'

/** Environment variable with relay URLs (comma-separated) used when no `--relay` is given. */
export const RELAYS_ENV = 'ALTERNET_RELAYS'

/** The shared options, as commander parses them. */
export interface PeerOptions {
  relay?: string[]
  dataDir: string
  dev?: boolean
  listen?: string[]
  json?: boolean
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

/** Adds `--data-dir` and `--json` (every command) to `command`. */
export function withDataDir(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'where keys, records and blocks are kept', defaultDataDir())
    .option('--json', 'print the result as JSON (for scripts)')
}

/** Adds the network options to `command`. */
export function withPeerOptions(command: Command): Command {
  return withDataDir(command)
    .option(
      '--relay <url>',
      `a relay's app URL (or multiaddr with /p2p/); repeatable (default: $${RELAYS_ENV})`,
      collect,
    )
    .option(
      '--listen <multiaddr>',
      'also listen here (TCP, WebSockets, WebRTC-Direct); repeatable',
      collect,
    )
    .option(
      '--dev',
      'dial loopback/private addresses and plain ws:// (on by itself for local relays)',
    )
}

/** Whether a relay entry points at this machine (the app's own rule for development). */
function isLocal(entry: string): boolean {
  let host: string
  try {
    host = entry.startsWith('/') ? (entry.split('/')[2] ?? '') : new URL(entry).hostname
  } catch {
    return false
  }
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    host === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(host)
  )
}

/**
 * `entry` with a name under `localhost` (`an.localhost`, the app URL `npm start` prints) put as
 * 127.0.0.1. Every such name is this machine (RFC 6761) and browsers treat it so, but Node asks
 * the system's resolver, which often knows `localhost` alone.
 */
export function loopbackForLocalhost(entry: string): string {
  if (entry.startsWith('/')) return entry
  try {
    const url = new URL(entry)
    if (!url.hostname.endsWith('.localhost')) return entry
    url.hostname = '127.0.0.1'
    return url.href
  } catch {
    return entry
  }
}

/** The relays from the options, else the environment; a usage error when there are none. */
export function relaysOf(options: PeerOptions): string[] {
  const relays =
    options.relay ??
    (process.env[RELAYS_ENV] ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean)
  if (relays.length === 0)
    throw new InvalidArgumentError(`give a relay with --relay URL (or set ${RELAYS_ENV})`)
  return relays.map(loopbackForLocalhost)
}

/** Development settings: `--dev`, or every relay on this machine. */
export function devOf(options: PeerOptions, relays: string[]): DevSettings | undefined {
  return options.dev === true || relays.every(isLocal)
    ? { allowPrivateAddresses: true, allowInsecureWebSockets: true }
    : undefined
}

/** Starts the peer the options describe. */
export function openPeer(
  options: PeerOptions,
  extra: { republish?: boolean; mirrorWait?: number } = {},
): Promise<NodePeer> {
  const relays = relaysOf(options)
  const keyPassphrase = process.env[KEY_PASSPHRASE_ENV]
  return createNodePeer({
    dataDir: options.dataDir,
    relays,
    dev: devOf(options, relays),
    listen: options.listen,
    republish: extra.republish ?? false,
    ...(keyPassphrase ? { keyPassphrase } : {}),
    ...(extra.mirrorWait === undefined ? {} : { mirrorWait: extra.mirrorWait }),
  })
}

/** Stops the peer and releases the data directory. */
export async function closePeer(peer: NodePeer): Promise<void> {
  await peer.stop()
  await peer.storage.closed()
}

/** Parses a duration: `30d`, `12h`, `90m`, `45s` or plain ms. Throws `InvalidArgumentError`. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim())
  if (match === null) throw new InvalidArgumentError('a duration such as 30d, 12h, 90m or 45s')
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!
  return Math.round(Number(match[1]) * unit)
}
