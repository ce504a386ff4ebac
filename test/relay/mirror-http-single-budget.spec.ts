/**
 * Blocks asked alone over HTTP keep to the page's budget per mirror, as its CARs do: a visitor
 * reads a file through a mirror whose CARs carry nothing (each block is then asked alone,
 * `GET /ipfs/<cid>`) and which forwards each single block from a real relay that mirrors the
 * site. The mirror never has more single blocks under way at once than the budget lets the page
 * have (without that, every block a CAR left out is asked at the same moment).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CarSlots } from '../../src/net/fetch/car-slots.ts'
import { HTTP_BLOCK_TIMEOUT_MS } from '../../src/net/fetch/http-block-read.ts'
import { httpFirstClient } from '../../src/net/fetch/http-blocks.ts'
import { createRouteClient, fetchFile } from '../../src/net/route/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { bounded, bytesOf, pattern } from '../net/hosting-support.ts'
import {
  ANY_RATE_FLAGS,
  MIRROR_FLAGS,
  emptyCarHeader,
  startMirrorHttp,
  type MirrorHttpSetUp,
} from './support/mirror-http.ts'

/** Twelve chunks, all asked at once. */
const FILE = pattern(12 * 262_144, 7)
/** The page's budget at the mirror in this spec. */
const BUDGET = 2

describe('single blocks over HTTP within the page’s budget', () => {
  let net: MirrorHttpSetUp
  let mirror: Server
  let open = 0
  let mostOpen = 0
  let singles = 0

  before(async () => {
    // A rate no file here comes near: the relay answers every single block it is asked for.
    net = await startMirrorHttp([...MIRROR_FLAGS, ...ANY_RATE_FLAGS])
    mirror = createServer((req, res) => {
      const headers = { 'access-control-allow-origin': '*' }
      if (req.url?.startsWith('/ipfs/?') === true) {
        // A CAR of no block at all: each block it lists is then asked alone.
        res.writeHead(200, { ...headers, 'content-type': 'application/vnd.ipld.car; version=1' })
        res.end(emptyCarHeader())
        return
      }
      singles++
      mostOpen = Math.max(mostOpen, ++open)
      res.on('close', () => open--)
      void fetch(`${net.relay.http}${req.url}`, { headers: { accept: 'application/vnd.ipld.raw' } })
        .then(async (answer) => {
          const bytes = Buffer.from(await answer.arrayBuffer())
          res.writeHead(answer.status, { ...headers, 'content-type': 'application/vnd.ipld.raw' })
          res.end(bytes)
        })
        .catch(() => res.destroy())
    })
    await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve))
  })

  after(async () => {
    mirror?.closeAllConnections()
    mirror?.close()
    await net?.stop()
  })

  it('never has more blocks under way at a mirror than the budget', async () => {
    const { published } = await net.publishMirrored('singles', { '/file.bin': FILE })
    const { port } = mirror.address() as AddressInfo
    const origin = `http://127.0.0.1:${port}`
    const slots = new CarSlots(BUDGET)
    const source = net.relaySource(origin)
    const http = httpFirstClient(createRouteClient(net.visitor.node), { sources: [source], slots })
    assert.ok(http !== undefined)
    const body = fetchFile(http, {
      entry: published.manifest.files['/file.bin'],
      peers: [source.connection],
      concurrency: 32,
    })
    const bytes = await bounded(() => bytesOf(body), 4 * HTTP_BLOCK_TIMEOUT_MS)
    assert.ok(Buffer.compare(bytes, FILE) === 0, 'byte-identical')
    assert.ok(singles >= 12, `every block was asked alone of the mirror (${singles})`)
    assert.ok(mostOpen <= BUDGET, `${mostOpen} single blocks under way at once`)
    assert.equal(slots.load(origin), 0)
  })
})
