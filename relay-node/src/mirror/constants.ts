/**
 * Protocol identifiers and defaults of site mirroring on relays. Every default can be changed
 * by a flag (see `config.ts` and `--help`). See docs/PROTOCOL.md, "Mirrors".
 * @module
 */

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const MIB = 1024 * 1024
const GIB = 1024 * MIB

export {
  MAX_MIRROR_STATUS_BYTES,
  MIRROR_PROTOCOL,
  MIRROR_STATUS_TIMEOUT_MS,
} from '@alternet/net/mirror'

/** Which sites a relay mirrors: any valid site, only registered names, or none. */
export const MIRROR_POLICIES = ['open', 'registered', 'none'] as const

/** Mirror any valid site within the quotas: a relay started with no flags mirrors. */
export const DEFAULT_MIRROR_POLICY = 'open'
/** Bytes of site blocks a relay keeps on disk. */
export const DEFAULT_MIRROR_MAX_BYTES = 4 * GIB
/** Bytes of mirrored sites one owner key may occupy on one relay. */
export const DEFAULT_MIRROR_OWNER_QUOTA = 512 * MIB
/** How many relays mirror each site (all of them when the network has fewer). */
export const DEFAULT_MIRROR_REPLICAS = 3
/**
 * How often a relay looks again at every record it holds: which sites it should mirror, whether
 * a mirror has left (then the next closest relay takes the site), what to purge. Also the bound
 * on restoring R copies after a mirror leaves unnoticed (a closed connection triggers a look at once).
 */
export const DEFAULT_MIRROR_SCAN_INTERVAL_MS = MINUTE

/** Folder in the data dir holding mirrored sites (`blocks/`, `sites/`, `pending/`). */
export const MIRROR_DIR = 'mirror'
/** Blocks fetched at once for one site, across its sources. */
export const MIRROR_FETCH_CONCURRENCY = 8
/** Longest wait for one block or manifest from one source. */
export const MIRROR_BLOCK_TIMEOUT_MS = 20 * SECOND
/** Longest a relay looks in the DHT for other mirrors (provider records) of a content root. */
export const MIRROR_PROVIDER_LOOKUP_MS = 5 * SECOND
/** A wait after a mirror's connection closes before placement is looked at again (several close at once). */
export const MIRROR_RESCAN_DEBOUNCE_MS = 500
/** How often a mirror announces again that it provides the content roots it holds (provider records live 48 h). */
export const MIRROR_REPROVIDE_INTERVAL_MS = 12 * HOUR
/** Relays asked at most in one placement round (the closest known first). */
export const MAX_PLACEMENT_CANDIDATES = 64
