/**
 * The contracts between the browser peer and the relay (`src/core/contracts`): the well-known
 * document's parser and the paths, in Node and in the browser alike.
 * @module
 */
import { describe, it } from '../support/spec.ts'
import { deepEqual, equal } from '../support/assert.ts'
import {
  DHT_PROTOCOL,
  REVOCATIONS_PATH,
  ROUTE_PROTOCOL,
  WELL_KNOWN_PATH,
  parseWellKnown,
  revocationPath,
} from '../../src/core/contracts/index.ts'

const KEY = 'ab'.repeat(32)

describe('contracts: the well-known document', () => {
  it('reads a relay’s document as written', () => {
    const doc = {
      peerId: '12D3KooWExample',
      multiaddrs: ['/ip4/127.0.0.1/tcp/4402/ws/p2p/12D3KooWExample'],
      trustedRegistrars: [],
      trustedRevokers: [KEY],
    }
    deepEqual(parseWellKnown(doc), doc)
  })

  it('skips entries it cannot read and lowercases keys, keeping the others', () => {
    deepEqual(
      parseWellKnown({
        peerId: 'p',
        multiaddrs: ['/ip4/1.2.3.4/tcp/1', 42, null],
        trustedRegistrars: [KEY.toUpperCase(), 'abc', 7],
        trustedRevokers: 'not a list',
        extra: true,
      }),
      {
        peerId: 'p',
        multiaddrs: ['/ip4/1.2.3.4/tcp/1'],
        trustedRegistrars: [KEY],
        trustedRevokers: [],
      },
    )
  })

  it('refuses what is not a relay document', () => {
    for (const json of [
      null,
      'text',
      [],
      {},
      { peerId: 1, multiaddrs: [] },
      { peerId: 'p' },
      { peerId: 'p', multiaddrs: 'x' },
    ])
      equal(parseWellKnown(json), undefined, JSON.stringify(json))
  })
})

describe('contracts: ids and paths', () => {
  it('names the network’s own protocols and the relay’s paths', () => {
    equal(DHT_PROTOCOL, '/an/kad/1.0.0')
    equal(ROUTE_PROTOCOL, '/an/route/1.0.0')
    equal(WELL_KNOWN_PATH, '/.well-known/alternet.json')
    equal(revocationPath('api.mysite:code'), `${REVOCATIONS_PATH}api.mysite%3Acode`)
  })
})
