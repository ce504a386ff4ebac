/**
 * The Chromium side of the Helia comparison (bundled by `helia-compare.ts`): each call starts a
 * fresh Helia node (empty in-memory blockstore), dials the Node source over WebSockets and
 * reads the file with `@helia/unixfs`'s `cat`, timed from the dial.
 * @module
 */
import { unixfs } from '@helia/unixfs'
import { multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import { startHelia } from './helia-node.ts'

/** One fetch's times from the dial, ms, and the bytes read. */
export interface HeliaRead {
  firstByteMs: number
  lastByteMs: number
  bytes: number
}

async function heliaFetch(address: string, cid: string, timeoutMs: number): Promise<HeliaRead> {
  const helia = await startHelia()
  try {
    const started = performance.now()
    await helia.libp2p.dial(multiaddr(address), { signal: AbortSignal.timeout(timeoutMs) })
    let bytes = 0
    let firstByteMs = 0
    for await (const chunk of unixfs(helia).cat(CID.parse(cid), {
      signal: AbortSignal.timeout(timeoutMs),
    })) {
      if (bytes === 0) firstByteMs = performance.now() - started
      bytes += chunk.byteLength
    }
    return { firstByteMs, lastByteMs: performance.now() - started, bytes }
  } finally {
    await helia.stop()
  }
}

;(window as unknown as { heliaFetch: typeof heliaFetch }).heliaFetch = heliaFetch
