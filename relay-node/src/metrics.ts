/**
 * The relay's own Prometheus metrics, in the same registry as libp2p's (served at `/metrics`).
 * @module
 */
import { Counter, Gauge, Registry } from 'prom-client'

/** Live figures the gauges read at scrape time. */
export interface RelayGauges {
  reservations(): number
  records(): number
  providers(): number
  storeBytes(): number
  blockedRoots(): number
}

/** The relay's counters; gauges are read from `RelayGauges` at scrape time. */
export interface RelayMetrics {
  registry: Registry
  rejected: Counter<'reason'>
  evicted: Counter
  revocations: Counter
  rootLookups: Counter
  rootLookupsShared: Counter<'how'>
  reservationsRefused: Counter
  connectionsRefused: Counter
  liveMessages: Counter<'verdict' | 'reason'>
  liveCutOffs: Counter<'of'>
  liveFollowsRefused: Counter<'of'>
}

/** A registry for one relay (libp2p's metrics go in too) with the relay's metrics. */
export function createRelayMetrics(): RelayMetrics {
  const registry = new Registry()
  return {
    registry,
    rejected: new Counter({
      name: 'alternet_relay_rejected_records_total',
      help: 'DHT records and provider records refused, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    evicted: new Counter({
      name: 'alternet_relay_evicted_entries_total',
      help: 'Store entries evicted to make room',
      registers: [registry],
    }),
    revocations: new Counter({
      name: 'alternet_relay_revocations_total',
      help: 'Revocations accepted',
      registers: [registry],
    }),
    rootLookups: new Counter({
      name: 'alternet_relay_root_lookups_total',
      help: "DHT look-ups of a root name's record, to judge a subdomain record",
      registers: [registry],
    }),
    rootLookupsShared: new Counter({
      name: 'alternet_relay_root_lookups_shared_total',
      help: 'Subdomain writes judged without a DHT look-up of their own, by how: cached-found, cached-not-found, in-flight',
      labelNames: ['how'],
      registers: [registry],
    }),
    reservationsRefused: new Counter({
      name: 'alternet_relay_reservations_refused_total',
      help: "Circuit relay reservations refused because the peer's source held its share",
      registers: [registry],
    }),
    connectionsRefused: new Counter({
      name: 'alternet_relay_connections_refused_total',
      help: "Inbound connections refused because their source (address block) held its share of the relay's connections",
      registers: [registry],
    }),
    liveMessages: new Counter({
      name: 'alternet_relay_live_messages_total',
      help: 'Live (GossipSub) messages judged, by verdict (accept, ignore, reject) and reason (e.g. rate, source-rate, forged)',
      labelNames: ['verdict', 'reason'],
      registers: [registry],
    }),
    liveCutOffs: new Counter({
      name: 'alternet_relay_live_cut_offs_total',
      help: 'Cut off for flooding live updates (GossipSub frames sent while graylisted), by what: neighbour (hung up on and refused), source (an address block refused after repeated cut-offs)',
      labelNames: ['of'],
      registers: [registry],
    }),
    liveFollowsRefused: new Counter({
      name: 'alternet_relay_live_follows_refused_total',
      help: "Live-update topics a peer subscribed to that the relay did not follow, by whose share was taken: peer, source (its address block), relay (the relay's cap)",
      labelNames: ['of'],
      registers: [registry],
    }),
  }
}

/** Registers a gauge that reads `read()` each time the metrics are scraped. */
export function registerLiveGauge(
  registry: Registry,
  name: string,
  help: string,
  read: () => number,
): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read())
    },
  })
}

/** Registers the gauges that read live figures. */
export function registerGauges(registry: Registry, gauges: RelayGauges): void {
  const gauge = (name: string, help: string, read: () => number): void =>
    registerLiveGauge(registry, name, help, read)
  gauge('alternet_relay_reservations', 'Circuit relay reservations held', gauges.reservations)
  gauge('alternet_relay_records_stored', 'DHT records in the store', gauges.records)
  gauge('alternet_relay_providers_stored', 'Provider records in the store', gauges.providers)
  gauge(
    'alternet_relay_store_bytes',
    'Bytes of records and provider records in the store',
    gauges.storeBytes,
  )
  gauge(
    'alternet_relay_blocked_roots',
    'Content roots blocked by the blocklist and revocations',
    gauges.blockedRoots,
  )
}
