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
  MIRROR_UPLOAD_PROTOCOL,
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

/**
 * Mirrored blocks one source address block may ask for over HTTP per second (`GET /ipfs/<cid>`),
 * about 16 MiB/s of 256 KiB chunks, four seconds of it at once.
 */
export const DEFAULT_MIRROR_HTTP_RATE = 64

/** Folder in the data dir holding mirrored sites (`blocks/`, `sites/`, `pending/`). */
export const MIRROR_DIR = 'mirror'
/** Blocks fetched at once for one site, across its sources. */
export const MIRROR_FETCH_CONCURRENCY = 8
/** Longest wait for one block or manifest from one source. */
export const MIRROR_BLOCK_TIMEOUT_MS = 20 * SECOND
/** Longest a relay looks in the DHT for other mirrors (provider records) of a content root. */
export const MIRROR_PROVIDER_LOOKUP_MS = 5 * SECOND
/**
 * Longest a relay uses its view of the live relays before asking again (or one scan interval,
 * when shorter): a relay that just joined is counted in placements, hand-ons and pulls soon.
 */
export const MIRROR_LIVE_VIEW_MS = 10 * SECOND
/** A wait after a mirror's connection closes before placement is looked at again (several close at once). */
export const MIRROR_RESCAN_DEBOUNCE_MS = 100
/**
 * How long a relay whose last connection closed is left out of the live view unasked (a status
 * question to a relay that died waits for a dial timeout). It is asked in the background
 * meanwhile; a relay that connects again is counted again at once.
 */
export const MIRROR_GONE_MS = MINUTE
/**
 * Relays of one source (address block) marked gone at once, at most: peer IDs that identify as
 * mirrors cost nothing to make. Past it, that source's oldest is forgotten (and asked again).
 */
export const MIRROR_GONE_PER_SOURCE = 16
/** Relays marked gone at once, at most, across all sources (past it the oldest is forgotten). */
export const MAX_MIRROR_GONE = 1024
/** How often a mirror announces again that it provides the content roots it holds (provider records live 48 h). */
export const MIRROR_REPROVIDE_INTERVAL_MS = 12 * HOUR
/**
 * Longest a relay spends handing a site it took as a staging copy (it is not one of the site's
 * placed mirrors) on to the placed relays; the staging copy is deleted after it either way.
 */
export const HAND_ON_TIMEOUT_MS = 10 * MINUTE
/**
 * How long a relay answers `refused` / `not-placed` ("handed on to its mirrors") for a site it
 * handed on, so that a publisher still waiting for its mirrors counts this relay out.
 */
export const HANDED_ON_REMEMBERED_MS = 10 * MINUTE
/** Relays asked at most for one site's placement: the closest known to the site's key. */
export const MAX_PLACEMENT_CANDIDATES = 64
/**
 * Relays of one address block (`--placement-block-bits-v4` / `-v6`) counted at most in one
 * site's placement: peer IDs ground near a site's key cost nothing, address blocks do. Relays
 * on loopback count each alone.
 */
export const MIRROR_RELAYS_PER_BLOCK = 1
/** The IPv4 block placement counts one relay of by default: a /24, as a typical site's allocation. */
export const DEFAULT_PLACEMENT_BLOCK_BITS_V4 = 24
/** The IPv6 block placement counts one relay of by default: a /56, as a typical site's allocation. */
export const DEFAULT_PLACEMENT_BLOCK_BITS_V6 = 56
/**
 * Blocks of a version (chosen at random, beside its manifest) a relay placed for a site must
 * serve before a relay that held the site drops its copy on that relay's word.
 */
export const PLACEMENT_CHALLENGE_BLOCKS = 2
/**
 * How long a relay that said it holds a site but did not serve the blocks asked for is left
 * out of the live relays: it is not counted in placement meanwhile.
 */
export const PLACEMENT_FAILED_MS = 10 * MINUTE
/** Relays of one address block remembered as failing, at most (past it, that block's oldest is forgotten). */
export const PLACEMENT_FAILED_PER_SOURCE = 16
/** Relays remembered as failing, at most, across all blocks (past it the fullest block gives way). */
export const MAX_PLACEMENT_FAILED = 1024
/** Answers of relays to "are you live" a relay remembers at most (the oldest forgotten first). */
export const MAX_LIVE_ANSWERS = 4096

/**
 * Status questions (`/an/mirror/1.0.0`) one peer may have open at once on this relay, across
 * all its connections; more are reset unread. See docs/PROTOCOL.md, "Mirror status", limits.
 */
export const MIRROR_STREAMS_PER_PEER = 4
/**
 * Status questions one peer may ask per minute (a token bucket holding a minute's worth): a
 * publisher asking every mirror twice a second while it waits for copies uses half.
 */
export const MIRROR_QUESTIONS_PER_MINUTE_PER_PEER = 240
/**
 * Status questions the peers of one source (address block, `--source-prefix-v4` / `-v6`) may
 * ask together per minute: peer IDs are free to make, addresses are not.
 */
export const MIRROR_QUESTIONS_PER_MINUTE_PER_SOURCE = 960
/**
 * Pre-signed records one peer may have checked per minute (each a signature verification);
 * records of a question over this budget are refused unchecked with reason `busy`. An owner
 * hands about 30 per site per mirror once.
 */
export const MIRROR_RECORDS_CHECKED_PER_MINUTE_PER_PEER = 400
/**
 * Bytes of pre-signed records a mirror keeps that the peers of one source handed, across all
 * sites; records over it are refused with reason `source-quota`.
 */
export const MIRROR_PRESIGNED_BYTES_PER_SOURCE = 2 * MIB
/**
 * Status questions of one peer refused within a minute before the relay closes every
 * connection of that peer: refusing a stream is cheap, but a peer that opens them as fast as
 * they are refused would still keep the relay busy negotiating them.
 */
export const MIRROR_REFUSALS_BEFORE_CLOSE = 64
/** Peers and sources whose question budgets are remembered at most (full buckets are forgotten first). */
export const MAX_MIRROR_QUESTION_BUCKETS = 10_000
