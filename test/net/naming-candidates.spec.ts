import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRecord } from '../../src/core/records/index.ts'
import { validCandidates } from '../../src/net/naming/candidates.ts'

const ROOT = 'shop:test'
const WWW = `www.${ROOT}`

describe('naming candidates: a subdomain record counts only against its root', () => {
  it('ignores a subdomain record whose signer claims itself as the root owner', async () => {
    const owner = generateKeyPair()
    const attacker = generateKeyPair()
    const rootRecord = await createRecord({ type: 'root', name: ROOT, seq: 1 }, owner)
    const real = await createRecord({ type: 'TXT', name: WWW, seq: 1, text: 'real', root: { owner: owner.publicKey } }, owner)
    const rival = await createRecord({ type: 'TXT', name: WWW, seq: 9, text: 'rival', root: { owner: attacker.publicKey } }, attacker)
    const candidates = [
      { bytes: rival.bytes, servers: ['s1', 's2', 's3'] },
      { bytes: real.bytes, servers: ['s1'] },
    ]
    const { valid, refusal } = await validCandidates(WWW, candidates, { now: Date.now(), trustedRegistrars: [], rootRecord })
    assert.deepEqual(
      valid.map((c) => c.record.bytes),
      [real.bytes],
      'only the record its root vouches for',
    )
    assert.equal((refusal as Error).name, 'UnauthorizedSignerError')
  })

  it('counts no subdomain record when the root has none', async () => {
    const attacker = generateKeyPair()
    const rival = await createRecord({ type: 'TXT', name: WWW, seq: 1, text: 'rival', root: { owner: attacker.publicKey } }, attacker)
    const { valid } = await validCandidates(WWW, [{ bytes: rival.bytes, servers: ['s1'] }], { now: Date.now(), trustedRegistrars: [] })
    assert.equal(valid.length, 0)
  })

  it('validates root records on their own', async () => {
    const owner = generateKeyPair()
    const record = await createRecord({ type: 'root', name: ROOT, seq: 1 }, owner)
    const { valid } = await validCandidates(ROOT, [{ bytes: record.bytes, servers: ['s1'] }], { now: Date.now(), trustedRegistrars: [] })
    assert.deepEqual(
      valid.map((c) => c.record.bytes),
      [record.bytes],
    )
  })
})
