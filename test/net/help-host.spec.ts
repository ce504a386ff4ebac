/**
 * Helping host visited sites (`createHelpHost` with `createSiteHost`), between two real libp2p
 * nodes over TCP on loopback: off, the helper does not speak `/an/mirror/1.0.0` and its kept
 * blocks are refused; on, it answers `complete` (`kind: visitor`) only for a site it holds
 * whole, serves its blocks (verified by the asker), and one asking peer gets at most
 * `HELP_HOST_QUESTIONS_PER_PEER` questions open at once.
 */
import type { Libp2p } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok, rejects } from '../support/assert.ts'
import { prepareFiles } from '../../src/net/hosting/site-files.ts'
import { hashSite } from '../../src/net/hosting/hash-site.ts'
import { createHelpHost, type HelpHost } from '../../src/net/hosting/help-host.ts'
import { createSiteHost, type SiteHost } from '../../src/net/hosting/index.ts'
import { HELP_HOST_QUESTIONS_PER_PEER } from '../../src/net/hosting/constants.ts'
import { askMirror, MIRROR_PROTOCOL } from '../../src/net/mirror/index.ts'
import { createRouteClient } from '../../src/net/route/index.ts'
import { verifyBlock } from '../../src/core/content/index.ts'
import type { CID } from 'multiformats/cid'
import { MemoryStore, pattern, tcpNode } from './hosting-support.ts'

const SITE = 'helped:code'

describe('a visitor who helps host (two nodes over TCP)', () => {
  let helperNode: Libp2p
  let asker: Libp2p
  let store: MemoryStore
  let helper: HelpHost
  let host: SiteHost
  let root: CID
  let chunk: CID

  before(async () => {
    ;[helperNode, asker] = await Promise.all([tcpNode(), tcpNode()])
    store = new MemoryStore()
    const files = prepareFiles([
      { path: 'index.html', content: new TextEncoder().encode('<h1>hi</h1>') },
      { path: 'big.bin', content: pattern(300_000) },
    ])
    const hashed = await hashSite(files, {
      worker: false,
      onBatch: (blocks) => store.putBlocks(SITE, blocks),
    })
    root = hashed.cid
    await store.putBlocks(SITE, [{ cid: root, bytes: hashed.bytes }])
    const big = Object.entries(hashed.manifest.files).find(([path]) => path.endsWith('big.bin'))
    chunk = big![1].chunks[1]
    helper = createHelpHost({
      libp2p: helperNode,
      store,
      root: async () => root,
      fetchFile: async () => undefined,
      flush: async () => undefined,
      onChange: () => host.refresh(),
    })
    host = createSiteHost({ store, helper })
    await host.start(helperNode)
    await asker.peerStore.merge(helperNode.peerId, { multiaddrs: helperNode.getMultiaddrs() })
  })

  after(async () => {
    await helper?.stop()
    await host?.stop()
    await Promise.all([helperNode?.stop(), asker?.stop()])
  })

  it('off: does not answer for the site nor serve its kept blocks', async () => {
    await rejects(askMirror(asker, helperNode.peerId, SITE))
    const client = createRouteClient(asker)
    const connection = await asker.dial(helperNode.peerId)
    await rejects(client.getBlock(connection, chunk))
  })

  it('on: answers complete as a visitor for the site held whole, and serves its blocks', async () => {
    await helper.setEnabled(true)
    await helper.visited(SITE)
    const status = await askMirror(asker, helperNode.peerId, SITE)
    equal(status.state, 'complete')
    equal(status.kind, 'visitor')
    equal(status.root, root.toString())
    equal((await askMirror(asker, helperNode.peerId, 'other:code')).state, 'absent')
    const client = createRouteClient(asker)
    const connection = await asker.dial(helperNode.peerId)
    const bytes = await client.getBlock(connection, chunk)
    await verifyBlock(chunk, bytes)
    ok(bytes.length > 0)
  })

  it('one peer has at most its share of questions open at once', async () => {
    // Every stream is opened before any question is sent: those over the share are reset.
    const opened = await Promise.all(
      Array.from({ length: HELP_HOST_QUESTIONS_PER_PEER + 1 }, () =>
        asker.dialProtocol(helperNode.peerId, MIRROR_PROTOCOL).catch(() => undefined),
      ),
    )
    const answers = await Promise.all(
      opened.map(async (stream) => {
        if (stream === undefined) return 'refused'
        try {
          const lp = lpStream(stream)
          await lp.write(new TextEncoder().encode(JSON.stringify({ site: SITE })))
          const reply = JSON.parse(new TextDecoder().decode((await lp.read()).subarray())) as {
            state: string
          }
          return reply.state
        } catch {
          return 'refused'
        }
      }),
    )
    equal(answers.filter((a) => a === 'complete').length, HELP_HOST_QUESTIONS_PER_PEER)
    equal(answers.filter((a) => a === 'refused').length, 1)
  })
})
