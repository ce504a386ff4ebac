/**
 * The statistics the API gives for one site: what this relay served of it (requests, bytes,
 * last served), its current record (version, expiry, owner fingerprint, content root), the
 * hosts the record names and the mirrors seen (this relay when it holds the site whole, and
 * the peers that announce the content root in the DHT, looked up for a bounded time).
 * @module
 */
import { peerIdFromMultihash } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import { parseSiteName } from '@alternet/core/names'
import { fingerprint } from '@alternet/core/crypto/fingerprint'
import type { SiteLookup } from '../dns/site-lookup.ts'
import type { Mirror } from '../mirror/index.ts'
import type { RelayNode } from '../node.ts'
import { STATS_PROVIDER_LOOKUP_MS } from './constants.ts'
import { ApiRequestError } from './errors.ts'
import type { SiteStats } from './site-stats.ts'

/** What a report reads. */
export interface SiteReportInit {
  stats: SiteStats
  lookup: SiteLookup
  mirror: Pick<Mirror, 'status'>
  node: Pick<RelayNode, 'peerId' | 'services'>
}

/** The statistics of `siteInput`; 400 `bad-name` for a name that does not parse. */
export async function siteReport(
  siteInput: string,
  init: SiteReportInit,
): Promise<Record<string, unknown>> {
  let site: string
  try {
    site = parseSiteName(siteInput).site
  } catch (err) {
    throw new ApiRequestError(400, 'bad-name', (err as Error).message)
  }
  const served = init.stats.get(site)
  const found = await init.lookup.find(site).catch(() => undefined)
  const body = found?.record.body
  const hosts: string[] = []
  for (const host of body?.hosts ?? []) {
    try {
      hosts.push(peerIdFromMultihash(Digest.decode(host.id)).toString())
    } catch {
      // Not a peer ID this build reads.
    }
  }
  const mirrors = new Set<string>()
  if (init.mirror.status(site).state === 'complete') mirrors.add(init.node.peerId.toString())
  if (body?.content !== undefined) {
    try {
      for await (const event of init.node.services.dht.findProviders(body.content, {
        signal: AbortSignal.timeout(STATS_PROVIDER_LOOKUP_MS),
      }))
        if (event.name === 'PROVIDER') for (const p of event.providers) mirrors.add(p.id.toString())
    } catch {
      // Timed out: the mirrors found so far.
    }
  }
  return {
    site,
    requests: served.requests,
    bytesServed: served.bytes,
    lastServed: served.lastServed === undefined ? null : new Date(served.lastServed).toISOString(),
    record:
      found === undefined
        ? null
        : {
            seq: body!.seq,
            expires: new Date(body!.expires).toISOString(),
            owner: await fingerprint(found.record.holder),
            content: body!.content?.toString() ?? null,
          },
    hosts,
    mirrors: [...mirrors],
  }
}
