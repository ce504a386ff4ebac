/**
 * The transports browsers use: WebRTC-Direct (dialled here by a Node libp2p node) and wss with
 * the operator's certificate (and HTTPS on the HTTP port with --https).
 */
import { request } from 'node:https'
import { connect } from 'node:tls'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { ping } from '@libp2p/ping'
import { webRTCDirect } from '@libp2p/webrtc'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { removeDir, tempDir, type RelayProcess } from './support/relay-process.ts'
import { startTlsRelay } from './support/tls-relay.ts'

describe('browser transports', () => {
  let dir: string
  let relay: RelayProcess
  let fingerprint = ''

  before(async () => {
    dir = await tempDir()
    ;({ relay, fingerprint } = await startTlsRelay(dir, 'relay.test'))
  })

  after(async () => {
    await relay.stop()
    await removeDir(dir)
  })

  it('accepts WebRTC-Direct connections without any certificate on the client side', async () => {
    const addr = relay.multiaddrs.find((a) => a.includes('/webrtc-direct/certhash/'))
    assert.ok(addr != null, 'no WebRTC-Direct address')
    const node = await createLibp2p({
      transports: [webRTCDirect()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { ping: ping() },
    })
    try {
      const rtt = await node.services.ping.ping(multiaddr(addr), {
        signal: AbortSignal.timeout(15_000),
      })
      assert.ok(rtt >= 0)
      assert.ok(node.getConnections()[0].remoteAddr.toString().includes('/webrtc-direct'))
    } finally {
      await node.stop()
    }
  })

  it('serves wss and HTTPS with the given certificate', async () => {
    const wss = relay.multiaddrs.find((a) => a.includes('/tls/ws/'))
    assert.ok(wss != null, 'no wss address')
    const port = Number(/\/tcp\/(\d+)\/tls\/ws/.exec(wss)![1])
    const expected = fingerprint
    const presented = await new Promise<string>((resolve, reject) => {
      const socket = connect(
        { host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'relay.test' },
        () => {
          resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? '')
          socket.end()
        },
      )
      socket.on('error', reject)
    })
    assert.equal(presented, expected)
    assert.match(relay.http, /^https:/)
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${relay.http}/health`,
        { rejectUnauthorized: false, timeout: 5000 },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end()
    })
    assert.equal(status, 200)
  })
})
