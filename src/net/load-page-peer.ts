/**
 * How the app gets the page's peer code: one dynamic import, so that none of the peer (libp2p,
 * naming, hosting, the store) is part of the app's first screen. `src/ui` may import this module
 * beside `src/net/index.ts` (eslint.config.js); a value it imports from `src/net/index.ts` would
 * bring that code back into the first screen (test/e2e/app-first-screen.spec.ts fails then).
 * @module
 */
import type * as PagePeer from './page-peer.ts'

export { askRelayDocumentEarly } from './node/early-relay-document.ts'

/**
 * Loads the page's peer code (`./page-peer.ts` and what it imports, fetched in one go).
 * @example
 * ```ts
 * const { createAlternetPeer } = await loadPagePeer()
 * const peer = await createAlternetPeer({ relays: [location.origin] })
 * ```
 */
export function loadPagePeer(): Promise<typeof PagePeer> {
  return import('./page-peer.ts')
}
