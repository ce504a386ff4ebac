/**
 * The browser node: a libp2p peer in the page, connected to relays that carry its WebRTC
 * signalling and its DHT queries. See docs/ARCHITECTURE.md and docs/PROTOCOL.md.
 *
 * @example
 * ```ts
 * import { createBrowserNode } from './net/node/index.ts'
 * import { openAlternetStorage } from './storage/index.ts'
 *
 * const storage = openAlternetStorage()
 * const { libp2p, relays, naming } = await createBrowserNode({
 *   privateKey: await storage.identity.getOrCreatePeerKey(),
 *   relays: [location.origin],
 *   storage,
 * })
 * relays.addEventListener('status', (e) => console.log((e as CustomEvent<RelayStatus>).detail))
 * ```
 * @module
 */
export { createBrowserNode, devConnectionGater } from './create-browser-node.ts'
export type {
  AlternetLibp2p,
  AlternetServices,
  BrowserNode,
  BrowserNodeInit,
  NamingNode,
} from './create-browser-node.ts'
export { startPeerNode } from './start-peer-node.ts'
export { loadNoiseCrypto } from './wasm-noise-crypto.ts'
export type {
  PeerNodeInit,
  PeerNodeServices,
  RuntimeOptions,
  StartedPeerNode,
} from './start-peer-node.ts'
export { RelayManager, relayManager } from './relay-manager.ts'
export type {
  RelayInfo,
  RelayManagerComponents,
  RelayManagerInit,
  RelayStatus,
  RevokerTrust,
} from './relay-manager.ts'
export {
  fetchRelayDocument,
  isBrowserDialable,
  parseRelayEntry,
  resolveRelayEntry,
  wellKnownUrl,
} from './relay-addresses.ts'
export type { DevSettings, RelayAddresses, RelayEntry } from './relay-addresses.ts'
export * from './constants.ts'
export * from './errors.ts'
