/**
 * The mirror's flags (`--mirror-*`), listed in the relay's option table (config.ts).
 * @module
 */
import type { OptionSpec } from '../option-spec.ts'
import { DEFAULT_WRITE_TIMEOUT } from '@alternet/net/route'
import * as M from './constants.ts'

/** The mirror settings. */
export interface MirrorSettings {
  mirrorPolicy: (typeof M.MIRROR_POLICIES)[number]
  mirrorMaxBytes: number
  mirrorOwnerQuota: number
  mirrorReplicas: number
  mirrorScanInterval: number
  mirrorHttpRate: number
  mirrorHttpUrl?: string
  mirrorHttpWriteTimeout: number
  placementBlockBitsV4: number
  placementBlockBitsV6: number
}

/** The mirror rows of the option table. */
export const MIRROR_OPTIONS: readonly OptionSpec<keyof MirrorSettings>[] = [
  {
    key: 'mirrorPolicy',
    flag: 'mirror-policy',
    kind: 'enum',
    values: M.MIRROR_POLICIES,
    default: M.DEFAULT_MIRROR_POLICY,
    doc: 'which sites to mirror: open (any valid site within quotas), registered (names a trusted registrar vouches for), none',
  },
  {
    key: 'mirrorMaxBytes',
    flag: 'mirror-max-bytes',
    kind: 'bytes',
    default: M.DEFAULT_MIRROR_MAX_BYTES,
    doc: 'disk space for mirrored sites; when full, sites past their horizon go first, then the least recently requested',
  },
  {
    key: 'mirrorOwnerQuota',
    flag: 'mirror-owner-quota',
    kind: 'bytes',
    default: M.DEFAULT_MIRROR_OWNER_QUOTA,
    doc: 'bytes of mirrored sites one owner key may occupy',
  },
  {
    key: 'mirrorReplicas',
    flag: 'mirror-replicas',
    kind: 'count',
    default: M.DEFAULT_MIRROR_REPLICAS,
    doc: 'relays that mirror each site (the closest to its DHT key)',
  },
  {
    key: 'mirrorScanInterval',
    flag: 'mirror-scan-interval',
    kind: 'duration',
    default: M.DEFAULT_MIRROR_SCAN_INTERVAL_MS,
    doc: 'look at placement again this often: the bound on restoring copies after a mirror leaves',
  },
  {
    key: 'mirrorHttpRate',
    flag: 'mirror-http-rate',
    kind: 'count',
    default: M.DEFAULT_MIRROR_HTTP_RATE,
    doc: 'mirrored blocks one address block may read per second over HTTP (GET /ipfs/<cid>); 0 serves none',
  },
  {
    key: 'mirrorHttpWriteTimeout',
    flag: 'mirror-http-write-timeout',
    kind: 'duration',
    default: DEFAULT_WRITE_TIMEOUT,
    doc: "longest wait for a reader of mirrored blocks over HTTP to take bytes; a CAR whose reader falls behind (this, or the route protocol's minimum pace) is ended",
  },
  {
    key: 'mirrorHttpUrl',
    flag: 'mirror-http-url',
    kind: 'string',
    doc: 'the public URL of this HTTP port that mirror answers give browsers for blocks (default: https://<public host>:<http port> with --https, http://<host>:<http port> on loopback; set it behind a proxy)',
  },
  {
    key: 'placementBlockBitsV4',
    flag: 'placement-block-bits-v4',
    kind: 'count',
    default: M.DEFAULT_PLACEMENT_BLOCK_BITS_V4,
    doc: 'IPv4 prefix length of the address block in which placement counts one relay per site (0: every relay alone)',
  },
  {
    key: 'placementBlockBitsV6',
    flag: 'placement-block-bits-v6',
    kind: 'count',
    default: M.DEFAULT_PLACEMENT_BLOCK_BITS_V6,
    doc: 'IPv6 prefix length of the address block in which placement counts one relay per site (0: every relay alone)',
  },
]
