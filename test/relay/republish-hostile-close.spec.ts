/**
 * A server among a key's closest that puts the record to a holder every round spares the holder
 * at most `REPUBLISH_MAX_SKIPS` (2) re-puts in a row: a Sybil that ground its peer ID into the
 * key's closest, putting the record to the holders alone, cannot stop them re-putting it. Real
 * relay processes: `holder` republishes every second; `close` (the only other DHT server, so
 * among the key's closest in `holder`'s table) republishes every 200 ms and so puts the record
 * to `holder` several times between two of its rounds. `holder` skips it at most twice in a
 * row and re-puts it in the next round (without the bound it skips it every round).
 */
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { REPUBLISH_MAX_SKIPS } from '../../relay-node/src/constants.ts'
import { createClient, putDirect, type Client } from './support/client.ts'
import { dhtKey, generateKeyPair, rootRecord, uniqueName } from './support/records.ts'
import {
  getJson,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from './support/relay-process.ts'
import { longestSkipRun, rounds } from './support/republish-rounds.ts'

describe('republishing a record a close server keeps putting (relays)', () => {
  let dir: string
  let holder: RelayProcess
  let close: RelayProcess
  let client: Client

  before(async () => {
    dir = await tempDir()
    holder = await startRelay(`${dir}/holder`, ['--republish-interval', '1s'])
    close = await startRelay(`${dir}/close`, [
      '--bootstrap',
      holder.tcp,
      '--republish-interval',
      '200ms',
    ])
    for (const relay of [holder, close])
      await waitFor(
        `${relay.peerId} to see the other relay`,
        async () => ((await getJson(relay, '/health')).peers as number) >= 1,
      )
    client = await createClient({ relays: [holder.tcp, close.tcp] })
  })

  after(async () => {
    await client?.stop()
    await Promise.all([holder, close].filter((r) => r != null).map((r) => r.stop()))
    await removeDir(dir)
  })

  it('re-puts it at least every third round', async () => {
    const name = uniqueName('close-kept')
    const key = await dhtKey(name)
    const value = await rootRecord(name, generateKeyPair())
    for (const relay of [holder, close])
      assert.ok(await putDirect(client, relay.peerId, key, value), `${relay.peerId} refused it`)

    const wanted = 2 * (REPUBLISH_MAX_SKIPS + 1) + 1
    await waitFor(
      `${wanted} republish rounds of the holder`,
      () => rounds(holder).length >= wanted,
      60_000,
      100,
    )
    const seen = rounds(holder)
    const log = JSON.stringify(seen)
    // The first round re-puts a record it has not seen; the close relay's puts came after it.
    assert.equal(seen[0].put, 1, log)
    assert.ok(
      rounds(close).some((round) => round.put === 1 && round.failed === 0),
      'the close relay never put the record to the holder',
    )
    const later = seen.slice(1)
    // The close server's puts spare the holder some rounds (the saving stays) ...
    assert.ok(later.filter((round) => round.skipped === 1).length >= 2, log)
    // ... but never more than the bound in a row, and the bound made it re-put.
    assert.ok(longestSkipRun(later) <= REPUBLISH_MAX_SKIPS, log)
    assert.ok(
      later.some((round) => round.capped === 1 && round.put === 1),
      log,
    )
  })
})
