/**
 * The gateway's Prometheus metrics: requests and bytes per site, and requests refused by the
 * limits. Site names are bounded (`GATEWAY_MAX_SITE_LABELS`).
 * @module
 */
import { Counter, type Registry } from 'prom-client'
import { GATEWAY_MAX_SITE_LABELS } from './constants.ts'

/** The gateway's counters. */
export interface GatewayMetrics {
  /** A request answered for `site` (or `''` when no site was found) with `status`. */
  request(site: string, status: number): void
  /** Body bytes sent for `site`. */
  bytes(site: string, n: number): void
  /** A request refused by a limit: `client` (429) or `total` (503). */
  limited(scope: 'client' | 'total'): void
}

/** Registers the gateway's metrics in `registry`. */
export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const requests = new Counter({
    name: 'alternet_gateway_requests_total',
    help: 'HTTP gateway requests, by site and status',
    labelNames: ['site', 'status'],
    registers: [registry],
  })
  const bytes = new Counter({
    name: 'alternet_gateway_bytes_total',
    help: 'Body bytes the HTTP gateway sent, by site',
    labelNames: ['site'],
    registers: [registry],
  })
  const limited = new Counter({
    name: 'alternet_gateway_limited_total',
    help: 'HTTP gateway requests refused by the per-client or the total limit',
    labelNames: ['scope'],
    registers: [registry],
  })
  const labelled = new Set<string>()
  const label = (site: string): string => {
    if (site === '') return 'none'
    if (labelled.has(site)) return site
    if (labelled.size >= GATEWAY_MAX_SITE_LABELS) return 'other'
    labelled.add(site)
    return site
  }
  return {
    request: (site, status) => requests.inc({ site: label(site), status: String(status) }),
    bytes: (site, n) => bytes.inc({ site: label(site) }, n),
    limited: (scope) => limited.inc({ scope }),
  }
}
