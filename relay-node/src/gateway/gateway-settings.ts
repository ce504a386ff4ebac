/**
 * The HTTP gateway's flags (`--gateway-*`), listed in the relay's option table (config.ts).
 * @module
 */
import type { OptionSpec } from '../option-spec.ts'
import * as G from './constants.ts'
import { ConfigError } from '../errors.ts'

/** The gateway settings. */
export interface GatewaySettings {
  gatewayHost?: string
  gatewayClientRate: number
  gatewayMaxRequests: number
}

/** The gateway rows of the option table. */
export const GATEWAY_OPTIONS: readonly OptionSpec<keyof GatewaySettings>[] = [
  {
    key: 'gatewayHost',
    flag: 'gateway-host',
    kind: 'string',
    doc: 'the HTTP gateway also answers <origin label>.<this host> (it always answers <origin label>.alt); not the app host or a name above or under it',
  },
  {
    key: 'gatewayClientRate',
    flag: 'gateway-client-rate',
    kind: 'count',
    default: G.DEFAULT_GATEWAY_CLIENT_RATE,
    doc: 'gateway requests one client address (IPv6: its /64) may make per minute; more get 429',
  },
  {
    key: 'gatewayMaxRequests',
    flag: 'gateway-max-requests',
    kind: 'count',
    default: G.DEFAULT_GATEWAY_MAX_REQUESTS,
    doc: 'gateway requests in progress across all clients; more get 503',
  },
]

/**
 * The gateway's host name must be a host name apart from the app's: sites on it must not be
 * same-site with the app (cookies, storage), nor may the app be one of its sites.
 */
export function checkGatewayHost(config: { publicHost: string; gatewayHost?: string }): void {
  const app = config.publicHost.toLowerCase()
  if (app === G.GATEWAY_TLD || app.endsWith(`.${G.GATEWAY_TLD}`))
    throw new ConfigError(
      `--public-host: ${app} is under .${G.GATEWAY_TLD}, which the HTTP gateway answers for sites`,
    )
  const gateway = config.gatewayHost?.toLowerCase()
  if (gateway == null) return
  if (!/^[a-z0-9.-]+$/.test(gateway) || (!gateway.includes('.') && gateway !== 'localhost'))
    throw new ConfigError(`--gateway-host: not a host name: ${config.gatewayHost}`)
  if (gateway === app || gateway.endsWith(`.${app}`) || app.endsWith(`.${gateway}`))
    throw new ConfigError(
      `--gateway-host: ${gateway} must not be the app host ${app}, nor a name above or under it`,
    )
}
