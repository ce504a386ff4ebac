import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import {
  isBrowserDialable,
  parseRelayEntry,
  wellKnownUrl,
} from '../../src/net/node/relay-addresses.ts'
import { selfHostEntry } from '../../src/net/naming/republisher.ts'
import { MAX_ADDRS_PER_HOST } from '../../src/core/records/index.ts'

const RELAY = '12D3KooWDiTsZCsGrrGWLZMRc1kumVs56gJgvDLnVgYih63YixpE'
const SELF = '12D3KooWGLuKzghH5v4QYxUvxqLhZcMvJaKkVxGeEBYEy5xxebj1'
const CERT = 'uEiBTOwVAbYRMCuQ0mkKV4jcZZzfpU0co2bI8wgYoFGckxQ'

describe('relay entries and browser-dialable addresses', () => {
  it('reads a relay URL as its well-known document and a multiaddr by its peer ID', () => {
    assert.deepEqual(parseRelayEntry('https://relay.example.org/app/'), {
      kind: 'url',
      url: 'https://relay.example.org/.well-known/alternet.json',
    })
    assert.equal(
      wellKnownUrl(new URL('http://127.0.0.1:8780/.well-known/alternet.json')),
      'http://127.0.0.1:8780/.well-known/alternet.json',
    )
    const entry = parseRelayEntry(`/dns4/relay.example.org/tcp/443/tls/ws/p2p/${RELAY}`)
    assert.equal(entry.kind, 'multiaddr')
    assert.equal(entry.kind === 'multiaddr' ? entry.peerId : '', RELAY)
  })

  it('refuses entries that name no relay', () => {
    assert.throws(
      () => parseRelayEntry('/dns4/relay.example.org/tcp/443/tls/ws'),
      'InvalidRelayError',
    )
    assert.throws(() => parseRelayEntry('ftp://relay.example.org'), 'InvalidRelayError')
    assert.throws(() => parseRelayEntry('relay example'), 'InvalidRelayError')
  })

  it('dials wss, WebRTC-Direct and WebTransport with certificate hashes on public hosts; never TCP', () => {
    assert.ok(isBrowserDialable(multiaddr('/dns4/relay.example.org/tcp/443/tls/ws')))
    assert.ok(isBrowserDialable(multiaddr('/dns4/relay.example.org/tcp/443/wss')))
    assert.ok(
      isBrowserDialable(multiaddr(`/ip4/203.0.114.7/udp/4404/webrtc-direct/certhash/${CERT}`)),
    )
    assert.ok(
      isBrowserDialable(
        multiaddr(`/ip4/203.0.114.7/udp/4405/quic-v1/webtransport/certhash/${CERT}`),
      ),
    )
    assert.equal(
      isBrowserDialable(multiaddr('/ip4/203.0.114.7/udp/4404/webrtc-direct')),
      false,
      'no certhash',
    )
    assert.equal(isBrowserDialable(multiaddr('/ip4/203.0.114.7/tcp/4401')), false)
    assert.equal(
      isBrowserDialable(multiaddr(`/dns4/relay.example.org/tcp/443/wss/p2p/${RELAY}/p2p-circuit`)),
      false,
    )
  })

  it('keeps ws:// and private addresses for development settings only', () => {
    const ws = multiaddr('/ip4/198.51.99.1/tcp/4402/ws')
    const loopback = multiaddr('/ip4/127.0.0.1/tcp/4403/tls/ws')
    assert.equal(isBrowserDialable(ws), false)
    assert.ok(isBrowserDialable(ws, { allowInsecureWebSockets: true }))
    assert.equal(isBrowserDialable(loopback), false)
    assert.equal(isBrowserDialable(loopback, { allowInsecureWebSockets: true }), false)
    assert.ok(isBrowserDialable(loopback, { allowPrivateAddresses: true }))
  })
})

describe('this node as a record host', () => {
  const node = (addrs: string[]) => ({
    peerId: peerIdFromString(SELF),
    getMultiaddrs: () => addrs.map((a) => multiaddr(a)),
  })

  it('lists WebRTC addresses first, leaves out relay hops a browser cannot use, and caps the list', () => {
    const relayed = (hop: string, webrtc: boolean) =>
      `${hop}/p2p/${RELAY}/p2p-circuit${webrtc ? '/webrtc' : ''}/p2p/${SELF}`
    const host = selfHostEntry(
      node([
        relayed('/ip4/198.51.99.1/tcp/4402/ws', false),
        relayed('/ip4/198.51.99.1/tcp/4401', true),
        relayed('/ip4/198.51.99.1/tcp/4402/ws', true),
        relayed(`/ip4/198.51.99.1/udp/4404/webrtc-direct/certhash/${CERT}`, true),
      ]),
    )
    assert.deepEqual(host.id, peerIdFromString(SELF).toMultihash().bytes)
    assert.deepEqual(
      host.addrs.map((a) => multiaddr(a).toString()),
      [
        relayed('/ip4/198.51.99.1/tcp/4402/ws', true),
        relayed(`/ip4/198.51.99.1/udp/4404/webrtc-direct/certhash/${CERT}`, true),
        relayed('/ip4/198.51.99.1/tcp/4402/ws', false),
      ],
    )
    const many = Array.from({ length: 20 }, (_, i) =>
      relayed(`/ip4/198.51.99.${i + 1}/tcp/4402/ws`, true),
    )
    assert.equal(selfHostEntry(node(many)).addrs.length, MAX_ADDRS_PER_HOST)
  })
})
