/**
 * A relay keeps its identity and its records across a clean restart and across `kill -9`.
 * Store writes reach LevelDB in one batch per `--store-flush-interval`: a clean stop writes
 * everything, a `kill -9` loses at most the writes of the last interval.
 */
import { stat } from 'node:fs/promises'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { equals } from '../../src/core/bytes.ts'
import { multiaddr } from '@multiformats/multiaddr'
import {
  createClient,
  findProviders,
  getDirect,
  provide,
  putDirect,
  waitForRoutingTable,
  type Client,
} from './support/client.ts'
import { contentRoot, dhtKey, generateKeyPair, rootRecord, uniqueName } from './support/records.ts'
import { getJson, removeDir, startRelay, tempDir } from './support/relay-process.ts'

/** How long after a write a `kill -9` may come and the write still survive (the default flush interval is 200 ms). */
const SETTLE_MS = 500
/** A longer flush interval, and a wait past it. */
const LONG_FLUSH = '1500ms'
const PAST_LONG_FLUSH_MS = 2500

async function putSome(
  client: Client,
  peerId: string,
  n: number,
  prefix: string,
): Promise<Array<[Uint8Array, Uint8Array]>> {
  const written: Array<[Uint8Array, Uint8Array]> = []
  for (let i = 0; i < n; i++) {
    const name = uniqueName(prefix)
    const key = await dhtKey(name)
    const value = await rootRecord(name, generateKeyPair())
    assert.ok(await putDirect(client, peerId, key, value))
    written.push([key, value])
  }
  return written
}

describe('relay persistence', () => {
  let dir: string
  const clients: Client[] = []

  before(async () => {
    dir = await tempDir()
  })

  after(async () => {
    await Promise.all(clients.map((c) => c.stop()))
    await removeDir(dir)
  })

  it('keeps its peer ID, certificate hash and records across a restart', async () => {
    const data = `${dir}/restart`
    const first = await startRelay(data)
    const client = await createClient({ relays: [first.tcp] })
    clients.push(client)
    const name = uniqueName('restart')
    const key = await dhtKey(name)
    const value = await rootRecord(name, generateKeyPair())
    assert.ok(await putDirect(client, first.peerId, key, value))
    const certhash = first.multiaddrs
      .find((a) => a.includes('/certhash/'))
      ?.replace(/.*\/certhash\/([^/]+).*/, '$1')
    assert.equal(await first.stop(), 0)
    assert.equal((await stat(`${data}/peer-key`)).mode & 0o777, 0o600)

    const second = await startRelay(data)
    try {
      assert.equal(second.peerId, first.peerId)
      assert.ok(
        second.multiaddrs.some((a) => a.includes(`/certhash/${certhash}/`)),
        'the WebRTC-Direct certificate changed',
      )
      assert.equal((await getJson(second, '/health')).records, 1)
      const reader = await createClient({ relays: [second.tcp] })
      clients.push(reader)
      const got = await getDirect(reader, second.peerId, key)
      assert.ok(got != null && equals(got, value), 'the record did not survive the restart')
    } finally {
      await second.stop()
    }
  })

  it('keeps records written before a kill -9', async () => {
    const data = `${dir}/killed`
    const first = await startRelay(data)
    const client = await createClient({ relays: [first.tcp] })
    clients.push(client)
    const written: Array<[Uint8Array, Uint8Array]> = []
    for (let i = 0; i < 10; i++) {
      const name = uniqueName('killed')
      const key = await dhtKey(name)
      const value = await rootRecord(name, generateKeyPair())
      assert.ok(await putDirect(client, first.peerId, key, value))
      written.push([key, value])
    }
    await new Promise((r) => setTimeout(r, SETTLE_MS))
    await first.kill9()

    const second = await startRelay(data)
    try {
      assert.equal(second.peerId, first.peerId)
      const reader = await createClient({ relays: [second.tcp] })
      clients.push(reader)
      for (const [key, value] of written) {
        const got = await getDirect(reader, second.peerId, key)
        assert.ok(got != null && equals(got, value), 'a record was lost with kill -9')
      }
    } finally {
      await second.stop()
    }
  })

  it('keeps records older than the flush interval across a kill -9', async () => {
    const data = `${dir}/killed-batched`
    const first = await startRelay(data, ['--store-flush-interval', LONG_FLUSH])
    const client = await createClient({ relays: [first.tcp] })
    clients.push(client)
    const written = await putSome(client, first.peerId, 10, 'batched')
    await new Promise((r) => setTimeout(r, PAST_LONG_FLUSH_MS))
    await first.kill9()

    const second = await startRelay(data)
    try {
      assert.equal((await getJson(second, '/health')).records, written.length)
      const reader = await createClient({ relays: [second.tcp] })
      clients.push(reader)
      for (const [key, value] of written) {
        const got = await getDirect(reader, second.peerId, key)
        assert.ok(
          got != null && equals(got, value),
          'a record older than the flush interval was lost with kill -9',
        )
      }
    } finally {
      await second.stop()
    }
  })

  it('keeps provider records across a restart and across a kill -9 after the flush interval', async () => {
    const data = `${dir}/providers`
    let relay = await startRelay(data, ['--store-flush-interval', LONG_FLUSH])
    const provider = await createClient({ relays: [relay.tcp], listen: true })
    clients.push(provider)
    const cids = [
      await contentRoot(uniqueName('provided')),
      await contentRoot(uniqueName('provided')),
    ]
    assert.ok((await provide(provider, cids[0])) >= 1, 'the relay did not take the provider record')
    const expectFound = async (cid: (typeof cids)[number], when: string): Promise<void> => {
      assert.ok(
        ((await getJson(relay, '/health')).providers as number) >= 1,
        `no provider record ${when}`,
      )
      const seeker = await createClient({ relays: [relay.tcp] })
      try {
        assert.ok(
          (await findProviders(seeker, cid)).includes(provider.peerId.toString()),
          `the provider record was lost ${when}`,
        )
      } finally {
        await seeker.stop()
      }
    }
    try {
      assert.equal(await relay.stop(), 0)
      relay = await startRelay(data, ['--store-flush-interval', LONG_FLUSH])
      await expectFound(cids[0], 'across a restart')
      // The provider reconnects to the restarted relay and announces a second root.
      await provider.dial(multiaddr(relay.tcp), { signal: AbortSignal.timeout(10_000) })
      await waitForRoutingTable(provider, 1)
      assert.ok((await provide(provider, cids[1])) >= 1)
      await new Promise((r) => setTimeout(r, PAST_LONG_FLUSH_MS))
      await relay.kill9()
      relay = await startRelay(data)
      await expectFound(cids[0], 'across a kill -9')
      await expectFound(cids[1], 'across a kill -9 after the flush interval')
    } finally {
      await relay.stop()
    }
  })

  it('writes pending records to disk on a clean stop, however long the flush interval', async () => {
    const data = `${dir}/stop-pending`
    const first = await startRelay(data, ['--store-flush-interval', '1h'])
    const client = await createClient({ relays: [first.tcp] })
    clients.push(client)
    const written = await putSome(client, first.peerId, 10, 'pending')
    assert.equal(await first.stop(), 0)

    const second = await startRelay(data)
    try {
      const reader = await createClient({ relays: [second.tcp] })
      clients.push(reader)
      for (const [key, value] of written) {
        const got = await getDirect(reader, second.peerId, key)
        assert.ok(
          got != null && equals(got, value),
          'a record waiting for the flush was lost on a clean stop',
        )
      }
    } finally {
      await second.stop()
    }
  })
})
