/**
 * Relay entries from configuration: an http(s) URL whose `/.well-known/alternet.json` names the
 * relay, or a multiaddr ending in `/p2p/<peer id>`. And which of a relay's addresses a browser
 * can dial: WebSockets (secure, or plain only in development), WebRTC-Direct and WebTransport
 * with certificate hashes; never TCP.
 * @module
 */
import { isPrivate } from '@libp2p/utils'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { fromHex } from '../../core/bytes.ts'
import { parseWellKnown } from '../../core/contracts/index.ts'
import { WELL_KNOWN_PATH, WELL_KNOWN_TIMEOUT_MS } from './constants.ts'
import { RELAY_DOCUMENT_REQUEST, takeEarlyRelayDocument } from './early-relay-document.ts'
import { InvalidRelayError, NoDialableAddressError, RelayDocumentError } from './errors.ts'

/** Development-only relaxations of what the node may dial. */
export interface DevSettings {
  /** Dial loopback and private (RFC 1918, ULA) addresses. @default false */
  allowPrivateAddresses?: boolean
  /** Dial plain `ws://` WebSockets. @default false */
  allowInsecureWebSockets?: boolean
}

/** A relay as configured. */
export type RelayEntry =
  { kind: 'url'; url: string } | { kind: 'multiaddr'; addr: Multiaddr; peerId: string }

/** A relay's identity and the addresses a browser may dial. */
export interface RelayAddresses {
  peerId: string
  addrs: Multiaddr[]
  /** The relay's HTTP origin, when configured by URL (its `/revocations/…` lives there). */
  http?: string
  /** Revoker keys the relay trusts (its well-known document's `trustedRevokers`). */
  trustedRevokers: Uint8Array[]
  /** Registrar keys the relay trusts (its well-known document's `trustedRegistrars`). */
  trustedRegistrars: Uint8Array[]
}

/** What a relay's well-known document (`WellKnown`, read by `parseWellKnown`) says, as the node uses it. */
export interface RelayDocument {
  peerId: string
  /** `multiaddrs`, parsed; unreadable entries are skipped. */
  multiaddrs: Multiaddr[]
  /** `trustedRevokers`: 32-byte keys given in hex; unreadable entries are skipped. */
  trustedRevokers: Uint8Array[]
  /** `trustedRegistrars`: likewise. */
  trustedRegistrars: Uint8Array[]
}

function peerIdOf(addr: Multiaddr): string | undefined {
  return addr
    .getComponents()
    .filter((c) => c.name === 'p2p')
    .at(-1)?.value
}

/** Reads one configuration entry; throws `InvalidRelayError`. */
export function parseRelayEntry(entry: string): RelayEntry {
  const text = entry.trim()
  if (text.startsWith('/')) {
    let addr: Multiaddr
    try {
      addr = multiaddr(text)
    } catch (cause) {
      throw new InvalidRelayError(`"${entry}" is not a multiaddr`, { cause })
    }
    const peerId = peerIdOf(addr)
    if (peerId === undefined)
      throw new InvalidRelayError(`"${entry}" does not end in /p2p/<peer id>`)
    return { kind: 'multiaddr', addr, peerId }
  }
  let url: URL
  try {
    url = new URL(text)
  } catch (cause) {
    throw new InvalidRelayError(`"${entry}" is neither a URL nor a multiaddr`, { cause })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidRelayError(`"${entry}" is not an http(s) URL`)
  return { kind: 'url', url: wellKnownUrl(url) }
}

/** The well-known document's URL for a relay URL (its origin, or the document itself). */
export function wellKnownUrl(url: URL): string {
  return url.pathname === WELL_KNOWN_PATH ? url.href : new URL(WELL_KNOWN_PATH, url.origin).href
}

/** Fetches and checks a relay's `/.well-known/alternet.json`; throws `RelayDocumentError`. */
export async function fetchRelayDocument(
  url: string,
  signal?: AbortSignal,
): Promise<RelayDocument> {
  const timeout = AbortSignal.timeout(WELL_KNOWN_TIMEOUT_MS)
  let body: unknown
  try {
    // The app asked for its own relay's document as it started (`early-relay-document.ts`).
    const response = await (takeEarlyRelayDocument(url) ??
      fetch(url, {
        ...RELAY_DOCUMENT_REQUEST,
        signal: signal == null ? timeout : AbortSignal.any([signal, timeout]),
      }))
    signal?.throwIfAborted()
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    body = await response.json()
  } catch (cause) {
    signal?.throwIfAborted()
    throw new RelayDocumentError(`${url}: ${(cause as Error).message}`, { cause })
  }
  const doc = parseWellKnown(body)
  if (doc === undefined) throw new RelayDocumentError(`${url}: not a relay document`)
  const multiaddrs: Multiaddr[] = []
  for (const text of doc.multiaddrs) {
    try {
      multiaddrs.push(multiaddr(text))
    } catch {
      // one unreadable address does not spoil the others
    }
  }
  return {
    peerId: doc.peerId,
    multiaddrs,
    trustedRevokers: doc.trustedRevokers.map(fromHex),
    trustedRegistrars: doc.trustedRegistrars.map(fromHex),
  }
}

/** Whether a browser can dial `addr` at all, and under these settings. */
export function isBrowserDialable(addr: Multiaddr, dev: DevSettings = {}): boolean {
  const names = addr.getComponents().map((c) => c.name)
  if (names.includes('p2p-circuit')) return false
  const secureWs = names.includes('wss') || (names.includes('tls') && names.includes('ws'))
  const plainWs = names.includes('ws') && !names.includes('tls')
  const webrtcDirect = names.includes('webrtc-direct') && names.includes('certhash')
  const webTransport = names.includes('webtransport') && names.includes('certhash')
  const kindOk =
    secureWs || webrtcDirect || webTransport || (plainWs && dev.allowInsecureWebSockets === true)
  if (!kindOk) return false
  return dev.allowPrivateAddresses === true || !isPrivate(addr)
}

/** `addr` with `/p2p/<peerId>` at its end. */
function withPeerId(addr: Multiaddr, peerId: string): Multiaddr {
  return peerIdOf(addr) === peerId ? addr : addr.encapsulate(`/p2p/${peerId}`)
}

/**
 * The relay's identity and browser-dialable addresses: from the entry itself or its
 * well-known document. Throws `RelayDocumentError` or `NoDialableAddressError`.
 */
export async function resolveRelayEntry(
  entry: RelayEntry,
  dev: DevSettings,
  signal?: AbortSignal,
): Promise<RelayAddresses> {
  const doc: RelayDocument =
    entry.kind === 'multiaddr'
      ? {
          peerId: entry.peerId,
          multiaddrs: [entry.addr],
          trustedRevokers: [],
          trustedRegistrars: [],
        }
      : await fetchRelayDocument(entry.url, signal)
  const { peerId, multiaddrs } = doc
  const addrs = multiaddrs
    .filter((a) => isBrowserDialable(a, dev))
    .map((a) => withPeerId(a, peerId))
  if (addrs.length === 0) {
    throw new NoDialableAddressError(
      `relay ${peerId} offers no address this browser may dial (${multiaddrs.map(String).join(', ') || 'none'})`,
    )
  }
  const trust = { trustedRevokers: doc.trustedRevokers, trustedRegistrars: doc.trustedRegistrars }
  return entry.kind === 'url'
    ? { peerId, addrs, http: new URL(entry.url).origin, ...trust }
    : { peerId, addrs, ...trust }
}
