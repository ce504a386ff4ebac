/**
 * What the Node peer (`alternet host`) sends on a WebSocket connection: each WebSocket message
 * carries whole Noise messages, each with its 2-byte length, never a length alone, as a relay
 * (`src/net/node/joined-writes.ts`). A libp2p node dials the Node peer's node over WebSockets,
 * pings it, and records every message the peer sends, as the transport hands them to Noise.
 */
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { ping } from '@libp2p/ping'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { noiseMessages, recording } from '../support/noise-messages.ts'
import { createNodeNode } from '../../src/node/create-node-node.ts'
import { releaseWebRTC } from '../../src/node/release-webrtc.ts'

describe('Node peer WebSocket writes', () => {
  it('sends whole Noise messages in each WebSocket message, never a length alone', async () => {
    const peer = await createNodeNode({
      privateKey: await generateKeyPair('Ed25519'),
      relays: [],
      dev: { allowPrivateAddresses: true, allowInsecureWebSockets: true },
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
    })
    const received: Uint8Array[] = []
    const node = await createLibp2p({
      transports: [webSockets()],
      connectionEncrypters: [recording(received)],
      streamMuxers: [yamux()],
      // Each ping's stream may still be closing when the next opens: room for both.
      services: { ping: ping({ maxOutboundStreams: 4 }) },
    })
    try {
      const addr = peer.libp2p.getMultiaddrs().find((a) => a.toString().includes('/ws/'))
      assert.ok(addr !== undefined, 'the Node peer listens on WebSockets')
      for (let i = 0; i < 3; i++) await node.services.ping.ping(addr)
    } finally {
      await node.stop()
      await peer.libp2p.stop()
      await releaseWebRTC()
    }
    // The handshake's second message, identify, multistream-select and three pings at least.
    assert.ok(received.length >= 5, `only ${received.length} messages from the Node peer`)
    for (const [i, message] of received.entries()) {
      const split = noiseMessages(message)
      assert.ok(
        typeof split !== 'string',
        `message ${i} (${message.length} bytes) does not hold whole Noise messages: ${String(split)}`,
      )
    }
  })
})
