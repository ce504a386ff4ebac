/**
 * The gateway's choice among the DHT's answers for a name it does not hold: as a visitor with no
 * pin chooses (one vote per address block), so neither one server answering with a rival
 * back-dated 47 h nor many servers of one block decide what a gateway visitor is served. Real
 * signed records; the answers are given as a DHT look-up gives them, each with its server and
 * the address block it came from.
 */
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { toHex } from '../../src/core/bytes.ts'
import type { SiteResolver } from '../../relay-node/src/gateway/resolve-site.ts'
import { openResolver } from './support/open-resolver.ts'
import type { NetworkAnswer } from '../../relay-node/src/root-lookup.ts'
import { generateKeyPair, rootRecord, uniqueName } from './support/records.ts'

const HOUR = 3_600_000

const contentOf = async (text: string): Promise<CID> =>
  CID.createV1(0x71, await sha256.digest(new TextEncoder().encode(text)))

/** A resolver whose DHT look-up returns `answers` for every name, and whose store holds none. */
function resolverOver(answers: NetworkAnswer[]): SiteResolver {
  return openResolver({
    local: async () => undefined,
    network: async () => answers.map((a) => a.value),
    answers: async () => answers,
  })
}

describe('the gateway chooses a name’s record by the servers’ vote', () => {
  const owner = generateKeyPair()
  const rogue = generateKeyPair()

  const records = async (site: string): Promise<{ real: Uint8Array; rival: Uint8Array }> => {
    const now = Date.now()
    const real = await rootRecord(site, owner, {
      created: now - 1000,
      content: await contentOf('the owner’s site'),
    })
    const rival = await rootRecord(site, rogue, {
      seq: 7,
      created: now - 47 * HOUR,
      expires: now + HOUR,
      content: await contentOf('the rival'),
    })
    return { real, rival }
  }

  it('serves the holder of more address blocks, not the Sybils of one block with a back-dated rival', async () => {
    const site = uniqueName('gwvote')
    const { real, rival } = await records(site)
    const resolver = resolverOver([
      { value: real, server: 'honest-1', block: '127.0.1.0/24' },
      { value: real, server: 'honest-2', block: '127.0.2.0/24' },
      { value: rival, server: 'sybil-1', block: '127.0.9.0/24' },
      { value: rival, server: 'sybil-2', block: '127.0.9.0/24' },
      { value: rival, server: 'sybil-3', block: '127.0.9.0/24' },
    ])
    const resolved = await resolver.resolve(site)
    assert.equal(
      toHex(resolved.record.holder),
      toHex(owner.publicKey),
      'the gateway served the back-dated rival',
    )
  })

  it('refuses to choose when the blocks are split evenly between two holders', async () => {
    const site = uniqueName('gwtie')
    const { real, rival } = await records(site)
    const resolver = resolverOver([
      { value: real, server: 'honest-1', block: '127.0.1.0/24' },
      { value: rival, server: 'sybil-1', block: '127.0.9.0/24' },
    ])
    await assert.rejects(resolver.resolve(site), 'NameContestedError')
  })
})
