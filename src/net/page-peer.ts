/**
 * The page's peer as one piece, which the app loads after its first screen:
 * `createAlternetPeer`, with the node, naming and browser-peer modules it loads. They are
 * imported here so that they arrive together with it, not one after another.
 * @module
 */
export { createAlternetPeer } from './create-peer.ts'
export { createBrowserNode } from './node/index.ts'
export { selfHostEntry } from './naming/index.ts'
export { BrowserPeer } from './browser-peer.ts'
