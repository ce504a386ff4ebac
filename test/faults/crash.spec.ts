/**
 * A relay killed with SIGKILL in the middle of heavy writes starts again on the same data dir
 * with a consistent store: though its write-behind store holds writes back for as long as 10 s
 * here, it flushes before it acknowledges a record, so every record it acknowledged is served
 * after the restart, and every record it serves is valid.
 */
import { describe, it, before, after } from 'node:test'
import * as assert from '../support/assert.ts'
import { equals } from '../../src/core/bytes.ts'
import { createClient, getDirect, putDirect, type Client } from '../relay/support/client.ts'
import { dhtKey, generateKeyPair, rootRecord, uniqueName } from '../relay/support/records.ts'
import {
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from '../relay/support/relay-process.ts'

/** Writers putting records at once. */
const WRITERS = 8
/** Acknowledged records after which the relay is killed (writes still in flight). */
const KILL_AFTER = 120

describe('a relay killed during heavy writes', () => {
  let dir: string
  let relay: RelayProcess
  const clients: Client[] = []
  const acknowledged: Array<{ key: Uint8Array; value: Uint8Array }> = []

  before(async () => {
    dir = await tempDir('an-crash-')
    relay = await startRelay(dir, ['--store-flush-interval', '10s'])
  })

  after(async () => {
    await Promise.all(clients.map((c) => c.stop()))
    await relay?.kill9()
    await removeDir(dir)
  })

  it('restarts serving every record it acknowledged', async () => {
    const writer = await createClient({ relays: [relay.tcp] })
    clients.push(writer)
    const holder = generateKeyPair()
    let killed = false
    const write = async (): Promise<void> => {
      while (!killed) {
        const name = uniqueName('crash')
        const key = await dhtKey(name)
        const value = await rootRecord(name, holder)
        if (await putDirect(writer, relay.peerId, key, value)) {
          if (!killed) acknowledged.push({ key, value })
        }
        if (acknowledged.length >= KILL_AFTER && !killed) {
          killed = true
          await relay.kill9()
        }
      }
    }
    await Promise.all(Array.from({ length: WRITERS }, write))
    assert.ok(acknowledged.length >= KILL_AFTER, `only ${acknowledged.length} writes acknowledged`)

    relay = await startRelay(dir, ['--store-flush-interval', '10s'])
    const reader = await createClient({ relays: [relay.tcp] })
    clients.push(reader)
    let lost = 0
    for (const { key, value } of acknowledged) {
      const served = await waitFor('an answer', async () =>
        getDirect(reader, relay.peerId, key).then(
          (v) => ({ v }),
          () => undefined,
        ),
      )
      if (served.v === undefined || !equals(served.v, value)) lost++
    }
    assert.equal(lost, 0, `${lost} of ${acknowledged.length} acknowledged records lost`)
  })
})
