/**
 * A relay does not re-put a record another holder put to it since its previous republish round
 * (Kademlia's rule: that put already reached the closest peers), and takes the re-puts over once
 * that holder is gone. Real relay processes: `fast` republishes every 300 ms, `slow1` and
 * `slow2` every 4 s; all three hold one record. Each re-puts it the first round it sees it; after
 * that, while `fast` runs, the slow relays skip it in the next rounds, as many as a relay may in a
 * row (`REPUBLISH_MAX_SKIPS`; without the rule each re-puts it every round); once `fast` stops,
 * one of them re-puts it and the record stays with the other.
 */
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { equals } from '../../src/core/bytes.ts'
import { REPUBLISH_MAX_SKIPS } from '../../relay-node/src/constants.ts'
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

describe('republishing a record another holder re-put (relays)', () => {
  let dir: string
  let fast: RelayProcess
  let slow: RelayProcess[] = []
  let client: Client

  before(async () => {
    dir = await tempDir()
    fast = await startRelay(`${dir}/fast`, ['--republish-interval', '300ms'])
    slow = await Promise.all(
      ['slow1', 'slow2'].map((name) =>
        startRelay(`${dir}/${name}`, ['--bootstrap', fast.tcp, '--republish-interval', '4s']),
      ),
    )
    for (const relay of [fast, ...slow])
      await waitFor(
        `${relay.peerId} to see two relays`,
        async () => ((await getJson(relay, '/health')).peers as number) >= 2,
      )
    client = await createClient({ relays: [fast, ...slow].map((r) => r.tcp) })
  })

  after(async () => {
    await client?.stop()
    await Promise.all([fast, ...slow].filter((r) => r != null).map((r) => r.stop()))
    await removeDir(dir)
  })

  it('skips it while another holder re-puts it, and re-puts it once that holder is gone', async () => {
    const name = uniqueName('republished')
    const key = await dhtKey(name)
    const value = await rootRecord(name, generateKeyPair())
    for (const relay of [fast, ...slow])
      assert.ok(await putDirect(client, relay.peerId, key, value), `${relay.peerId} refused it`)

    await waitFor(
      'the first round and as many skipping ones as may follow of each slow relay',
      () => slow.every((relay) => rounds(relay).length >= 1 + REPUBLISH_MAX_SKIPS),
      30_000,
      100,
    )
    await fast.stop()
    const [before1, before2] = slow.map((relay) => rounds(relay))
    // A relay re-puts a record the first round it sees it (who put it may have reached few peers).
    for (const held of [before1, before2]) assert.equal(held[0].put, 1)
    assert.ok(
      rounds(fast).some((round) => round.put >= 1),
      'the fast relay never re-put the record',
    )
    // The rounds after the first, up to the bound (a relay may already be past it: that round
    // re-puts the record).
    const spared = [before1, before2].map((all) => all.slice(1, 1 + REPUBLISH_MAX_SKIPS))
    for (const [i, held] of spared.entries()) {
      assert.equal(held.length, REPUBLISH_MAX_SKIPS)
      assert.equal(
        held.reduce((sum, round) => sum + round.put, 0),
        0,
        `slow relay ${i + 1} re-put a record the fast relay had just put to it`,
      )
      assert.ok(held.every((round) => round.skipped === 1))
    }

    // With the fast relay gone, the slow relays' own rounds keep the record in the network.
    const taken = await waitFor(
      'a slow relay to re-put the record',
      () =>
        slow.some((relay, i) =>
          rounds(relay)
            .slice([before1, before2][i].length)
            .some((round) => round.put === 1 && round.failed === 0),
        ),
      30_000,
      100,
    )
    assert.ok(taken)
    for (const relay of slow) {
      const held = await getDirect(client, relay.peerId, key)
      assert.ok(held !== undefined && equals(held, value), `${relay.peerId} lost the record`)
    }
  })
})
