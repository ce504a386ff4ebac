/**
 * The relay's wiring of its registrar API: tokens from `--api-tokens`, the registrar key from
 * `--registrar-key`, the relay's store, policy, revoker and mirror behind the endpoints.
 * @module
 */
import type { Datastore } from 'interface-datastore'
import type { RelayConfig } from '../config.ts'
import type { SiteLookup } from '../dns/site-lookup.ts'
import type { Logger } from '../log.ts'
import type { Mirror } from '../mirror/index.ts'
import type { RelayNode } from '../node.ts'
import type { Permissions } from '../permissions.ts'
import type { GuardedDatastore, RecordPolicy } from '../record-store.ts'
import type { Revoker } from '../revoke.ts'
import { createApiHandler, type ApiHandler } from './api-server.ts'
import { ApiTokens } from './api-tokens.ts'
import { PUBLISH_SPREAD_TIMEOUT_MS } from './constants.ts'
import { loadOrCreateRegistrarKey } from './registrar-key.ts'
import { Registrar } from './registrar.ts'
import { siteReport } from './site-report.ts'
import type { SiteStats } from './site-stats.ts'

/** What the API uses of the relay. */
export interface RelayApiInit {
  config: RelayConfig
  /** The relay's own datastore (registrations are kept there). */
  datastore: Datastore
  store: GuardedDatastore
  policy: RecordPolicy
  permissions: Permissions
  revoker: Revoker
  mirror: Mirror
  node: RelayNode
  stats: SiteStats
  /** The relay's look-up of sites' current records (shared with the resolver). */
  lookup: SiteLookup
  log: Logger
}

/** The API's handler, and `reload` to read the tokens file again when it changed. */
export interface RelayApi {
  handler: ApiHandler
  reload(): Promise<void>
}

/** Builds the API; throws `ConfigError` for an unreadable tokens file or registrar key. */
export async function createRelayApi(init: RelayApiInit): Promise<RelayApi> {
  const { config, log } = init
  const tokens = new ApiTokens(config.apiTokens!)
  await tokens.load()
  if (tokens.size === 0) log.warn('the API tokens file lists no token: every request gets 401')
  const key =
    config.registrarKey === undefined
      ? undefined
      : await loadOrCreateRegistrarKey(config.registrarKey, log)
  const registrar = new Registrar({
    key,
    datastore: init.datastore,
    store: init.store,
    policy: init.policy,
    permissions: init.permissions,
    revoker: init.revoker,
    lifetime: config.registrationLifetime,
  })
  const described = registrar.describe()
  if (described.registrar !== null && !described.trustedRegistrar)
    log.warn("the registrar key is not in this relay's trusted-registrars file", {
      publicKey: described.registrar,
    })
  const { lookup } = init
  const handler = createApiHandler({
    tokens,
    registrar,
    publish: {
      policy: init.policy,
      store: init.store,
      mirror: init.mirror,
      published: (site) => lookup.forget(site),
      spread: (key, value) => {
        void (async () => {
          for await (const event of init.node.services.dht.put(key, value, {
            signal: AbortSignal.timeout(PUBLISH_SPREAD_TIMEOUT_MS),
          }))
            void event
        })().catch((err: unknown) => log.debug('published record not spread', { error: err }))
      },
    },
    stats: (site) =>
      siteReport(site, { stats: init.stats, lookup, mirror: init.mirror, node: init.node }),
    clientRate: config.apiRate,
    tokenRate: config.apiTokenRate,
    burst: config.apiBurst,
    maxPublishBytes: config.apiMaxPublishBytes,
    log,
  })
  log.info('registrar API enabled', { tokens: tokens.size, registrar: described.registrar })
  return {
    handler,
    reload: async () => {
      if (await tokens.load()) log.info('API tokens reloaded', { tokens: tokens.size })
    },
  }
}
