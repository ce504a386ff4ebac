import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRecord, dhtKey, selectRecord } from '../../src/core/records/index.ts'
import { validCandidates } from '../../src/net/naming/candidates.ts'
import { chooseRecord } from '../../src/net/naming/choose-record.ts'

const ROOT = 'shop:test'
const WWW = `www.${ROOT}`

describe('naming candidates: a subdomain record counts only against its root', () => {
  it('ignores a subdomain record whose signer claims itself as the root owner', async () => {
    const owner = generateKeyPair()
    const attacker = generateKeyPair()
    const rootRecord = await createRecord({ type: 'root', name: ROOT, seq: 1 }, owner)
    const real = await createRecord(
      { type: 'TXT', name: WWW, seq: 1, text: 'real', root: { owner: owner.publicKey } },
      owner,
    )
    const rival = await createRecord(
      { type: 'TXT', name: WWW, seq: 9, text: 'rival', root: { owner: attacker.publicKey } },
      attacker,
    )
    const candidates = [
      { bytes: rival.bytes, servers: ['s1', 's2', 's3'] },
      { bytes: real.bytes, servers: ['s1'] },
    ]
    const { valid, refusal } = await validCandidates(WWW, candidates, {
      now: Date.now(),
      trustedRegistrars: [],
      rootRecord,
    })
    assert.deepEqual(
      valid.map((c) => c.record.bytes),
      [real.bytes],
      'only the record its root vouches for',
    )
    assert.equal((refusal as Error).name, 'UnauthorizedSignerError')
  })

  it('counts no subdomain record when the root has none', async () => {
    const attacker = generateKeyPair()
    const rival = await createRecord(
      { type: 'TXT', name: WWW, seq: 1, text: 'rival', root: { owner: attacker.publicKey } },
      attacker,
    )
    const { valid } = await validCandidates(WWW, [{ bytes: rival.bytes, servers: ['s1'] }], {
      now: Date.now(),
      trustedRegistrars: [],
    })
    assert.equal(valid.length, 0)
  })

  it('validates root records on their own', async () => {
    const owner = generateKeyPair()
    const record = await createRecord({ type: 'root', name: ROOT, seq: 1 }, owner)
    const { valid } = await validCandidates(ROOT, [{ bytes: record.bytes, servers: ['s1'] }], {
      now: Date.now(),
      trustedRegistrars: [],
    })
    assert.deepEqual(
      valid.map((c) => c.record.bytes),
      [record.bytes],
    )
  })
})

describe('naming choice: a visitor with no pin follows the holder most servers returned', () => {
  const DAY = 24 * 60 * 60 * 1000
  const setup = async () => {
    const honest = generateKeyPair()
    const rogue = generateKeyPair()
    const now = Date.now()
    const real = await createRecord(
      { type: 'root', name: ROOT, seq: 1, created: now - 1000 },
      honest,
    )
    // Back-dated by a day: earliest `created` would win plain selection.
    const rival = await createRecord(
      { type: 'root', name: ROOT, seq: 1, created: now - DAY, expires: now + DAY },
      rogue,
    )
    return { honest, rogue, real, rival, key: await dhtKey(ROOT) }
  }

  it('prefers the holder returned by more servers over a back-dated rival from one', async () => {
    const { real, rival, key, honest, rogue } = await setup()
    assert.equal(
      selectRecord([real.bytes, rival.bytes], { key }),
      1,
      'plain selection picks the back-dated rival',
    )
    const candidates = [
      { record: rival, servers: ['rogue'] },
      { record: real, servers: ['s1', 's2'] },
    ]
    const choice = chooseRecord(ROOT, candidates, { key, trustedRegistrars: [] })
    assert.deepEqual(choice.record?.bytes, real.bytes)
    assert.ok(choice.conflict !== undefined, 'the disagreement is reported')
    assert.deepEqual(choice.conflict.chosen, honest.publicKey)
    assert.equal(choice.conflict.byPin, false)
    assert.deepEqual(
      choice.conflict.holders.map((h) => [h.holder, h.servers]),
      [
        [honest.publicKey, 2],
        [rogue.publicKey, 1],
      ],
    )
  })

  it('counts one vote per address block: many servers in one block do not outvote two blocks', async () => {
    const { real, rival, key, honest, rogue } = await setup()
    const candidates = [
      {
        record: rival,
        servers: ['sybil1', 'sybil2', 'sybil3'],
        blocks: ['ip4:198.51.100.0/24', 'ip4:198.51.100.0/24', 'ip4:198.51.100.0/24'],
      },
      { record: real, servers: ['s1', 's2'], blocks: ['ip4:192.0.2.0/24', 'ip4:203.0.113.0/24'] },
    ]
    const choice = chooseRecord(ROOT, candidates, { key, trustedRegistrars: [] })
    assert.deepEqual(choice.record?.bytes, real.bytes, 'the one block of Sybils won')
    assert.deepEqual(
      choice.conflict?.holders.map((h) => [h.holder, h.servers, h.votes]),
      [
        [honest.publicKey, 2, 2],
        [rogue.publicKey, 3, 1],
      ],
    )
    // The same servers in one block each: the three Sybils win, as the count by servers says.
    const unblocked = candidates.map(({ record, servers }) => ({ record, servers }))
    const byServers = chooseRecord(ROOT, unblocked, { key, trustedRegistrars: [] })
    assert.deepEqual(byServers.record?.bytes, rival.bytes)
  })

  it('chooses nobody on a tie between holders, however back-dated one is, and follows the pin when there is one', async () => {
    const { real, rival, key, rogue, honest } = await setup()
    const candidates = [
      { record: rival, servers: ['s1'] },
      { record: real, servers: ['s2'] },
    ]
    const tie = chooseRecord(ROOT, candidates, { key, trustedRegistrars: [] })
    assert.equal(tie.record, undefined, 'a tie was settled by the earlier created')
    assert.deepEqual(
      tie.tied?.map((o) => [o.holder, o.servers, o.record.bytes]),
      [
        [rogue.publicKey, 1, rival.bytes],
        [honest.publicKey, 1, real.bytes],
      ],
    )
    assert.ok(tie.conflict !== undefined)
    assert.equal(tie.conflict.chosen, undefined)
    const pinned = chooseRecord(
      ROOT,
      [
        { record: rival, servers: ['s1', 's2', 's3'] },
        { record: real, servers: ['s4'] },
      ],
      { key, trustedRegistrars: [], pinned: honest.publicKey },
    )
    assert.deepEqual(pinned.record?.bytes, real.bytes, 'the pinned holder, even from fewer servers')
    assert.equal(pinned.conflict?.byPin, true)
    const gone = chooseRecord(ROOT, [{ record: rival, servers: ['s1'] }], {
      key,
      trustedRegistrars: [],
      pinned: honest.publicKey,
    })
    assert.equal(gone.record, undefined)
  })

  it('reports no conflict when every server returned the same holder', async () => {
    const { real, key } = await setup()
    const choice = chooseRecord(ROOT, [{ record: real, servers: ['s1', 's2'] }], {
      key,
      trustedRegistrars: [],
    })
    assert.deepEqual(choice.record?.bytes, real.bytes)
    assert.equal(choice.conflict, undefined)
  })
})
