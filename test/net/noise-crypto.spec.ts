/**
 * Noise's ChaCha20-Poly1305 as the nodes use it: the page's WebAssembly cipher and the Node
 * side's one-buffer sealing both speak the same bytes as `@chainsafe/libp2p-noise`'s own
 * JavaScript cipher, open in place as Noise asks, refuse an altered message, and the Node side
 * seals a message given as a list (a Yamux header and its data) into one buffer.
 */
import { pureJsCrypto } from '@chainsafe/libp2p-noise'
import { Uint8ArrayList } from 'uint8arraylist'
import { contiguousNoiseCrypto } from '../../src/net/node/contiguous-noise-crypto.ts'
import { ChaCha20Poly1305, newInstance } from '@chainsafe/as-chacha20poly1305'
import { wasmNoiseCrypto as withCipher } from '../../src/net/node/wasm-noise-crypto.ts'
import { deepEqual, equal, ok, throws } from '../support/assert.ts'
import { describe, it } from '../support/spec.ts'

/** Noise's largest message without its tag. */
const MESSAGE = 65_535 - 16
const key = Uint8Array.from({ length: 32 }, (_, i) => i)
const nonce = Uint8Array.from({ length: 12 }, (_, i) => 100 + i)
const noAd = new Uint8Array(0)
const wasmNoiseCrypto = withCipher(new ChaCha20Poly1305(newInstance()))

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff)
}

const flat = (b: Uint8Array | Uint8ArrayList): Uint8Array =>
  b instanceof Uint8Array ? b : b.subarray()

describe('noise crypto', () => {
  for (const size of [0, 12, 1199, 1200, MESSAGE]) {
    it(`opens in WebAssembly what JavaScript sealed, and the other way round (${size} bytes)`, () => {
      const plain = bytes(size, size)
      const byJs = flat(pureJsCrypto.chaCha20Poly1305Encrypt(plain, nonce, noAd, key))
      const byWasm = flat(wasmNoiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, noAd, key))
      deepEqual(byWasm, byJs)
      // In place, as Noise opens a message: the plaintext is written over the ciphertext.
      const copy = byJs.slice()
      const opened = wasmNoiseCrypto.chaCha20Poly1305Decrypt(
        copy,
        nonce,
        noAd,
        key,
        copy.subarray(0, size),
      )
      deepEqual(flat(opened), plain)
      deepEqual(flat(pureJsCrypto.chaCha20Poly1305Decrypt(byWasm, nonce, noAd, key)), plain)
    })
  }

  it('uses the handshake hash as associated data like JavaScript does', () => {
    const ad = bytes(32, 9)
    const plain = bytes(80, 3)
    const sealed = flat(wasmNoiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, key))
    deepEqual(flat(pureJsCrypto.chaCha20Poly1305Decrypt(sealed, nonce, ad, key)), plain)
  })

  it('refuses a message with one byte altered', () => {
    const sealed = flat(wasmNoiseCrypto.chaCha20Poly1305Encrypt(bytes(4096, 1), nonce, noAd, key))
    sealed[100] ^= 1
    throws(
      () => wasmNoiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce, noAd, key),
      'NoiseDecryptError',
    )
  })

  it('seals a message given as a list of buffers into one buffer, large or small', () => {
    const crypto = contiguousNoiseCrypto()
    for (const size of [100, MESSAGE - 12]) {
      const header = bytes(12, 5)
      const data = bytes(size, 7)
      const sealed = crypto.chaCha20Poly1305Encrypt(
        new Uint8ArrayList(header, data),
        nonce,
        noAd,
        key,
      )
      ok(sealed instanceof Uint8Array, `${size + 12} bytes sealed as one buffer`)
      equal(sealed.length, size + 12 + 16)
      const opened = flat(pureJsCrypto.chaCha20Poly1305Decrypt(sealed, nonce, noAd, key))
      deepEqual(opened.subarray(0, 12), header)
      deepEqual(opened.subarray(12), data)
    }
  })
})
