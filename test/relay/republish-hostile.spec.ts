/**
 * A peer that is not among a key's closest servers cannot stop the key's holders re-putting its
 * record by putting the record to them itself (and to no one else) every round. Real relay
 * processes: `holder` republishes every second, `other` at the default hour (so it never
 * re-puts here); a hostile client (kad-dht in client mode: in no routing table) puts the record
 * to `holder` several times a round. `holder` re-puts it every round all the same, and a relay
 * that joins later, closer than no one, receives it from `holder`'s next round.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { equals } from '../../src/core/bytes.ts'
import { createClient, getDirect, putDirect, type Client } from './support/client.ts'
import { dhtKey, generateKeyPair, rootRecord, uniqueName } from './support/records.ts'
import {
  getJson,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from './support/relay-process.ts'
import { rounds } from './support/republish-rounds.ts'

/** DHT servers `relay` is connected to, per its /health. */
async function peers(relay: RelayProcess): Promise<number> {
  return (await getJson(relay, '/health')).peers as number
}

describe('republishing a record a hostile peer keeps putting (relays)', () => {
  let dir: string
  let holder: RelayProcess
  let other: RelayProcess
  let late: RelayProcess | undefined
  let owner: Client
  let hostile: Client
  let hammering = true
  let hammer: Promise<void> | undefined

  before(async () => {
    dir = await tempDir()
    holder = await startRelay(`${dir}/holder`, ['--republish-interval', '1s'])
    other = await startRelay(`${dir}/other`, ['--bootstrap', holder.tcp])
    await waitFor('the relays to see each other', async () => (await peers(holder)) >= 1)
    owner = await createClient({ relays: [holder.tcp] })
    hostile = await createClient({ relays: [holder.tcp], localAddress: '127.0.3.1' })
  })

  after(async () => {
    hammering = false
    await hammer
    await Promise.all([owner?.stop(), hostile?.stop()])
    await Promise.all([holder, other, late].filter((r) => r != null).map((r) => r.stop()))
    await removeDir(dir)
  })

  it('re-puts it every round, and places it on a relay that joins meanwhile', async () => {
    const name = uniqueName('hammered')
    const key = await dhtKey(name)
    const value = await rootRecord(name, generateKeyPair())
    assert.ok(await putDirect(owner, holder.peerId, key, value), 'the holder refused the record')
    let hostilePuts = 0
    hammer = (async () => {
      while (hammering) {
        if (await putDirect(hostile, holder.peerId, key, value)) hostilePuts++
        await new Promise((r) => setTimeout(r, 150))
      }
    })()

    await waitFor('four republish rounds of the holder', () => rounds(holder).length >= 4, 30_000)
    const seen = rounds(holder)
    assert.ok(hostilePuts > 0, 'the hostile client never put the record')
    // Every round re-put the record ...
    for (const round of seen) {
      assert.equal(round.skipped, 0, `a round skipped the record: ${JSON.stringify(seen)}`)
      assert.equal(round.put, 1)
    }
    // ... though the hostile client's puts landed between rounds (else this proves nothing).
    assert.ok(
      seen.slice(1).some((round) => round.outsiders === 1),
      `no round saw the hostile client's put: ${JSON.stringify(seen)}`,
    )

    // A relay joins while the hostile client keeps putting: the holder's next rounds place the
    // record on it (`other` would not re-put it for an hour).
    const joined = await startRelay(`${dir}/late`, ['--bootstrap', holder.tcp])
    late = joined
    await waitFor('the holder to see the late relay', async () => (await peers(holder)) >= 2)
    await owner.dial(multiaddr(joined.tcp), { signal: AbortSignal.timeout(10_000) })
    const placed = await waitFor(
      'the late relay to receive the record',
      async () => {
        const held = await getDirect(owner, joined.peerId, key).catch(() => undefined)
        return held !== undefined && equals(held, value)
      },
      30_000,
      250,
    )
    assert.ok(placed)
  })
})
