/**
 * Address blocks (`src/core/contracts/address-block.ts`): the unit servers' answers are counted
 * in when nodes vote on a name's holder, in Node and in the browser alike.
 * @module
 */
import { describe, it } from '../support/spec.ts'
import { equal, notEqual } from '../support/assert.ts'
import {
  UNKNOWN_BLOCK,
  VOTE_BLOCK_PREFIXES,
  addressBlock,
  connectionBlock,
  ipBlock,
} from '../../src/core/contracts/index.ts'

describe('address blocks for counting servers', () => {
  it('groups IPv4 addresses by /24 and IPv6 addresses by /48', () => {
    equal(VOTE_BLOCK_PREFIXES.v4, 24)
    equal(VOTE_BLOCK_PREFIXES.v6, 48)
    const a = addressBlock('/ip4/203.0.113.7/tcp/4001/p2p/12D3KooWabc')
    equal(a, 'ip4:203.0.113.0/24')
    equal(addressBlock('/ip4/203.0.113.250/udp/9/webrtc-direct'), a)
    notEqual(addressBlock('/ip4/203.0.114.7/tcp/4001'), a)
    equal(addressBlock('/ip6/::ffff:203.0.113.9/tcp/1'), a)
    const b = addressBlock('/ip6/2001:db8:aa:bb01::1/tcp/4001')
    equal(b, 'ip6:20010db800aa/48')
    equal(addressBlock('/ip6/2001:db8:aa:ffff:1:2:3:4/tcp/4001/ws'), b)
    notEqual(addressBlock('/ip6/2001:db8:ab::1/tcp/4001'), b)
  })

  it('tells loopback addresses in different /24s apart', () => {
    notEqual(addressBlock('/ip4/127.0.1.1/tcp/1'), addressBlock('/ip4/127.0.2.1/tcp/1'))
    equal(addressBlock('/ip4/127.0.9.1/tcp/1'), addressBlock('/ip4/127.0.9.3/tcp/2'))
  })

  it('counts a DNS name by its last two labels, and a relayed address by the relay', () => {
    equal(addressBlock('/dns4/a.relay.example.org/tcp/443/wss'), 'dns:example.org')
    equal(addressBlock('/dns6/B.Example.ORG./tcp/443/wss'), 'dns:example.org')
    equal(
      addressBlock('/ip4/192.0.2.1/tcp/4001/p2p/12D3KooWrelay/p2p-circuit/p2p/12D3KooWpeer'),
      'ip4:192.0.2.0/24',
    )
  })

  it('puts answers with no address in one unknown block', () => {
    equal(addressBlock('/memory/abc'), UNKNOWN_BLOCK)
    equal(ipBlock('not-an-ip', VOTE_BLOCK_PREFIXES), undefined)
    equal(ipBlock('300.1.1.1', VOTE_BLOCK_PREFIXES), undefined)
    equal(connectionBlock([]), UNKNOWN_BLOCK)
    equal(
      connectionBlock([{ remoteAddr: '/memory/x' }, { remoteAddr: '/ip4/192.0.2.9/tcp/1' }]),
      'ip4:192.0.2.0/24',
    )
  })

  it('prefers the address a peer was dialed at over the one it connected from', () => {
    equal(
      connectionBlock([
        { remoteAddr: '/ip4/127.0.0.1/tcp/50000', direction: 'inbound' },
        { remoteAddr: '/ip4/127.0.2.1/tcp/4001', direction: 'outbound' },
      ]),
      'ip4:127.0.2.0/24',
    )
  })
})
