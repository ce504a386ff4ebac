/**
 * The flags bounding reservations, relayed circuits and connections, listed in the relay's option table (config.ts).
 * @module
 */
import type { OptionSpec } from './option-spec.ts'
import * as C from './constants.ts'

/** The connection settings. */
export interface ConnectionSettings {
  maxReservations: number
  maxReservationsPerSource: number
  sourcePrefixV4: number
  sourcePrefixV6: number
  reservationTtl: number
  relayDataLimit: number
  relayDurationLimit: number
  maxHopStreams: number
  maxConnections: number
  maxConnectionsPerSource: number
  inboundConnectionThreshold: number
  maxPendingConnections: number
}

/** The connection rows of the option table. */
export const CONNECTION_OPTIONS: readonly OptionSpec<keyof ConnectionSettings>[] = [
  {
    key: 'maxReservations',
    flag: 'max-reservations',
    kind: 'count',
    default: C.DEFAULT_MAX_RESERVATIONS,
    doc: 'circuit relay reservations held at once',
  },
  {
    key: 'maxReservationsPerSource',
    flag: 'max-reservations-per-source',
    kind: 'count',
    default: C.DEFAULT_MAX_RESERVATIONS_PER_SOURCE,
    doc: 'circuit relay reservations one source (address block) may hold (0 = no limit)',
  },
  {
    key: 'sourcePrefixV4',
    flag: 'source-prefix-v4',
    kind: 'count',
    default: C.DEFAULT_SOURCE_PREFIX_V4,
    doc: 'IPv4 prefix length that counts as one source for quotas and reservations',
  },
  {
    key: 'sourcePrefixV6',
    flag: 'source-prefix-v6',
    kind: 'count',
    default: C.DEFAULT_SOURCE_PREFIX_V6,
    doc: 'IPv6 prefix length that counts as one source for quotas and reservations',
  },
  {
    key: 'reservationTtl',
    flag: 'reservation-ttl',
    kind: 'duration',
    default: C.DEFAULT_RESERVATION_TTL_MS,
    doc: 'reservation lifetime',
  },
  {
    key: 'relayDataLimit',
    flag: 'relay-data-limit',
    kind: 'bytes',
    default: C.DEFAULT_RELAY_DATA_LIMIT,
    doc: 'bytes per relayed connection (0 = unlimited)',
  },
  {
    key: 'relayDurationLimit',
    flag: 'relay-duration-limit',
    kind: 'duration',
    default: C.DEFAULT_RELAY_DURATION_LIMIT_MS,
    doc: 'lifetime of a relayed connection (0 = unlimited)',
  },
  {
    key: 'maxHopStreams',
    flag: 'max-hop-streams',
    kind: 'count',
    default: C.DEFAULT_MAX_HOP_STREAMS,
    doc: 'inbound relay (HOP) streams at once',
  },
  {
    key: 'maxConnections',
    flag: 'max-connections',
    kind: 'count',
    default: C.DEFAULT_MAX_CONNECTIONS,
    doc: 'connections at once',
  },
  {
    key: 'maxConnectionsPerSource',
    flag: 'max-connections-per-source',
    kind: 'count',
    default: C.DEFAULT_MAX_CONNECTIONS_PER_SOURCE,
    doc: 'inbound connections one source (address block) may hold, at most a quarter of --max-connections (0 = no limit)',
  },
  {
    key: 'inboundConnectionThreshold',
    flag: 'inbound-connection-threshold',
    kind: 'count',
    default: C.DEFAULT_INBOUND_CONNECTION_THRESHOLD,
    doc: 'new connections per second per IP',
  },
  {
    key: 'maxPendingConnections',
    flag: 'max-pending-connections',
    kind: 'count',
    default: C.DEFAULT_MAX_PENDING_CONNECTIONS,
    doc: 'inbound connections upgrading at once',
  },
]
