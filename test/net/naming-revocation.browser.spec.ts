import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { fromHex } from '../../src/core/bytes.ts'
import { keyPairFromSeed } from '../../src/core/crypto/ed25519.ts'
import { createRevocation } from '../../src/core/records/index.ts'
import { createBrowserNode, type BrowserNode, type RelayStatus } from '../../src/net/node/index.ts'
import type { RelayManager } from '../../src/net/node/relay-manager.ts'
import { createNamingService, type NamingService } from '../../src/net/naming/index.ts'
import { createAlternetPeer } from '../../src/net/create-peer.ts'
import type { BrowserPeer } from '../../src/net/browser-peer.ts'
import {
  deleteAlternetStorage,
  openAlternetStorage,
  type AlternetStorage,
} from '../../src/storage/index.ts'
import { testRelays, type TestRelay } from '../support/test-relays.ts'

const DEV = { allowPrivateAddresses: true, allowInsecureWebSockets: true }
const run = Math.random().toString(36).slice(2, 8)
let counter = 0
const fresh = (label: string): string => `${label}${run}x${counter++}:test`
const reserved = (s: RelayStatus): number => s.relays.filter((r) => r.reserved).length

describe('naming: revocations from the relays', () => {
  let relays: TestRelay[]
  let revoker: { seed: string; publicKey: string }
  let storage: AlternetStorage
  let node: BrowserNode
  let naming: NamingService
  let visitor: BrowserPeer
  let visitorRelays: RelayManager

  before(async () => {
    relays = await testRelays()
    revoker = (
      (await (await fetch('/__relays/list', { cache: 'no-store' })).json()) as {
        revoker: { seed: string; publicKey: string }
      }
    ).revoker
    storage = openAlternetStorage({ name: `test-revoke-owner-${run}` })
    node = await createBrowserNode({
      privateKey: await storage.identity.getOrCreatePeerKey(),
      relays: relays.map((r) => r.http),
      dev: DEV,
      rtcConfiguration: { iceServers: [] },
    })
    await node.relays.waitFor((s) => reserved(s) >= 2 && s.relays.every((r) => r.connected), {
      signal: AbortSignal.timeout(15_000),
    })
    naming = createNamingService({ libp2p: node.libp2p, storage, relays: node.relays })
    visitor = await createAlternetPeer({
      storageName: `test-revoke-visitor-${run}`,
      relays: relays.map((r) => r.http),
      dev: DEV,
      rtcConfiguration: { iceServers: [] },
    })
    visitorRelays = visitor.relays
    await visitorRelays.waitFor((s) => s.relays.every((r) => r.connected), {
      signal: AbortSignal.timeout(15_000),
    })
  })
  after(async () => {
    naming.stop()
    node.relays.stop()
    await node.libp2p.stop()
    storage.close()
    await deleteAlternetStorage(storage.name)
    await visitor.stop()
    await deleteAlternetStorage(`test-revoke-visitor-${run}`)
  })

  it('learns the revokers its relays trust', () => {
    const keys = visitorRelays.trustedRevokers()
    assert.equal(keys.length, 1)
    assert.deepEqual(keys[0], fromHex(revoker.publicKey))
  })

  it('refuses a revoked name: resolve throws NameRevokedError and drops the cached record, fetch answers 410', async () => {
    const name = fresh('revoked')
    await naming.publish({ type: 'root', name })
    const before = await visitor.naming.resolve(name)
    assert.equal(before.site, name)
    assert.ok((await visitor.storage.records.getCachedRecord(name)) !== undefined)

    const revocation = await createRevocation({ name }, keyPairFromSeed(fromHex(revoker.seed)))
    const posted = await fetch(`${relays[0].http}/revoke`, {
      method: 'POST',
      body: new Uint8Array(revocation.bytes),
    })
    assert.equal(posted.status, 200, `POST /revoke: ${await posted.clone().text()}`)

    const err = (await assert.rejects(
      visitor.naming.resolve(name, { fresh: true }),
      'NameRevokedError',
    )) as { site: string }
    assert.equal(err.site, name)
    assert.equal(
      await visitor.storage.records.getCachedRecord(name),
      undefined,
      'the cached record is dropped',
    )
    await assert.rejects(visitor.naming.resolve(`www.${name}`), 'NameRevokedError')

    const response = await visitor.fetch(`an://${name}/`)
    assert.equal(response.status, 410)
    assert.equal(response.headers.get('x-an-error'), 'NameRevokedError')
  })
})
