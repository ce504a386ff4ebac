/**
 * A fetch that knows the file's address keeps a segment under way at every host at once (up to
 * `MAX_SEGMENT_SOURCES`), not only at the two its default look-ahead of 16 chunks reaches:
 * three real libp2p hosts over TCP, a visitor that has not read the file's first chunk yet,
 * and each host asked for bytes.
 */
import type { Libp2p } from '@libp2p/interface'
import { CHUNK_SIZE, addFiles } from '../../src/core/content/index.ts'
import {
  DEFAULT_FETCH_CONCURRENCY,
  DEFAULT_SEGMENT_CHUNKS,
  createRouteClient,
  createRouteServer,
  fetchFile,
  type RouteServer,
} from '../../src/net/route/index.ts'
import { deepEqual, ok } from '../support/assert.ts'
import { after, before, describe, it } from '../support/spec.ts'
import { tcpNode } from './loopback-node.ts'

const SITE = 'sources:code'
const HOSTS = 3
/** Longest wait for every host to be asked, in ms: without a segment per host, one never is. */
const ASKED_MS = 15_000

describe('fetching a file from several hosts', () => {
  const nodes: Libp2p[] = []
  const servers: RouteServer[] = []
  /** Blocks each host was asked to read, by host. */
  const asked: number[] = Array.from({ length: HOSTS }, () => 0)
  let everyHostAsked: () => void = () => {}
  const allAsked = new Promise<void>((resolve) => (everyHostAsked = resolve))
  const content = Uint8Array.from({ length: 4 * 8 * CHUNK_SIZE }, (_, i) => (i * 7) & 0xff)
  let site: Awaited<ReturnType<typeof addFiles>>
  const blocks = new Map<string, Uint8Array>()

  before(async () => {
    site = await addFiles([{ path: '/big.bin', content }], {
      onBlock: (cid, bytes) => void blocks.set(cid.toString(), bytes),
    })
    blocks.set(site.cid.toString(), site.bytes)
    for (let h = 0; h < HOSTS; h++) {
      const host = await tcpNode()
      const server = createRouteServer({
        getBlock: async (cid) => {
          asked[h]++
          if (asked.every((n) => n > 0)) everyHostAsked()
          return blocks.get(cid.toString())
        },
        sites: () => [{ site: SITE, root: site.cid }],
      })
      await server.start(host)
      nodes.push(host)
      servers.push(server)
    }
    const visitor = await tcpNode()
    nodes.push(visitor)
    for (const host of nodes.slice(0, HOSTS)) await visitor.dial(host.getMultiaddrs())
  })

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()))
    await Promise.all(nodes.map((n) => n.stop()))
  })

  it('asks every host for a segment before the first chunk is read', async () => {
    // The file is longer than the default look-ahead reaches over three hosts.
    ok(DEFAULT_FETCH_CONCURRENCY < HOSTS * DEFAULT_SEGMENT_CHUNKS)
    const visitor = nodes[HOSTS]
    const body = fetchFile(createRouteClient(visitor), {
      entry: site.manifest.files['/big.bin'],
      peers: nodes.slice(0, HOSTS).map((n) => n.peerId),
      file: { site: SITE, root: site.cid, path: '/big.bin' },
    })
    // The stream fills its queue with the first chunk and asks for no more until it is read.
    const reader = body.getReader()
    try {
      let timer: ReturnType<typeof setTimeout> | undefined
      const outcome = await Promise.race([
        allAsked.then(() => 'asked'),
        new Promise<string>(
          (resolve) => (timer = setTimeout(() => resolve('not asked'), ASKED_MS)),
        ),
      ])
      clearTimeout(timer)
      ok(outcome === 'asked', `blocks asked of each host: ${asked.join(', ')}`)
      const first = await reader.read()
      deepEqual(first.value, content.subarray(0, CHUNK_SIZE))
    } finally {
      await reader.cancel().catch(() => {})
    }
  })
})
