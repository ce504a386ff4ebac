/**
 * A brand-new name is not squatted by Sybils that hold back-dated rivals of it before its owner
 * publishes: a relay that does not hold a name looks it up before storing it, and the honest
 * servers that hold no record of the name vote against the Sybils' rival, one vote per address
 * block, so the owner's first record is stored. The rule the look-up exists for still holds: a
 * relay that joins with an empty store afterwards refuses the rival, and no honest relay gives
 * the name to another key. Real relay processes: three honest, each in its own loopback /24
 * (127.0.1.0, 127.0.2.0, 127.0.4.0); three standing in for Sybil servers, all in 127.0.9.0 (their
 * look-ups end at once, so they keep the rival they are offered first).
 */
import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { equals } from '../../src/core/bytes.ts'
import {
  SYBIL_FLAGS,
  joined,
  refusals,
  startRelayAt,
  untilAllKnown,
} from './support/address-blocks.ts'
import { createClient, getDirect, putDirect, type Client } from './support/client.ts'
import {
  backDatedRival,
  dhtKey,
  generateKeyPair,
  rootRecord,
  uniqueName,
} from './support/records.ts'
import { removeDir, tempDir, type RelayProcess } from './support/relay-process.ts'

const HONEST_HOSTS = ['127.0.1.1', '127.0.2.1', '127.0.4.1']
const SYBIL_HOSTS = ['127.0.9.1', '127.0.9.2', '127.0.9.3']
const FRESH_HOST = '127.0.3.1'

describe('a brand-new name and Sybils holding back-dated rivals of it (relays)', () => {
  let dir: string
  const honest: RelayProcess[] = []
  const sybils: RelayProcess[] = []
  let fresh: RelayProcess | undefined
  let client: Client
  const owner = generateKeyPair()
  const rogue = generateKeyPair()
  const site = uniqueName('squatted')
  let key: Uint8Array
  let real: Uint8Array
  let rival: Uint8Array

  const all = (): RelayProcess[] => [...honest, ...sybils]

  before(async () => {
    dir = await tempDir()
    key = await dhtKey(site)
    for (const [i, host] of SYBIL_HOSTS.entries())
      sybils.push(await startRelayAt(`${dir}/s${i}`, host, sybils, SYBIL_FLAGS))
    // Each honest relay dials the relays started before it, so the last one reaches every other
    // at its own address (the block a vote counts in is the address a relay was dialed at).
    for (const [i, host] of HONEST_HOSTS.entries())
      honest.push(await startRelayAt(`${dir}/h${i}`, host, all()))
    await untilAllKnown(all())
    client = await createClient({ relays: all().map((r) => r.tcp) })
    real = await rootRecord(site, owner, { created: Date.now() })
    rival = await backDatedRival(site, rogue, { seq: 9 })
    // The Sybils take the name first, with a rival that claims to be 47 h older than the owner's.
    for (const r of sybils) assert.ok(await putDirect(client, r.peerId, key, rival))
  })

  after(async () => {
    await client?.stop()
    await Promise.all([...all(), ...(fresh === undefined ? [] : [fresh])].map((r) => r.stop()))
    await removeDir(dir)
  })

  it('stores the owner’s first record on every honest relay, and serves it', async () => {
    const hijacksBefore = await Promise.all(honest.map((r) => refusals(r, 'hijack')))
    // The last relay first: it dialed every other, so each answers from its own block.
    for (const [i, r] of [...honest.entries()].reverse())
      assert.ok(
        await putDirect(client, r.peerId, key, real),
        `honest relay ${i} refused the owner's first record of a name only Sybils hold`,
      )
    for (const [i, r] of honest.entries()) {
      const got = await getDirect(client, r.peerId, key)
      assert.ok(got !== undefined && equals(got, real), `honest relay ${i} serves another record`)
      assert.equal(await refusals(r, 'hijack'), hijacksBefore[i])
    }
  })

  it('then refuses the rival on every honest relay', async () => {
    for (const [i, r] of honest.entries())
      assert.equal(
        await putDirect(client, r.peerId, key, rival),
        false,
        `honest relay ${i} gave the name to the rival`,
      )
  })

  it('a relay that joins with an empty store afterwards refuses the rival and takes the owner’s record', async () => {
    fresh = await startRelayAt(`${dir}/fresh`, FRESH_HOST, all())
    const relay = fresh
    await joined(relay, all(), client)
    const before = await refusals(relay, 'hijack')
    assert.equal(
      await putDirect(client, relay.peerId, key, rival),
      false,
      'the fresh relay stored the Sybils’ rival',
    )
    assert.ok((await refusals(relay, 'hijack')) >= before + 1, 'the rival was not a hijack')
    assert.ok(await putDirect(client, relay.peerId, key, real), "the owner's record was refused")
  })
})
