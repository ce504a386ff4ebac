/**
 * kad-dht's own upkeep in the simulation runs on the simulated clock (bench/sim/dht-timers.ts):
 * what its real-time table-refresh timer calls starts no query, and the simulation's round
 * (a look-up of the server's own ID and a refresh of every bucket) is what fills a server's
 * routing table. Five servers built from the relay's own parts over the in-memory transport,
 * each dialling only the one before it.
 */
import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { eventually } from '../support/eventually.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { refreshRound } from '../../bench/sim/dht-timers.ts'
import { REAL_BOUND_MS } from '../../bench/sim/sim-libp2p.ts'
import { realTimeContext, startHonestNode, type HonestNode } from '../../bench/sim/sim-node.ts'

/** Memory addresses 9100 and up: apart from the simulation's and the other specs'. */
const FIRST = 9100
const SERVERS = 5

interface Internals {
  routingTable: { size: number }
  routingTableRefresh: { refreshTable(force?: boolean): void; refreshQueryTimeout: number }
  querySelf: { queryTimeout: number }
  network: { timeout: { minTimeout: number; maxTimeout: number } }
  peerRouting: { getClosestPeers(...args: unknown[]): AsyncGenerator<unknown> }
}

const internals = (s: HonestNode): Internals => s.node.services.dht as unknown as Internals

describe('kad-dht’s upkeep on the simulated clock', () => {
  const servers: HonestNode[] = []

  before(async () => {
    const ctx = realTimeContext()
    for (let i = 0; i < SERVERS; i++) {
      const s = await startHonestNode(FIRST + i, new Uint8Array(32).fill(40 + i), ctx)
      if (i > 0) await s.node.dial(multiaddr(servers[i - 1].addr))
      servers.push(s)
    }
  })

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()))
  })

  it('starts no query from kad-dht’s own table-refresh timer', () => {
    const dht = internals(servers[0])
    const closest = dht.peerRouting.getClosestPeers.bind(dht.peerRouting)
    let queries = 0
    dht.peerRouting.getClosestPeers = (...args) => {
      queries++
      return closest(...args)
    }
    try {
      // What kad-dht's timer calls (and `afterStart`, forced); its first query starts at once.
      dht.routingTableRefresh.refreshTable(true)
      assert.equal(queries, 0)
    } finally {
      dht.peerRouting.getClosestPeers = closest
    }
  })

  it('bounds kad-dht’s real-time waits generously, the first self-query’s included', () => {
    // kad-dht's own 5 s (first self-query, each request's floor) and 30 s (a bucket refresh)
    // turned a starved process into failed lookups.
    const dht = internals(servers[0])
    assert.equal(dht.querySelf.queryTimeout, REAL_BOUND_MS)
    assert.equal(dht.routingTableRefresh.refreshQueryTimeout, REAL_BOUND_MS)
    assert.equal(dht.network.timeout.minTimeout, REAL_BOUND_MS)
    assert.equal(dht.network.timeout.maxTimeout, REAL_BOUND_MS)
  })

  it('fills the routing table of a server that knows one peer in one round', async () => {
    const last = servers[SERVERS - 1]
    const table = internals(last).routingTable
    assert.ok(table.size < SERVERS - 1, `the last server already knew ${table.size} peers`)
    await refreshRound(last.node.services.dht, last.node.peerId, AbortSignal.timeout(15_000))
    await eventually('the last server to know every other', () => table.size === SERVERS - 1)
  })
})
