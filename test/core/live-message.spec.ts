/**
 * The live topic of a site and the live message codec, checked against the test vectors of
 * docs/PROTOCOL.md ("Live updates").
 */
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { fromHex, toHex } from '../../src/core/bytes.ts'
import { encodeCbor } from '../../src/core/records/codec.ts'
import {
  decodeLiveMessage,
  dhtKey,
  encodeLiveMessage,
  liveTopic,
  liveTopicKey,
  MAX_LIVE_MESSAGE_BYTES,
} from '../../src/core/records/index.ts'

const TOPIC = '/an/live/1/bvsfq2bmwrwgpdyiaqfbrxalixav7td26hpuqtxyw25c7ganqbt2a'

describe('live messages', () => {
  it('names a site topic after the hash of its DHT key', async () => {
    assert.equal(await liveTopic('mysite:code'), TOPIC)
    assert.equal(await liveTopic('MySite:Code'), TOPIC)
    assert.equal(toHex(liveTopicKey(TOPIC)!), toHex(await dhtKey('mysite:code')))
  })

  it('refuses topics that are not live topics', () => {
    assert.equal(liveTopicKey('/an/live/1/bnotbase32!'), undefined)
    assert.equal(liveTopicKey('/an/live/1/baaaa'), undefined)
    assert.equal(liveTopicKey('/meshsub/other'), undefined)
  })

  it('encodes and decodes the vectors', () => {
    const v = new Uint8Array([1, 2, 3])
    const record = 'a26174667265636f7264617643010203'
    const revocation = 'a261746a7265766f636174696f6e617643010203'
    assert.equal(toHex(encodeLiveMessage({ t: 'record', v })), record)
    assert.equal(toHex(encodeLiveMessage({ t: 'revocation', v })), revocation)
    assert.deepEqual(decodeLiveMessage(fromHex(revocation)), { t: 'revocation', v })
  })

  it('refuses other fields, unknown types, non-canonical CBOR and oversized messages', () => {
    const extra = encodeCbor({ t: 'record', v: new Uint8Array(1), x: 1 })
    assert.throws(() => decodeLiveMessage(extra), 'MalformedRecordError')
    // The vector's fields in the wrong order: the same map, not in its one canonical form.
    const unsorted = fromHex('a26176430102036174667265636f7264')
    assert.throws(() => decodeLiveMessage(unsorted), 'MalformedRecordError')
    assert.throws(
      () => decodeLiveMessage(encodeLiveMessage({ t: 'other' as 'record', v: new Uint8Array(1) })),
      'MalformedRecordError',
    )
    assert.throws(
      () => decodeLiveMessage(new Uint8Array(MAX_LIVE_MESSAGE_BYTES + 1)),
      'RecordTooLargeError',
    )
    assert.throws(() => decodeLiveMessage(fromHex('a0')), 'MalformedRecordError')
  })
})
