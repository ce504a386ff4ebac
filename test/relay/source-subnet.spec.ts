/** Address blocks as sources: the unit of the relay's per-source quotas and reservation caps. */
import { multiaddr } from '@multiformats/multiaddr'
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { sourceOf, UNKNOWN_SOURCE } from '../../relay-node/src/source-subnet.ts'

const DEFAULT = { v4: 24, v6: 56 }

describe('source address blocks', () => {
  it('groups IPv4 addresses by their /24, and IPv4-mapped IPv6 addresses with them', () => {
    const a = sourceOf(multiaddr('/ip4/203.0.113.7/tcp/4001'), DEFAULT)
    assert.equal(a, 'ip4:203.0.113.0/24')
    assert.equal(sourceOf(multiaddr('/ip4/203.0.113.250/tcp/9/ws'), DEFAULT), a)
    assert.notEqual(sourceOf(multiaddr('/ip4/203.0.114.7/tcp/4001'), DEFAULT), a)
    assert.equal(sourceOf('::ffff:203.0.113.9', DEFAULT), a)
    assert.equal(sourceOf('203.0.113.9', { v4: 32, v6: 56 }), 'ip4:203.0.113.9/32')
    assert.equal(sourceOf('203.0.113.9', { v4: 20, v6: 56 }), 'ip4:203.0.112.0/20')
  })

  it('groups IPv6 addresses by their /56, however they are written', () => {
    const a = sourceOf(multiaddr('/ip6/2001:db8:aa:bb01::1/tcp/4001'), DEFAULT)
    assert.equal(a, 'ip6:20010db800aabb/56')
    assert.equal(sourceOf('2001:0db8:00aa:bbff:1:2:3:4', DEFAULT), a)
    assert.notEqual(sourceOf('2001:db8:aa:bc00::1', DEFAULT), a)
    assert.equal(sourceOf('2001:db8:aa:bb01::1', { v4: 24, v6: 50 }), 'ip6:20010db800aa8/50')
    assert.equal(sourceOf('::1', DEFAULT), 'ip6:00000000000000/56')
  })

  it('puts addresses with no IP in one unknown source', () => {
    assert.equal(sourceOf(undefined, DEFAULT), UNKNOWN_SOURCE)
    assert.equal(sourceOf(multiaddr('/dns4/example.org/tcp/443/wss'), DEFAULT), UNKNOWN_SOURCE)
  })
})
