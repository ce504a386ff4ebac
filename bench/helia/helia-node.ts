/**
 * A Helia node for the comparison with Helia doing Alternet's job: WebSockets only, Noise,
 * Yamux, identify and Helia's default bitswap; no bootstrap list, delegated routers or HTTP
 * gateways (this machine reaches no outside network, and the job is one peer to another). The
 * same code runs in Node (the source) and, bundled, in Chromium (the fetcher).
 * @module
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { webSockets } from '@libp2p/websockets'
import { createHelia } from 'helia'

/** The running Helia node `createHelia` gives. */
export type HeliaNode = ReturnType<typeof createHelia>

/** Starts a Helia node listening on `listen` (none for a fetcher). */
export async function startHelia(listen: string[] = []): Promise<HeliaNode> {
  const helia = createHelia({
    libp2p: {
      addresses: { listen },
      transports: [webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      peerDiscovery: [],
      services: { identify: identify() },
      // Loopback `ws://` addresses: a browser's libp2p refuses them by default.
      connectionGater: { denyDialMultiaddr: () => false },
    },
    http: { delegatedRouters: [], recursiveGateways: [] },
  })
  await helia.start()
  return helia
}
