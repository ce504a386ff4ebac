/**
 * The contracts between the browser peer and the relay, against a real relay process: the
 * relay serves its paths and speaks the protocols `@alternet/core/contracts` names, and the
 * browser's reader (`fetchRelayDocument`) takes the well-known document the relay writes.
 * @module
 */
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import {
  DHT_PROTOCOL,
  HEALTH_PATH,
  METRICS_PATH,
  REVOKE_PROTOCOL,
  WELL_KNOWN_PATH,
  parseWellKnown,
  revocationPath,
} from '@alternet/core/contracts'
import { fetchRelayDocument } from '../../src/net/node/relay-addresses.ts'
import {
  askRelayDocumentEarly,
  takeEarlyRelayDocument,
} from '../../src/net/node/early-relay-document.ts'
import { eventually } from '../support/eventually.ts'
import { createClient, type Client } from './support/client.ts'
import { removeDir, startRelay, tempDir, type RelayProcess } from './support/relay-process.ts'

describe('relay ↔ browser contracts', () => {
  let dir: string
  let relay: RelayProcess
  let client: Client

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(dir)
    client = await createClient({ relays: [relay.tcp] })
  })

  after(async () => {
    await client?.stop()
    await relay?.stop()
    await removeDir(dir)
  })

  it('serves the well-known document that the shared parser and the browser’s reader take whole', async () => {
    const json: unknown = await (await fetch(`${relay.http}${WELL_KNOWN_PATH}`)).json()
    const parsed = parseWellKnown(json)
    assert.deepEqual(parsed, json, 'nothing of what the relay writes is dropped')
    const doc = await fetchRelayDocument(`${relay.http}${WELL_KNOWN_PATH}`)
    assert.equal(doc.peerId, relay.peerId)
    assert.deepEqual(doc.multiaddrs.map(String), parsed?.multiaddrs)
  })

  it('lets the browser’s reader take the document the app asked for early, once', async () => {
    const url = `${relay.http}${WELL_KNOWN_PATH}`
    askRelayDocumentEarly(relay.http)
    const doc = await fetchRelayDocument(url)
    assert.equal(doc.peerId, relay.peerId)
    assert.equal(takeEarlyRelayDocument(url), undefined, 'the reader took the early answer')
    askRelayDocumentEarly(`${relay.http}/`)
    const early = takeEarlyRelayDocument(url)
    assert.ok(early !== undefined, 'asked again once taken')
    assert.equal((await early).status, 200)
    assert.equal(takeEarlyRelayDocument(url), undefined, 'an early answer is taken once')
  })

  it('serves health and metrics at the shared paths, and answers 404 for a name it holds no revocation of', async () => {
    assert.equal((await fetch(`${relay.http}${HEALTH_PATH}`)).status, 200)
    const metrics = await fetch(`${relay.http}${METRICS_PATH}`)
    assert.equal(metrics.status, 200)
    const text = await metrics.text()
    // The process's own figures stand beside the relay's, so a growing heap can be told apart.
    for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes'])
      assert.match(text, new RegExp(`^${name} \\d`, 'm'), name)
    assert.equal((await fetch(`${relay.http}${revocationPath('nobody:here')}`)).status, 404)
  })

  it('speaks the shared DHT and revocation protocols', async () => {
    const protocols = await eventually('the relay identified', async () => {
      const peer = await client.peerStore.get(peerIdFromString(relay.peerId))
      return peer.protocols.length > 0 ? peer.protocols : undefined
    })
    assert.ok(protocols.includes(DHT_PROTOCOL), protocols.join(', '))
    assert.ok(protocols.includes(REVOKE_PROTOCOL), protocols.join(', '))
  })
})
