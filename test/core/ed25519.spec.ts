import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { generateKeyPair, keyPairFromSeed, sign, verify } from '../../src/core/crypto/ed25519.ts'
import { fromHex, toHex } from '../../src/core/bytes.ts'

// RFC 8032 section 7.1, test 2.
const RFC_SEED = fromHex('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb')
const RFC_PUB = '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c'
const RFC_SIG =
  '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'

describe('ed25519', () => {
  it('matches the RFC 8032 test vector', async () => {
    const pair = keyPairFromSeed(RFC_SEED)
    assert.equal(toHex(pair.publicKey), RFC_PUB)
    const sig = await sign(RFC_SEED, fromHex('72'))
    assert.equal(toHex(sig), RFC_SIG)
    assert.ok(await verify(pair.publicKey, fromHex('72'), sig))
  })

  it('rejects a signature over other bytes', async () => {
    const pair = generateKeyPair()
    const sig = await sign(pair.seed, new Uint8Array([1, 2, 3]))
    assert.equal(await verify(pair.publicKey, new Uint8Array([1, 2, 4]), sig), false)
  })

  it('rejects a signature with a non-canonical S', async () => {
    const pair = keyPairFromSeed(RFC_SEED)
    const sig = fromHex(RFC_SIG)
    // S + L still verifies under a lax verifier; the protocol refuses it.
    const L = fromHex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010')
    const s = sig.slice(32)
    let carry = 0
    for (let i = 0; i < 32; i++) {
      const v = s[i] + L[i] + carry
      s[i] = v & 0xff
      carry = v >> 8
    }
    const forged = new Uint8Array(64)
    forged.set(sig.subarray(0, 32))
    forged.set(s, 32)
    assert.equal(await verify(pair.publicKey, fromHex('72'), forged), false)
  })

  it('rejects a small-order public key', async () => {
    const identity = fromHex('0100000000000000000000000000000000000000000000000000000000000000')
    const sig = new Uint8Array(64)
    sig[0] = 1
    assert.equal(await verify(identity, new Uint8Array(0), sig), false)
  })

  it('rejects keys and signatures of the wrong length', async () => {
    const pair = generateKeyPair()
    const sig = await sign(pair.seed, new Uint8Array(0))
    assert.equal(await verify(pair.publicKey.subarray(1), new Uint8Array(0), sig), false)
    assert.equal(await verify(pair.publicKey, new Uint8Array(0), sig.subarray(1)), false)
  })
})
