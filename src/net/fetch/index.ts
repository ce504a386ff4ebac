/**
 * Fetching `an://` URLs as verified, streaming WHATWG `Response`s. Runs in the page and in Node.
 * @module
 */
export * from './constants.ts'
export * from './errors.ts'
export { ERROR_STATUS, errorResponse, statusOf } from './error-response.ts'
export {
  connectHost,
  connectHosts,
  decodeHost,
  isRelayedOnly,
  type ConnectHostsOptions,
  type ConnectorHost,
  type HostConnection,
} from './connect-hosts.ts'
export { createBlockKeeper, type BlockKeeper } from './block-keeper.ts'
export {
  createSiteFetcher,
  type AnRequestInit,
  type FetchEvents,
  type ResolvedSite,
  type SiteFetcher,
  type SiteFetcherInit,
} from './fetch-site.ts'
