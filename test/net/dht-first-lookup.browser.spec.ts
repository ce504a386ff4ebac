/**
 * A browser node's first look-up does not wait for kad-dht's first self-query (the walk toward
 * its own ID, which dials the servers near it): it asks its relay as soon as the relay is in
 * the routing table, and finds what the relay holds. Real relays, real kad-dht in the page.
 * @module
 */
import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { equals } from '../../src/core/bytes.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { createRecord, dhtKey } from '../../src/core/records/index.ts'
import { createBrowserNode, type BrowserNode } from '../../src/net/node/index.ts'
import { getRecords, putRecord } from '../../src/net/naming/index.ts'
import { generateKeyPair as peerKey } from '@libp2p/crypto/keys'
import { testRelays, type TestRelay } from '../support/test-relays.ts'

const DEV = { allowPrivateAddresses: true, allowInsecureWebSockets: true }
const NAME = `first${Math.random().toString(36).slice(2, 8)}:test`

/**
 * How many servers each self-query of any node in this page found (kad-dht's
 * `kad-dht:query:self`, also forwarded by the node: each counted twice), in order.
 */
const selfQueries: number[] = []
const dispatch = EventTarget.prototype.dispatchEvent
EventTarget.prototype.dispatchEvent = function (this: EventTarget, event: Event): boolean {
  if (event.type === 'kad-dht:query:self')
    selfQueries.push((event as CustomEvent<{ peers: number }>).detail.peers)
  return dispatch.call(this, event)
}

async function startNode(relays: TestRelay[]): Promise<BrowserNode> {
  return createBrowserNode({
    privateKey: await peerKey('Ed25519'),
    relays: relays.map((r) => r.http),
    dev: DEV,
    rtcConfiguration: { iceServers: [] },
  })
}

describe('kad-dht in the page: the first look-up', () => {
  let relays: TestRelay[]
  const nodes: BrowserNode[] = []

  before(async () => {
    relays = await testRelays()
  })
  after(async () => {
    EventTarget.prototype.dispatchEvent = dispatch
    for (const node of nodes) {
      node.relays.stop()
      await node.libp2p.stop()
    }
  })

  it('asks the relays before the node’s first self-query has found anyone, and finds the record', async () => {
    const publisher = await startNode(relays)
    nodes.push(publisher)
    const record = await createRecord({ type: 'root', name: NAME, seq: 1 }, await generateKeyPair())
    const key = await dhtKey(NAME)
    const { accepted } = await putRecord(publisher.libp2p.services.dht, key, record.bytes, {
      timeoutMs: 15_000,
    })
    assert.ok(accepted >= 1, `stored by ${accepted} servers`)

    const before = selfQueries.length
    const visitor = await startNode(relays)
    nodes.push(visitor)
    const found = await getRecords(visitor.libp2p.services.dht, key, { timeoutMs: 15_000 })
    assert.ok(
      found.some((bytes) => equals(bytes, record.bytes)),
      'the visitor found the record its relays hold',
    )
    assert.deepEqual(
      selfQueries.slice(before).filter((peers) => peers > 0),
      [],
      'no self-query of the visitor had found a server before its look-up was answered',
    )
  })
})
