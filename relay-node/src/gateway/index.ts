/**
 * The relay's HTTP gateway: sites over plain HTTP by Host header, for `curl`, crawlers and
 * browsers without the app, verified as the app verifies them.
 *
 * @example
 * ```ts
 * const gateway = new Gateway({ node, dataDir, gatewayHost: 'gw.example.org', records, policy,
 *   permissions, registry, log })
 * // in the HTTP server's handler:
 * const label = gateway.labelOf(req)
 * if (label !== undefined) return gateway.serve(req, res, label)
 * ```
 * @module
 */
export * from './constants.ts'
export * from './errors.ts'
export { Gateway, type GatewayInit } from './gateway.ts'
export { gatewayLabel } from './gateway-host.ts'
export { ClientLimits, clientOf, type ClientLimitsInit } from './client-limits.ts'
