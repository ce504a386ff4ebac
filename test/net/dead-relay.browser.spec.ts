import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import { createBrowserNode, type BrowserNode, type RelayStatus } from '../../src/net/node/index.ts'
import { createNamingService, type NamingService } from '../../src/net/naming/index.ts'
import {
  deleteAlternetStorage,
  openAlternetStorage,
  type AlternetStorage,
} from '../../src/storage/index.ts'
import {
  eventually,
  startAllRelays,
  stopRelay,
  testRelays,
  type TestRelay,
} from '../support/test-relays.ts'

const DEV = { allowPrivateAddresses: true, allowInsecureWebSockets: true }
const run = Math.random().toString(36).slice(2, 8)
const reserved = (s: RelayStatus): number => s.relays.filter((r) => r.reserved).length

interface TransportManager {
  dial(addr: Multiaddr, options?: unknown): Promise<unknown>
}

/** Records every address the node's transports are asked to dial (gated dials never get there). */
function spyOnDials(node: BrowserNode): string[] {
  const tm = (node.libp2p as unknown as { components: { transportManager: TransportManager } })
    .components.transportManager
  const dials: string[] = []
  const dial = tm.dial.bind(tm)
  tm.dial = (addr, options) => {
    dials.push(addr.toString())
    return dial(addr, options)
  }
  return dials
}

describe('a dead relay', () => {
  let relays: TestRelay[]
  let storage: AlternetStorage
  let node: BrowserNode
  let naming: NamingService

  before(async () => {
    relays = await testRelays()
    storage = openAlternetStorage({ name: `test-dead-relay-${run}` })
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
  })
  after(async () => {
    naming.stop()
    node.relays.stop()
    await node.libp2p.stop()
    storage.close()
    await deleteAlternetStorage(storage.name)
    await startAllRelays()
  })

  it('is not dialed by DHT puts and lookups, which stay fast; it is redialed when it returns', async () => {
    const name = `dead${run}:test`
    let t0 = performance.now()
    await naming.publish({ type: 'root', name })
    const publishBefore = performance.now() - t0
    t0 = performance.now()
    await naming.resolve(name, { fresh: true })
    const resolveBefore = performance.now() - t0

    const victim = relays[relays.length - 1]
    const dials = spyOnDials(node)
    await stopRelay(victim.index)
    await node.relays.waitFor(
      (s) => reserved(s) >= 2 && !s.relays.find((r) => r.peerId === victim.peerId)!.connected,
      { signal: AbortSignal.timeout(15_000) },
    )

    const publishes: number[] = []
    const resolves: number[] = []
    for (let i = 0; i < 3; i++) {
      t0 = performance.now()
      const { accepted } = await naming.publish({ type: 'root', name, meta: { round: String(i) } })
      publishes.push(performance.now() - t0)
      assert.ok(accepted >= 1, `accepted by ${accepted}`)
      t0 = performance.now()
      const { record } = await naming.resolve(name, { fresh: true })
      resolves.push(performance.now() - t0)
      assert.deepEqual(record.body.meta, { round: String(i) })
    }
    const ms = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ')
    console.log(
      `before the stop: publish ${publishBefore.toFixed(0)} ms, fresh resolve ${resolveBefore.toFixed(0)} ms; after: publishes ${ms(publishes)} ms, fresh resolves ${ms(resolves)} ms`,
    )

    // The mechanism: no transport dial of the dead relay at all (its well-known URL does not
    // answer, so even the relay manager's redials stop before dialing), and a dial is refused.
    assert.deepEqual(
      dials.filter((a) => a.includes(victim.peerId)),
      [],
      'the dead relay was not dialed',
    )
    await assert.rejects(node.libp2p.dial(peerIdFromString(victim.peerId)), 'DialDeniedError')
    // The timings are printed, not asserted: the dial count above is what proves the mechanism.

    await startAllRelays()
    await eventually(
      'the relay redialed',
      () => node.relays.status().relays.find((r) => r.peerId === victim.peerId)!.connected,
      30_000,
    )
    assert.ok(await node.libp2p.dial(peerIdFromString(victim.peerId)), 'dialable again')
  })
})
