/**
 * Noise messages sealed into one buffer each, for the Node peer's side of a connection (relays
 * join each whole send into one buffer instead, `joined-writes.ts`). `@chainsafe/libp2p-noise`
 * seals a message given as a list of buffers (a Yamux frame is its 12-byte header and its data)
 * piece by piece, and returns the ciphertext as a list: header, data, tag. A WebSocket connection
 * sends each buffer of that list as a message of its own, so a page receives every Noise message
 * as three or four WebSocket messages and copies them back into one buffer twice before it can
 * open it. Sealing the joined plaintext gives one ciphertext buffer: the page opens it where it
 * lies. Same bytes on the wire.
 * @module
 */
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'

/** `base`, sealing every message from one buffer, so that its ciphertext is one buffer too. */
export function contiguousNoiseCrypto(base: ICryptoInterface = defaultCrypto): ICryptoInterface {
  return {
    ...base,
    chaCha20Poly1305Encrypt(plaintext, nonce, ad, k) {
      const flat = plaintext instanceof Uint8Array ? plaintext : plaintext.subarray()
      return base.chaCha20Poly1305Encrypt(flat, nonce, ad, k)
    },
  }
}
