/**
 * The contracts between the browser peer and the relay, in one place: protocol ids, the
 * well-known document and its parser, and the HTTP paths a relay serves. The relay imports them
 * as `@alternet/core/contracts`; the app imports this folder.
 * @module
 */
export { DHT_PROTOCOL, REVOKE_PROTOCOL, ROUTE_PROTOCOL } from './protocol-ids.ts'
export {
  DIRECTORY_META_KEY,
  DIRECTORY_META_LISTED,
  DIRECTORY_PATH,
  HEALTH_PATH,
  METRICS_PATH,
  REVOCATIONS_PATH,
  REVOKE_PATH,
  WELL_KNOWN_PATH,
  revocationPath,
} from './relay-paths.ts'
export { parseWellKnown, type WellKnown } from './well-known.ts'
export {
  UNKNOWN_BLOCK,
  VOTE_BLOCK_PREFIXES,
  addressBlock,
  connectionBlock,
  ipBlock,
  ipv4Block,
  ipv6Block,
  isIpv4,
  isIpv6,
  type BlockPrefixes,
} from './address-block.ts'
export { BlockMemory, type BlockMemoryInit } from './block-memory.ts'
export { SharedLookups } from './shared-lookups.ts'
