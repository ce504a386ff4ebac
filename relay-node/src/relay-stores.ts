/**
 * The relay's storage, opened: the LevelDB handle of `--data-dir`, the write-behind store in
 * front of it with the disk's room watched, and the guarded DHT store with the trust files and
 * the record policy it judges by. Opened in that order by `createRelay`, which closes the
 * write-behind store last.
 * @module
 */
import { join } from 'node:path'
import { LevelDatastore } from 'datastore-level'
import type { RelayConfig } from './config.ts'
import { DATASTORE_DIR } from './constants.ts'
import { DISK_FULL_MESSAGE, DiskFullError, DiskRoom } from './disk-room.ts'
import { ConfigError } from './errors.ts'
import type { Logger } from './log.ts'
import type { RelayMetrics } from './metrics.ts'
import { Permissions } from './permissions.ts'
import { AnRecordPolicy } from './record-policy.ts'
import { GuardedDatastore, type StoreLimits } from './record-store.ts'
import { WriteBehindDatastore } from './write-behind.ts'

/** The data directory's store, the write-behind store over it and the disk's room. */
export interface RelayDisk {
  level: LevelDatastore
  diskRoom: DiskRoom
  disk: WriteBehindDatastore
}

/** The guarded DHT store and what it judges records by. */
export interface RelayRecords {
  permissions: Permissions
  policy: AnRecordPolicy
  store: GuardedDatastore
}

async function openDatastore(dataDir: string): Promise<LevelDatastore> {
  const store = new LevelDatastore(join(dataDir, DATASTORE_DIR))
  try {
    // Opening the LevelDB handle directly keeps the reason (datastore-level's own open drops it).
    await store.db.open()
    await store.open()
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause
    if (cause?.code === 'LEVEL_LOCKED')
      throw new ConfigError(`--data-dir: ${dataDir} is in use by another running relay`)
    throw new ConfigError(
      `--data-dir: cannot open the store in ${dataDir}: ${cause?.code ?? (err as Error).message}`,
    )
  }
  return store
}

/** Opens `--data-dir`'s store; throws `ConfigError` when another relay holds it or it cannot open. */
export async function openRelayDisk(config: RelayConfig, log: Logger): Promise<RelayDisk> {
  const level = await openDatastore(config.dataDir)
  // Records, provider records and the peer store go through the write-behind store (batched
  // LevelDB writes, hot entries in memory); revocations and blocked roots are written at once.
  // A full disk is said once when it fills and once when it has room again, not at every retry.
  const diskRoom = new DiskRoom(config.dataDir, {
    onChange: (full, freeBytes) =>
      full
        ? log.warn(`${DISK_FULL_MESSAGE} New records are refused until there is room.`, {
            freeBytes,
          })
        : log.info('The disk of this relay has room again; records are taken again.', {
            freeBytes,
          }),
  })
  const disk = new WriteBehindDatastore(level, {
    flushInterval: config.storeFlushInterval,
    room: diskRoom,
    onFlushError: (err) => {
      if (!(err instanceof DiskFullError))
        log.error('store writes not flushed; retrying', { error: err })
    },
  })
  return { level, diskRoom, disk }
}

/** The guarded store's limits, as the relay's settings give them. */
export function storeLimits(config: RelayConfig): StoreLimits {
  return {
    maxBytes: config.storeMaxBytes,
    peerQuota: config.storePeerQuota,
    sourceQuota: config.storeSourceQuota,
    newNamesPerMinute: config.newNamesPerMinute,
    evictionPolicy: config.evictionPolicy,
  }
}

/** Loads the trust files and the stored records into the guarded store over `disk`. */
export async function openGuardedStore(
  config: RelayConfig,
  log: Logger,
  { level, disk, diskRoom }: RelayDisk,
  metrics: RelayMetrics,
): Promise<RelayRecords> {
  const permissions = new Permissions(config.dataDir, level, log)
  await permissions.load()
  const policy = new AnRecordPolicy(permissions, {
    rootLookup: {
      timeoutMs: config.rootLookupTimeout,
      cacheSize: config.rootCacheSize,
      positiveTtlMs: config.rootCacheTtl,
      negativeTtlMs: config.rootNegativeTtl,
      maxConcurrent: config.maxRootLookups,
    },
    events: {
      lookup: () => metrics.rootLookups.inc(),
      shared: (how) => metrics.rootLookupsShared.inc({ how }),
    },
  })
  const bootstrapPeers = config.bootstrap
    .map((a) => a.getComponents().find((c) => c.name === 'p2p')?.value)
    .filter((id): id is string => id != null)
  const store = new GuardedDatastore(
    disk,
    policy,
    storeLimits(config),
    {
      refused: (reason, key, peer) => {
        metrics.rejected.inc({ reason })
        log.debug('record refused', { reason, key, peer })
      },
      evicted: (key) => {
        metrics.evicted.inc()
        log.debug('store entry evicted', { key })
      },
    },
    bootstrapPeers,
    diskRoom,
  )
  await store.load()
  return { permissions, policy, store }
}
