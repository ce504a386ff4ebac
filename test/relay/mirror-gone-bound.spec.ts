/**
 * A stranger cannot grow a relay's list of relays marked gone: a real relay process marks a
 * peer that identified as a mirror gone when its last connection closes, and keeps at most 16
 * such peers for one source (address block). 24 Node peers from one address identify as
 * mirrors and hang up: the relay keeps 16 of them. Three from another block still get their
 * share, and no peer that hung up is counted as an identified relay any longer.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { MIRROR_PROTOCOL, MIRROR_UPLOAD_PROTOCOL } from '../../src/net/mirror/index.ts'
import { MIRROR_GONE_PER_SOURCE } from '../../relay-node/src/mirror/constants.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { createClient, type Client } from './support/client.ts'
import {
  getJson,
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from './support/relay-process.ts'

const CROWD = 24
const CROWD_ADDRESS = '127.0.2.1'
const OTHERS = 3
const OTHER_ADDRESS = '127.0.3.1'

interface Health {
  mirror: { identifiedRelays: number; goneRelays: number }
}

describe('the relays a mirror marks gone', () => {
  let dir: string
  let relay: RelayProcess
  const peers: Client[] = []

  const health = async (): Promise<Health['mirror']> =>
    (await getJson<Health>(relay, '/health')).mirror

  /** `n` peers from `localAddress` that identify as mirrors (taking uploads), connected to the relay. */
  const fakeMirrors = async (n: number, localAddress: string): Promise<Client[]> =>
    Promise.all(
      Array.from({ length: n }, async () => {
        const peer = await createClient({ localAddress })
        peers.push(peer)
        for (const protocol of [MIRROR_PROTOCOL, MIRROR_UPLOAD_PROTOCOL])
          await peer.handle(protocol, (stream) => void stream.close())
        await peer.dial(multiaddr(relay.tcp), { signal: AbortSignal.timeout(30_000) })
        return peer
      }),
    )

  /** Connects `n` such peers, waits until the relay identified each, then hangs them all up. */
  const comeAndGo = async (n: number, localAddress: string): Promise<void> => {
    const group = await fakeMirrors(n, localAddress)
    await eventually(
      `the relay to identify ${n} mirrors`,
      async () => (await health()).identifiedRelays === n,
      60_000,
      250,
    )
    await Promise.all(group.map((p) => p.stop()))
    await eventually(
      'the relay to see them hang up',
      async () => (await health()).identifiedRelays === 0,
      60_000,
      250,
    )
  }

  before(async () => {
    dir = await tempDir('an-mirror-gone-')
    relay = await startRelay(`${dir}/r`)
  })

  after(async () => {
    await Promise.all(peers.map((p) => p.stop()))
    await relay?.stop()
    await removeDir(dir)
  })

  it('keeps at most its share of one source, and another source still gets its own', async () => {
    await comeAndGo(CROWD, CROWD_ADDRESS)
    assert.equal((await health()).goneRelays, MIRROR_GONE_PER_SOURCE)
    await comeAndGo(OTHERS, OTHER_ADDRESS)
    assert.equal((await health()).goneRelays, MIRROR_GONE_PER_SOURCE + OTHERS)
  })
})
