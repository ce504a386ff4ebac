/**
 * A libp2p node for the Node specs of `src/net`: TCP on loopback, Noise and yamux, nothing else.
 * @module
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux, type YamuxMuxerInit } from '@chainsafe/libp2p-yamux'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'

/** A libp2p node listening on TCP on loopback; `muxer` sets yamux's limits. */
export function tcpNode(muxer: YamuxMuxerInit = {}): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux(muxer)],
  })
}
