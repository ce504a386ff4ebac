/**
 * The mirror's Prometheus metrics, in the relay's registry (served at `/metrics`).
 * @module
 */
import { Counter, type Registry } from 'prom-client'
import { registerLiveGauge } from '../metrics.ts'

/** Live figures the gauges read at scrape time. */
export interface MirrorGauges {
  sites(): number
  bytes(): number
  deficit(): number
  fetching(): number
}

/** The mirror's counters. */
export interface MirrorMetrics {
  blocksServed: Counter
  refused: Counter<'reason'>
  completed: Counter
  droppedSources: Counter
  purged: Counter
  questionsRefused: Counter<'reason'>
  scans: Counter
  placementChallenges: Counter<'result'>
}

/** Registers the mirror's metrics. */
export function createMirrorMetrics(registry: Registry, gauges: MirrorGauges): MirrorMetrics {
  const gauge = (name: string, help: string, read: () => number): void =>
    registerLiveGauge(registry, name, help, read)
  gauge(
    'alternet_relay_mirror_sites',
    'Sites completely stored and served by this mirror',
    gauges.sites,
  )
  gauge('alternet_relay_mirror_bytes', 'Bytes of mirrored blocks on disk', gauges.bytes)
  gauge(
    'alternet_relay_mirror_replication_deficit',
    'Sites this relay is placed to mirror but does not hold completely (fetching, refused or unreachable)',
    gauges.deficit,
  )
  gauge('alternet_relay_mirror_fetching', 'Sites being fetched now', gauges.fetching)
  return {
    blocksServed: new Counter({
      name: 'alternet_relay_mirror_blocks_served_total',
      help: 'Mirrored blocks read for visitors (manifests and chunks)',
      registers: [registry],
    }),
    refused: new Counter({
      name: 'alternet_relay_mirror_refused_total',
      help: 'Sites not mirrored, by reason: policy, unregistered, owner-quota, store-full, disk-full, blocked, revoked, unreachable, bad-content',
      labelNames: ['reason'],
      registers: [registry],
    }),
    completed: new Counter({
      name: 'alternet_relay_mirror_completed_total',
      help: 'Site versions completely stored',
      registers: [registry],
    }),
    droppedSources: new Counter({
      name: 'alternet_relay_mirror_dropped_sources_total',
      help: 'Hosts or mirrors dropped during a fetch for wrong bytes, a broken protocol or no answer',
      registers: [registry],
    }),
    purged: new Counter({
      name: 'alternet_relay_mirror_purged_total',
      help: 'Mirrored sites deleted because their name was revoked or their content blocked',
      registers: [registry],
    }),
    questionsRefused: new Counter({
      name: 'alternet_relay_mirror_questions_refused_total',
      help: 'Status questions (/an/mirror/1.0.0) reset unread, by limit: streams-per-peer, questions-per-peer, questions-per-source; peer-closed counts peers whose connections were closed for going on',
      labelNames: ['reason'],
      registers: [registry],
    }),
    scans: new Counter({
      name: 'alternet_relay_mirror_scans_total',
      help: 'Placement rounds completed: every record held looked at (what to fetch, drop or purge)',
      registers: [registry],
    }),
    placementChallenges: new Counter({
      name: 'alternet_relay_mirror_placement_challenges_total',
      help: 'Relays placed for a site held here, asked for blocks of the version they say they hold before the copy here is dropped, by result: served, failed (then left out of placement for a while)',
      labelNames: ['result'],
      registers: [registry],
    }),
  }
}
