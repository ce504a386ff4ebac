/**
 * Noise's ChaCha20-Poly1305 in WebAssembly for the page. The browser build of
 * `@chainsafe/libp2p-noise` seals and opens every message with `@noble/ciphers` in JavaScript,
 * the largest single cost on the page's thread while it fetches a site from mirrors
 * (docs/ARCHITECTURE.md, "Where a visitor's page spends a fetch from mirrors"). The same
 * library's Node build uses `@chainsafe/as-chacha20poly1305` (AssemblyScript compiled to
 * WebAssembly) for small messages; here it takes every message. The handshake (X25519, HKDF,
 * SHA-256) stays in `@noble`. Same bytes on the wire.
 * @module
 */
import { pureJsCrypto, type ICryptoInterface } from '@chainsafe/libp2p-noise'
import type { ChaCha20Poly1305 } from '@chainsafe/as-chacha20poly1305'
import type { Uint8ArrayList } from 'uint8arraylist'

/** Thrown when a message's tag does not match: it was altered or sealed with another key. */
export class NoiseDecryptError extends Error {
  override name = 'NoiseDecryptError'
}

const flat = (bytes: Uint8Array | Uint8ArrayList): Uint8Array =>
  bytes instanceof Uint8Array ? bytes : bytes.subarray()

/**
 * `pureJsCrypto` with ChaCha20-Poly1305 done by `cipher`. One cipher serves every connection:
 * each call sets its key and nonce, and calls do not interleave.
 */
export function wasmNoiseCrypto(cipher: ChaCha20Poly1305): ICryptoInterface {
  return {
    ...pureJsCrypto,
    chaCha20Poly1305Encrypt(plaintext, nonce, ad, k) {
      return cipher.seal(k, nonce, flat(plaintext), ad)
    },
    chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst) {
      const plaintext = cipher.open(k, nonce, flat(ciphertext), ad, dst)
      if (plaintext === null) throw new NoiseDecryptError('A Noise message failed its check.')
      return plaintext
    },
  }
}

/** The crypto once asked for: loaded once per page. */
let loading: Promise<ICryptoInterface> | undefined

/**
 * The page's Noise crypto: `wasmNoiseCrypto`, or `pureJsCrypto` where WebAssembly cannot be
 * compiled (a Content Security Policy without `'wasm-unsafe-eval'`, a browser without it).
 * Loaded once: a caller may start it early (while the node's key is read) and the node takes
 * the same.
 */
export function loadNoiseCrypto(): Promise<ICryptoInterface> {
  loading ??= (async () => {
    try {
      const { ChaCha20Poly1305, newInstance } = await import('@chainsafe/as-chacha20poly1305')
      return wasmNoiseCrypto(new ChaCha20Poly1305(newInstance()))
    } catch {
      return pureJsCrypto
    }
  })()
  return loading
}
