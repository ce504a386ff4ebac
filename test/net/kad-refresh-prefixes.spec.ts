/**
 * The browser build's small table of kad-dht refresh keys: each entry's key has a Kademlia ID
 * that starts with the entry's prefix, read the way kad-dht reads it (by a 16-bit prefix).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sha256 } from '@noble/hashes/sha2.js'
import table, { PREFIX_BITS } from '../../src/net/node/kad-refresh-prefixes.ts'

/** The top 16 bits of the Kademlia ID of the key kad-dht builds from `n`. */
function kadPrefix(n: number): number {
  const key = new Uint8Array(34)
  key[0] = 0x12
  key[1] = 0x20
  new DataView(key.buffer).setUint32(2, n, false)
  const id = sha256(key)
  return (id[0] << 8) | id[1]
}

describe('kad-dht refresh prefixes (browser build)', () => {
  it('gives, for every 16-bit target prefix, a key whose Kademlia ID shares its first bits', () => {
    const shift = 16 - PREFIX_BITS
    for (let prefix = 0; prefix < 1 << 16; prefix += 37) {
      const n = table[prefix]
      assert.equal(typeof n, 'number', `entry for ${prefix}`)
      assert.equal(kadPrefix(n) >>> shift, prefix >>> shift, `prefix ${prefix}`)
    }
    assert.equal(table[0xffff] === undefined, false)
  })
})
