/**
 * Relays in address blocks of their own, for the specs of Sybil servers near a name (an
 * eclipse, a first publish, a relay joining late): each relay listens on its own loopback
 * address and is dialed there, so the /24 it counts in is the one its address names. Stand-ins
 * for Sybil servers are relays whose look-ups end at once.
 * @module
 */
import { multiaddr } from '@multiformats/multiaddr'
import type { Client } from './client.ts'
import { getJson, metricValue, startRelay, waitFor, type RelayProcess } from './relay-process.ts'

/** Every relay of these specs: loopback addresses of any block allowed, quiet logs. */
const FLAGS = ['--dev', '--log-level', 'warn']
/** How long relays may take to find each other (generous: the machine may be loaded). */
const KNOWN_MS = 60_000

/**
 * What makes a relay stand in for a Sybil server: its root look-ups end at once, so it keeps the
 * first valid record it is offered, a rival its honest neighbours refuse included.
 */
export const SYBIL_FLAGS = ['--root-lookup-timeout', '1']

/** Starts a relay listening on `host`, bootstrapping from each of `bootstrap`, with `extra` flags. */
export function startRelayAt(
  dataDir: string,
  host: string,
  bootstrap: readonly RelayProcess[],
  extra: string[] = [],
): Promise<RelayProcess> {
  return startRelay(dataDir, [
    ...FLAGS,
    '--host',
    host,
    ...bootstrap.flatMap((r) => ['--bootstrap', r.tcp]),
    ...extra,
  ])
}

/** Waits until every one of `relays` counts all the others among its peers. */
export async function untilAllKnown(relays: readonly RelayProcess[]): Promise<void> {
  await waitFor(
    'every relay to know the others',
    async () => {
      for (const r of relays)
        if (((await getJson(r, '/health')).peers as number) < relays.length - 1) return false
      return true
    },
    KNOWN_MS,
  )
}

/** Waits until `late` counts every one of `relays` among its peers, then has `client` dial it. */
export async function joined(
  late: RelayProcess,
  relays: readonly RelayProcess[],
  client: Client,
): Promise<void> {
  const count = relays.length
  await waitFor(
    'the fresh relay to know every relay',
    async () => ((await getJson(late, '/health')).peers as number) >= count,
    KNOWN_MS,
  )
  await client.dial(multiaddr(late.tcp))
}

/** Records `relay` refused for `reason` (`alternet_relay_rejected_records_total`). */
export async function refusals(relay: RelayProcess, reason: string): Promise<number> {
  return metricValue(
    await (await fetch(`${relay.http}/metrics`)).text(),
    `alternet_relay_rejected_records_total{reason="${reason}"}`,
  )
}
