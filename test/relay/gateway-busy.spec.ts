/**
 * The gateway's total limit over real HTTP: with `--gateway-max-requests 1`, while one request
 * waits on a slow host, a request from another client address gets 503 with the registry's
 * words (never a byte of the site) and is counted in `/metrics`; once the first ends, the
 * gateway serves again. A real relay process; the site's only host is a Node peer that holds
 * back one block until the spec lets it go (a host that answers slowly, as a phone might).
 */
import type { CID } from 'multiformats/cid'
import { decodeManifest } from '../../src/core/content/index.ts'
import { toOriginLabel } from '../../src/core/names/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { gatewayRequest } from './support/gateway-client.ts'
import { GATEWAY_FILES } from './support/gateway-site.ts'
import { uniqueName } from './support/records.ts'
import { startRelayAndHost, type RelayAndHost } from './support/relay-and-host.ts'
import { metricValue, waitFor, type RelayProcess } from './support/relay-process.ts'
import type { SitePublisher } from './support/site-publisher.ts'

/** The file whose first block the host holds back. */
const SLOW_PATH = '/style.css'

describe('the HTTP gateway at its total limit', () => {
  let started: RelayAndHost | undefined
  let relay: RelayProcess
  let host: SitePublisher
  const site = uniqueName('gwbusy')
  /** Asks for the held block so far. */
  let asked = 0
  let release: () => void = () => undefined

  before(async () => {
    started = await startRelayAndHost(['--gateway-max-requests', '1'])
    ;({ relay, host } = started)
    const { root } = await host.publish(site, GATEWAY_FILES)
    const manifest = await decodeManifest(host.store.blocks.get(root.toString())!, root)
    const held = manifest.files[SLOW_PATH].chunks[0].toString()
    const gate = new Promise<void>((resolve) => (release = resolve))
    // The host answers every block at once but this one, which waits for the spec.
    const store = host.store
    const getBlock = store.getBlock.bind(store)
    const getBlocks = store.getBlocks.bind(store)
    const hold = async (cids: readonly CID[]): Promise<void> => {
      if (!cids.some((c) => c.toString() === held)) return
      asked++
      await gate
    }
    store.getBlock = async (cid) => {
      await hold([cid])
      return getBlock(cid)
    }
    store.getBlocks = async (cids) => {
      await hold(cids)
      return getBlocks(cids)
    }
  })

  after(async () => {
    release()
    await started?.stop()
  })

  it('answers 503 past the requests in progress, then serves again once one ends', async () => {
    const name = `${toOriginLabel(site)}.alt`
    const slow = gatewayRequest(relay.http, name, SLOW_PATH, { localAddress: '127.0.0.2' })
    await waitFor('the host is asked for the held block', () => asked > 0, 30_000)
    const busy = await gatewayRequest(relay.http, name, '/index.html', {
      localAddress: '127.0.0.3',
      headers: { accept: 'text/html' },
    })
    assert.equal(busy.status, 503)
    assert.equal(busy.headers['x-an-error'], 'GatewayBusyError')
    assert.equal(busy.headers['cache-control'], 'no-store')
    const page = busy.body.toString()
    assert.match(page, /busy/i)
    assert.ok(Buffer.compare(busy.body, GATEWAY_FILES['/index.html']) !== 0, 'not the site')
    assert.ok(!/[A-Z][a-z]+Error\b/.test(page), `no error name in the words: ${page}`)
    const metrics = await (await fetch(`${relay.http}/metrics`)).text()
    assert.equal(metricValue(metrics, 'alternet_gateway_limited_total{scope="total"}'), 1)

    release()
    const first = await slow
    assert.equal(first.status, 200)
    assert.ok(Buffer.compare(first.body, GATEWAY_FILES[SLOW_PATH]) === 0, 'the held file, whole')
    const again = await gatewayRequest(relay.http, name, '/index.html', {
      localAddress: '127.0.0.3',
    })
    assert.equal(again.status, 200)
    assert.ok(Buffer.compare(again.body, GATEWAY_FILES['/index.html']) === 0)
  })
})
