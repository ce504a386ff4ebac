/**
 * kad-dht's own timers, tied to the simulation's clock. A running kad-dht 16 server looks up its
 * own ID and refreshes its routing table (one `getClosestPeers` per bucket) every 5 minutes of
 * real time (`QUERY_SELF_INTERVAL`, `TABLE_REFRESH_INTERVAL` in its constants.js). In the
 * simulation 5 minutes of real time are hours of simulated time, and every server running
 * repeats that work while the others start: the work grew with servers × real time, and a
 * 500-server start-up never finished. Here the timers never fire; the simulation runs the same
 * two queries itself, once per server per simulated round (`refreshRound`).
 *
 * The self-query's interval is an option of kad-dht (`querySelfInterval`); the table refresh's
 * is not (`RoutingTableRefresh` is built without one), so `holdTableRefresh` replaces, on the
 * one instance, the two entry points that start it: `afterStart` (a forced refresh at start)
 * and `refreshTable` (what its timer calls). The refresh itself (`refreshRound`) calls kad-dht's
 * own per-bucket method with its own gap rule. Nothing in node_modules is edited.
 * @module
 */
import type { KadDHT } from '@libp2p/kad-dht'
import type { PeerId } from '@libp2p/interface'
import { REAL_BOUND_MS } from './sim-libp2p.ts'

/** The longest delay `setTimeout` takes (a longer one fires at once): about 24.8 days. */
export const NEVER = 2 ** 31 - 1

/** The parts of kad-dht's `RoutingTableRefresh` (routing-table/refresh.js) used here. */
interface TableRefresh {
  afterStart(): Promise<void>
  refreshTable(force?: boolean, options?: { signal?: AbortSignal }): void
  _maxCommonPrefix(): number
  _numPeersForCpl(prefixLength: number): number
  _getTrackedCommonPrefixLengthsForRefresh(maxCommonPrefix: number): Date[]
  _refreshCommonPrefixLength(
    cpl: number,
    lastRefresh: Date,
    force: boolean,
    options?: { signal?: AbortSignal },
  ): Promise<void>
}

/** kad-dht's instance, with the parts this module drives. */
interface DhtInternals {
  routingTableRefresh: TableRefresh & { refreshQueryTimeout: number }
  querySelf: { queryTimeout: number }
}

function internals(dht: KadDHT): DhtInternals {
  const d = dht as unknown as Partial<DhtInternals>
  if (
    d.routingTableRefresh?._refreshCommonPrefixLength === undefined ||
    typeof d.routingTableRefresh.refreshQueryTimeout !== 'number' ||
    typeof d.querySelf?.queryTimeout !== 'number'
  )
    throw new Error('kad-dht changed: no routing table refresh or self-query to drive')
  return d as DhtInternals
}

/**
 * The kad-dht settings that keep its self-query off the real clock: the first one runs at start
 * (queries wait for it), the next ones only when `refreshRound` asks.
 */
export const SIM_QUERY_SELF = { initialQuerySelfInterval: 0, querySelfInterval: NEVER }

/**
 * kad-dht's real-time waits that are options, bounded by `REAL_BOUND_MS` instead of its
 * adaptive 5–60 s (a request, a ping of an old or new contact) and 10 s (handling a newly
 * connected peer, and an inbound request): on a starved process those turned slow answers into peers dropped from the
 * routing table and failed lookups.
 */
export const SIM_DHT_BOUNDS = {
  networkDialTimeout: { minTimeout: REAL_BOUND_MS, maxTimeout: REAL_BOUND_MS },
  pingOldContactTimeout: { minTimeout: REAL_BOUND_MS, maxTimeout: REAL_BOUND_MS },
  pingNewContactTimeout: { minTimeout: REAL_BOUND_MS, maxTimeout: REAL_BOUND_MS },
  onPeerConnectTimeout: REAL_BOUND_MS,
  // Handling one inbound request (10 s): a put's receiver that looks the name up first took
  // longer on a starved process, and the put was counted as refused though it was stored.
  incomingMessageTimeout: REAL_BOUND_MS,
}

/**
 * Stops `dht`'s table refresh from starting by itself, and bounds by `REAL_BOUND_MS` the two
 * real-time limits kad-dht takes no option for: its first self-query's (5 s, `QUERY_SELF_TIMEOUT`;
 * every query waits for that one) and a bucket refresh's (30 s). Call before the node starts.
 */
export function holdTableRefresh(dht: KadDHT): void {
  const d = internals(dht)
  const refresh = d.routingTableRefresh
  refresh.afterStart = async () => undefined
  refresh.refreshTable = () => undefined
  refresh.refreshQueryTimeout = REAL_BOUND_MS
  d.querySelf.queryTimeout = REAL_BOUND_MS
}

/**
 * One round of what kad-dht runs on its timers: a look-up of the server's own ID, then a
 * refresh of every bucket up to the deepest one it holds (kad-dht's `refreshTable(true)`,
 * awaited, with its rule for a gap in the table), within `signal`. Failures are kad-dht's to
 * log; a round never throws.
 */
export async function refreshRound(dht: KadDHT, self: PeerId, signal: AbortSignal): Promise<void> {
  const r = internals(dht).routingTableRefresh
  // kad-dht's self-query (query-self.js), run here rather than through its `querySelf`, which
  // re-arms its own real-time timer after each run.
  try {
    for await (const event of dht.getClosestPeers(self.toMultihash().bytes, { signal })) void event
  } catch {
    // Out of time, or no peer to ask: kad-dht's own self-query logs and goes on too.
  }
  const prefixLength = r._maxCommonPrefix()
  const tracked = r._getTrackedCommonPrefixLengthsForRefresh(prefixLength)
  const refresh = (cpl: number): Promise<void> =>
    r._refreshCommonPrefixLength(cpl, new Date(0), true, { signal }).catch(() => undefined)
  await Promise.all(
    tracked.map(async (_, cpl) => {
      await refresh(cpl)
      if (r._numPeersForCpl(prefixLength) !== 0) return
      const last = Math.min(2 * (cpl + 1), tracked.length - 1)
      for (let n = cpl + 1; n <= last; n++) await refresh(n)
    }),
  )
}
