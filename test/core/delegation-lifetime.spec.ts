import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { keyPairFromSeed, sign } from '../../src/core/crypto/ed25519.ts'
import type { Ed25519KeyPair } from '../../src/core/crypto/ed25519.ts'
import {
  MAX_DELEGATION_LIFETIME_MS,
  createDelegation,
  createRecord,
  delegationSigningBytes,
  validateRecord,
} from '../../src/core/records/index.ts'
import type { Delegation } from '../../src/core/records/index.ts'

const pair = (byte: number): Ed25519KeyPair => keyPairFromSeed(new Uint8Array(32).fill(byte))
const ROOT = pair(1)
const DELEGATE = pair(2)
const SITE = 'mysite:code'
const DAY = 86_400_000

/** A delegation signed by the root key, whatever its expiry (createDelegation refuses long ones). */
async function signedDelegation(expires: number): Promise<Delegation> {
  const sig = await sign(ROOT.seed, delegationSigningBytes(SITE, DELEGATE.publicKey, expires))
  return { key: DELEGATE.publicKey, expires, sig }
}

async function delegatedRecord(delegation: Delegation): Promise<Uint8Array> {
  const record = await createRecord(
    {
      type: 'TXT',
      name: `api.${SITE}`,
      seq: 1,
      text: 'by the delegate',
      root: { owner: ROOT.publicKey, delegation },
    },
    DELEGATE,
  )
  return record.bytes
}

describe('records: delegation lifetime', () => {
  it('refuses a delegation that runs longer than MAX_DELEGATION_LIFETIME_MS', async () => {
    const now = Date.now()
    const forever = await delegatedRecord(await signedDelegation(now + 10 * 365 * DAY))
    await assert.rejects(validateRecord(forever, { now }), 'UnauthorizedSignerError')
    const within = await delegatedRecord(await signedDelegation(now + MAX_DELEGATION_LIFETIME_MS))
    assert.equal((await validateRecord(within, { now })).body.name, `api.${SITE}`)
  })

  it('will not sign a delegation beyond the cap', async () => {
    await assert.rejects(
      createDelegation(
        { name: SITE, delegate: DELEGATE.publicKey, expires: Date.now() + 365 * DAY },
        ROOT,
      ),
      'MalformedRecordError',
    )
    const ok = await createDelegation(
      { name: SITE, delegate: DELEGATE.publicKey, expires: Date.now() + 7 * DAY },
      ROOT,
    )
    assert.equal(ok.expires > Date.now(), true)
  })
})
