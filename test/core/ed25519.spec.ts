import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha512 } from '@noble/hashes/sha2.js'
import {
  generateKeyPair,
  keyPairFromSeed,
  sign,
  verify,
  verifySync,
} from '../../src/core/crypto/ed25519.ts'
import { concat, fromHex, toHex } from '../../src/core/bytes.ts'

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

describe('ed25519 backends agree', () => {
  it('verifySync accepts what verify accepts and refuses what it refuses', async () => {
    const pair = generateKeyPair()
    const message = new Uint8Array([9, 8, 7])
    const sig = await sign(pair.seed, message)
    assert.equal(verifySync(pair.publicKey, message, sig), true)
    assert.equal(await verify(pair.publicKey, message, sig), true)
    const bad = sig.slice()
    bad[5] ^= 1
    assert.equal(verifySync(pair.publicKey, message, bad), false)
    assert.equal(await verify(pair.publicKey, message, bad), false)
    assert.equal(verifySync(pair.publicKey, new Uint8Array([9, 8, 6]), sig), false)
  })

  it('refuses a signature whose R carries a small-order component, on every path', async () => {
    // A mixed-order R passes the cofactored equation (what a lax verifier checks) but not the
    // cofactorless one that WebCrypto uses; both of our paths must refuse it.
    const { Point } = ed25519
    const order = Point.Fn.ORDER
    const seed = new Uint8Array(32).fill(3)
    const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(seed)
    const message = new Uint8Array([1, 2, 3, 4])
    const r = 123456789n
    const torsion = Point.fromBytes(
      fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'),
    )
    const mixedR = Point.BASE.multiply(r).add(torsion).toBytes()
    const k = leNumber(sha512(concat([mixedR, pointBytes, message]))) % order
    const s = (r + k * scalar) % order
    const sig = concat([mixedR, leBytes(s)])
    assert.equal(
      ed25519.verify(sig, message, pointBytes, { zip215: true }),
      true,
      'the cofactored equation accepts it',
    )
    assert.equal(verifySync(pointBytes, message, sig), false)
    assert.equal(await verify(pointBytes, message, sig), false)
  })
})

function leNumber(bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i])
  return n
}

function leBytes(n: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn)
    n >>= 8n
  }
  return out
}
