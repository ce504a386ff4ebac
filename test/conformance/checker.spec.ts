/**
 * The conformance check's own parts against published examples (RFC 3492, RFC 8032, RFC 4648,
 * the spec's worked examples), so a pass over the vectors means agreement with the standards,
 * not only with the reference implementation.
 * @module
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { CborError, decodeCbor, encodeCbor } from './lib/cbor.ts'
import { base32, cidOf, RAW, sha256, unhex } from './lib/cid.ts'
import { verifyStrict } from './lib/ed25519.ts'
import { decodePunycode, encodePunycode } from './lib/punycode.ts'

describe('conformance checker: its own parts', () => {
  it('Punycode gives the RFC 3492 samples both ways', () => {
    const samples: Array<[string, string]> = [
      ['他们为什么不说中文', 'ihqwcrb4cv8a8dqg056pqjye'],
      ['PorquénopuedensimplementehablarenEspañol', 'PorqunopuedensimplementehablarenEspaol-fmd56a'],
      ['3年B組金八先生', '3B-ww4c5e180e575a65lsy2b'],
      ['安室奈美恵-with-SUPER-MONKEYS', '-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n'],
      ['そのスピードで', 'd9juau41awczczp'],
      ['-> $1.00 <-', '-> $1.00 <--'],
    ]
    for (const [text, encoded] of samples) {
      assert.equal(encodePunycode(text), encoded)
      assert.equal(decodePunycode(encoded), text)
    }
    assert.equal(decodePunycode('99999999999'), null, 'overflow')
  })

  it('Ed25519 accepts RFC 8032 test 1 and refuses it altered, with S + L, or under a small-order key', () => {
    const key = unhex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
    const sig = unhex(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    )
    const empty = new Uint8Array(0)
    assert.equal(verifyStrict(key, empty, sig), true)
    assert.equal(verifyStrict(key, new Uint8Array(1), sig), false)
    assert.equal(verifyStrict(key, empty, sig.subarray(0, 63)), false)
    const L = unhex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010')
    const malleable = sig.slice()
    for (let i = 0, carry = 0; i < 32; i++) {
      const v = malleable[32 + i] + L[i] + carry
      malleable[32 + i] = v & 0xff
      carry = v >> 8
    }
    assert.equal(verifyStrict(key, empty, malleable), false)
    const smallOrder = unhex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a')
    assert.equal(verifyStrict(smallOrder, empty, sig), false)
  })

  it('SHA-256, base32 and CIDs give the published values', () => {
    assert.equal(
      Buffer.from(sha256(new TextEncoder().encode('abc'))).toString('hex'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
    assert.equal(base32(new TextEncoder().encode('foobar')), 'mzxw6ytboi')
    // The CID of "hello world" as a raw block, as IPFS tools print it.
    assert.equal(
      cidOf(RAW, new TextEncoder().encode('hello world')),
      'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e',
    )
  })

  it('CBOR decodes only the canonical encoding', () => {
    const example = unhex('a2616101616282f5f6')
    assert.deepEqual(encodeCbor(decodeCbor(example)), example)
    const refused = [
      'a261620161610a', // keys out of order
      '1801', // 1 in two bytes
      '5f41004100ff', // indefinite length
      'f7', // undefined
      'fa3fc00000', // 32-bit float
      'fb3ff0000000000000', // 1.0, where an integer fits
      'c1 00', // a tag other than 42
      '0000', // trailing byte
      'a2616101616102', // a key twice
    ]
    for (const hex of refused)
      assert.throws(() => decodeCbor(unhex(hex.replace(' ', ''))), CborError, hex)
  })
})
