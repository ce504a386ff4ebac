/**
 * An updated site is not served stale: the gateway and the `.alt` resolver keep a site's record
 * for its TTL (at most `GATEWAY_MAX_AGE_S`), and forget it as soon as the relay stores a newer
 * one, so the next request gets the new version's bytes and content root, and `max-age` follows
 * the new record's TTL. A real relay process; the publisher is a Node peer hosting its site and
 * putting each version's record into the relay's DHT, as a browser tab does.
 */
import { Resolver } from 'node:dns/promises'
import { utf8 } from '../../src/core/bytes.ts'
import { toOriginLabel } from '../../src/core/names/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { gatewayRequest, maxAgeOf } from './support/gateway-client.ts'
import { uniqueName } from './support/records.ts'
import type { RelayProcess } from './support/relay-process.ts'
import { startRelayAndHost, type RelayAndHost } from './support/relay-and-host.ts'
import type { SitePublisher } from './support/site-publisher.ts'

/** TTL of the first version, in seconds: far longer than the spec runs. */
const FIRST_TTL = 3600
/** TTL of the second version, in seconds. */
const SECOND_TTL = 60

describe('the gateway and the resolver after an update', () => {
  let started: RelayAndHost | undefined
  let relay: RelayProcess & { dns?: number }
  let publisher: SitePublisher
  const site = uniqueName('gwupdate')
  const host = `${toOriginLabel(site)}.alt`

  const txt = async (): Promise<string[]> => {
    const resolver = new Resolver({ timeout: 3000, tries: 1 })
    resolver.setServers([`127.0.0.1:${relay.dns!}`])
    return (await resolver.resolveTxt(host)).map((r) => r.join(''))
  }

  before(async () => {
    started = await startRelayAndHost(['--dns-port', '0', '--dns-answer', '127.0.0.1'])
    ;({ relay, host: publisher } = started)
  })

  after(async () => {
    await started?.stop()
  })

  it('serves the new version as soon as the relay stores its record', async () => {
    const first = await publisher.publish(
      site,
      { '/index.html': utf8('<h1>version one</h1>') },
      { ttl: FIRST_TTL },
    )
    const before = await gatewayRequest(relay.http, host, '/')
    assert.equal(before.status, 200)
    assert.equal(before.body.toString(), '<h1>version one</h1>')
    assert.equal(before.headers['x-an-root'], first.root.toString())
    assert.match(String(before.headers['cache-control']), /^public, max-age=\d+$/)
    assert.ok((await txt()).includes(`an-content=${first.root}`), 'the resolver has version one')

    const second = await publisher.publish(
      site,
      { '/index.html': utf8('<h1>version two</h1>') },
      { ttl: SECOND_TTL },
    )
    assert.ok(second.record.body.seq > first.record.body.seq)
    const after = await gatewayRequest(relay.http, host, '/')
    assert.equal(after.status, 200)
    assert.equal(after.body.toString(), '<h1>version two</h1>')
    assert.equal(after.headers['x-an-root'], second.root.toString())
    const maxAge = maxAgeOf(after.headers)
    assert.ok(maxAge > 0 && maxAge <= SECOND_TTL, `max-age ${maxAge} follows the new TTL`)
    const records = await txt()
    assert.ok(records.includes(`an-content=${second.root}`), records.join(' | '))
  })
})
