/**
 * What a relay sends on a WebSocket connection: each WebSocket message carries whole Noise
 * messages, each with its 2-byte length, never a length alone (`src/net/node/joined-writes.ts`).
 * A Node libp2p node dials a real relay process over WebSockets and records every message
 * the relay sends it, as the transport hands them to Noise.
 */
import { yamux } from '@chainsafe/libp2p-yamux'
import { ping } from '@libp2p/ping'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { noiseMessages, recording } from '../support/noise-messages.ts'
import { removeDir, startRelay, tempDir, type RelayProcess } from './support/relay-process.ts'

describe('relay WebSocket writes', () => {
  let dir: string
  let relay: RelayProcess

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(dir)
  })

  after(async () => {
    await relay.stop()
    await removeDir(dir)
  })

  it('sends whole Noise messages in each WebSocket message, never a length alone', async () => {
    const received: Uint8Array[] = []
    const node = await createLibp2p({
      transports: [webSockets()],
      connectionEncrypters: [recording(received)],
      streamMuxers: [yamux()],
      // Each ping's stream may still be closing when the next opens: room for both.
      services: { ping: ping({ maxOutboundStreams: 4 }) },
    })
    try {
      const addr = multiaddr(relay.ws)
      for (let i = 0; i < 3; i++) await node.services.ping.ping(addr)
    } finally {
      await node.stop()
    }
    // The handshake's second message, identify, multistream-select and three pings at least.
    assert.ok(received.length >= 5, `only ${received.length} messages from the relay`)
    for (const [i, message] of received.entries()) {
      const split = noiseMessages(message)
      assert.ok(
        typeof split !== 'string',
        `message ${i} (${message.length} bytes) does not hold whole Noise messages: ${String(split)}`,
      )
    }
  })
})
