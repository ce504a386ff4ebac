/**
 * The set-up of the Node peer specs that run devices (`createNodePeer`) against one real relay
 * process: `relayWithDevices` registers the hooks that start the relay before the specs and stop
 * every device, the relay and their data directories after them.
 * @module
 */
import { after, before } from '../support/spec.ts'
import {
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from '../relay/support/relay-process.ts'
import { createNodePeer, type NodePeer } from '../../src/node/create-node-peer.ts'
import { releaseWebRTC } from '../../src/node/release-webrtc.ts'

/** The development options that let a peer reach a relay on loopback over plain WebSockets. */
export const DEV = { allowPrivateAddresses: true, allowInsecureWebSockets: true }

/** One relay and the devices started against it. */
export interface RelayWithDevices {
  /** The relay (started by the `before` hook). */
  readonly relay: RelayProcess
  /** A new data directory named `prefix…`, removed after the specs. */
  dir(prefix: string): Promise<string>
  /** A new Node peer using the relay, publishing without upload and without republish. */
  device(): Promise<NodePeer>
}

/**
 * Registers `before`/`after` hooks for a relay started with `relayFlags` and the devices the
 * specs start; directories are named after `label`.
 */
export function relayWithDevices(label: string, relayFlags: string[]): RelayWithDevices {
  const dirs: string[] = []
  const peers: NodePeer[] = []
  let relay: RelayProcess | undefined

  const dir = async (prefix: string): Promise<string> => {
    const made = await tempDir(prefix)
    dirs.push(made)
    return made
  }

  before(async () => {
    relay = await startRelay(await dir(`an-${label}-relay-`), relayFlags)
  })

  after(async () => {
    for (const p of peers) {
      await p.stop()
      await p.storage.closed()
    }
    await relay?.stop()
    await Promise.all(dirs.map(removeDir))
    await releaseWebRTC()
  })

  const started = (): RelayProcess => {
    if (relay === undefined) throw new Error('the relay starts in the before hook')
    return relay
  }

  return {
    get relay(): RelayProcess {
      return started()
    },
    dir,
    async device(): Promise<NodePeer> {
      const peer = await createNodePeer({
        dataDir: await dir(`an-${label}-device-`),
        relays: [started().http],
        dev: DEV,
        // No upload to the relay: a mirroring relay pulls from the peer, as from any host.
        mirrorWait: 0,
        republish: false,
      })
      peers.push(peer)
      return peer
    },
  }
}
