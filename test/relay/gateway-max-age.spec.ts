/**
 * The gateway's `max-age` is what is left of the relay's own copy of a name's record: a browser
 * or proxy that caches a response goes stale when the relay's copy does, never a TTL later, and
 * never past the record's expiry. Real signed records; the clock is the resolver's own.
 */
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import type { SiteResolver } from '../../relay-node/src/gateway/resolve-site.ts'
import { openResolver } from './support/open-resolver.ts'
import { contentRoot, generateKeyPair, rootRecord, uniqueName } from './support/records.ts'

const MINUTE = 60_000

/** A resolver over a store holding `value` for every name, with the clock `clock.now`. */
function resolverOver(value: Uint8Array, clock: { now: number }): SiteResolver {
  return openResolver({ local: async () => value, network: async () => [] }, () => clock.now)
}

describe('the gateway’s cache headers follow the relay’s copy of the record', () => {
  const owner = generateKeyPair()

  it('counts max-age down while the relay keeps the record, and from the full TTL after a new look-up', async () => {
    const site = uniqueName('gwage')
    const clock = { now: Date.now() }
    const record = await rootRecord(site, owner, {
      created: clock.now,
      expires: clock.now + 60 * MINUTE,
      ttl: 120,
      content: await contentRoot(site),
    })
    const resolver = resolverOver(record, clock)
    assert.equal((await resolver.resolve(site)).maxAge, 120)
    clock.now += 90_000
    assert.equal((await resolver.resolve(site)).maxAge, 30, 'a kept copy gave the full TTL again')
    clock.now += 30_000
    assert.equal((await resolver.resolve(site)).maxAge, 120, 'a new look-up starts a new TTL')
  })

  it('never lets a response be cached past the record’s expiry', async () => {
    const site = uniqueName('gwexp')
    const clock = { now: Date.now() }
    const record = await rootRecord(site, owner, {
      created: clock.now - 50 * MINUTE,
      expires: clock.now + 45_000,
      ttl: 300,
      content: await contentRoot(site),
    })
    const resolver = resolverOver(record, clock)
    assert.equal((await resolver.resolve(site)).maxAge, 45)
    clock.now += 40_000
    assert.equal((await resolver.resolve(site)).maxAge, 5)
  })
})
