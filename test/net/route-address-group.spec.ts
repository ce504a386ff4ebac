import { multiaddr } from '@multiformats/multiaddr'
import { addressGroup } from '../../src/net/route/address-group.ts'
import { equal } from '../support/assert.ts'
import { describe, it } from '../support/spec.ts'

const PEER = '12D3KooWD11oZxPQu421tY5hLqJ6ZnoqS3DNTBmmhwbq9sdKqCkk'

describe('route address groups', () => {
  it('groups IPv4 by address and IPv6 by /64, mapped IPv4 as IPv4', () => {
    equal(addressGroup(multiaddr('/ip4/203.0.113.7/tcp/4001')), 'ip4:203.0.113.7')
    equal(addressGroup(multiaddr('/ip6/2001:db8:1:2:3:4:5:6/tcp/1')), 'ip6:2001:db8:1:2::/64')
    equal(addressGroup(multiaddr('/ip6/2001:db8:1:2::9/udp/1/quic-v1')), 'ip6:2001:db8:1:2::/64')
    equal(addressGroup(multiaddr('/ip6/2001:db8::1/tcp/1')), 'ip6:2001:db8:0:0::/64')
    equal(addressGroup(multiaddr('/ip6/::ffff:198.51.100.2/tcp/1')), 'ip4:198.51.100.2')
  })

  it('has no group for addresses that name no IP of the peer itself', () => {
    equal(
      addressGroup(multiaddr(`/ip4/203.0.113.7/tcp/4001/p2p/${PEER}/p2p-circuit/p2p/${PEER}`)),
      undefined,
    )
    equal(addressGroup(multiaddr(`/webrtc/p2p/${PEER}`)), undefined)
  })
})
