/**
 * Republishing own records: each published site's record is signed again (seq + 1, a new
 * lifetime) and put every 24 hours, at start when the last put is older, and soon after the
 * node's reachable addresses change, with this node's host entry carrying the new ones. A
 * record signed by another key than this device's owner key is put again as it is while valid.
 *
 * One tab per store republishes: the work runs while this tab holds a Web Lock named after the
 * store; another tab's republisher waits for the lock and takes over when this tab closes.
 *
 * Another device may hold the same owner key (imported from a key file) and publish the site's
 * next version. So before re-signing, the name is looked up afresh: when the network holds a
 * record of the same holder with a higher seq than this device's last one, this device did not
 * sign it, and it is adopted instead of re-signed over: stored as the site's current record
 * (and cached), nothing put. It stays hosted here only if it lists this node among its hosts and
 * has the same content root as the record this device last published (so the blocks here are
 * the ones it names); otherwise the site is marked as no longer hosted here. Later passes re-sign
 * the adopted record as it is (its content, its hosts), which keeps the other device's version
 * alive. When the lookup fails (no relay answers), the record is re-signed as before: keeping the
 * name alive outweighs a race the next pass corrects. A site not hosted here is never re-signed
 * with this node as a host: when its record still names this node, the next pass drops it.
 * @module
 */
import { equals } from '../../core/bytes.ts'
import {
  decodeRecord,
  type RecordFields,
  type RecordHost,
  type SignedRecord,
} from '../../core/records/index.ts'
import type { AlternetStorage, PublishedSite } from '../../storage/index.ts'
import {
  ADDRESS_CHANGE_SETTLE_MS,
  REPUBLISH_CHECK_INTERVAL_MS,
  REPUBLISH_INTERVAL_MS,
  REPUBLISH_LOCK_PREFIX,
} from './constants.ts'
import { selfHostEntry, type HostSelf } from '../hosting/host-record.ts'

/** The browser peer's host entry (built in hosting/host-record.ts, the one place). */
export { selfHostEntry }
import { putSigned } from './publisher.ts'
import type { Resolver } from './resolver.ts'
import type { KadDHT } from '@libp2p/kad-dht'

function sameAddrs(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => equals(x, y)))
}

/** The fields to sign a record again with: everything kept but seq, lifetime and hosts (none when empty). */
function nextFields(
  record: SignedRecord,
  hosts: RecordHost[] | undefined,
  now: number,
  presignedSeq = 0,
): RecordFields {
  const { v: _v, owner: _owner, created, expires, hosts: _hosts, ...kept } = record.body
  const fields: RecordFields = {
    ...kept,
    // Above every record pre-signed for the mirrors, or they would outrank this one.
    seq: Math.max(record.body.seq, presignedSeq) + 1,
    created: now,
    expires: now + (expires - created),
  }
  if (hosts !== undefined && hosts.length > 0) fields.hosts = hosts
  return fields
}

/** What the republisher works with. */
export interface RepublisherInit {
  /** This node: its peer ID and addresses, for its host entry. */
  self: HostSelf
  /** The node's events: `self:peer:update` says its addresses changed. */
  events: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>
  dht: KadDHT
  storage: AlternetStorage
  now: () => number
  /** This node's host entry. @default selfHostEntry */
  hostEntry?: (self: HostSelf) => RecordHost
  /** Looks the name up before re-signing, to adopt a newer record another device signed. @default none: no look */
  resolver?: Pick<Resolver, 'networkRecords'>
  /** Called after a record was signed again and put (the peer hands the mirrors fresh pre-signed records). */
  onRepublished?(site: string, record: SignedRecord): void
}

/** The network's record of `current`'s holder with the highest seq above `current`'s, if any. */
async function newerOnNetwork(
  resolver: Pick<Resolver, 'networkRecords'>,
  current: SignedRecord,
): Promise<SignedRecord | undefined> {
  let records: SignedRecord[]
  try {
    records = await resolver.networkRecords(current.body.name)
  } catch {
    return undefined
  }
  let newest: SignedRecord | undefined
  for (const record of records) {
    if (!equals(record.holder, current.holder) || record.body.seq <= current.body.seq) continue
    if (newest === undefined || record.body.seq > newest.body.seq) newest = record
  }
  return newest
}

/** Keeps own records alive in the DHT; see the module comment. */
export class Republisher {
  private readonly init: RepublisherInit
  private controller?: AbortController
  private timer?: ReturnType<typeof setTimeout>
  private settle?: ReturnType<typeof setTimeout>
  private running: Promise<void> = Promise.resolve()
  private readonly onAddresses = (): void => {
    clearTimeout(this.settle)
    this.settle = setTimeout(
      () => void this.run(false).catch(() => undefined),
      ADDRESS_CHANGE_SETTLE_MS,
    )
  }

  constructor(init: RepublisherInit) {
    this.init = init
  }

  /** Starts republishing once this tab holds the store's republish lock. */
  start(): void {
    if (this.controller !== undefined) return
    const controller = new AbortController()
    this.controller = controller
    const lead = async (): Promise<void> => {
      if (controller.signal.aborted) return
      this.init.events.addEventListener('self:peer:update', this.onAddresses)
      const tick = (): void => {
        void this.run(false).catch(() => undefined)
        this.timer = setTimeout(tick, REPUBLISH_CHECK_INTERVAL_MS)
      }
      tick()
      // hold the lock until stopped
      await new Promise<void>((resolve) =>
        controller.signal.addEventListener('abort', () => resolve(), { once: true }),
      )
    }
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks
    if (locks === undefined) {
      void lead()
      return
    }
    locks
      .request(
        `${REPUBLISH_LOCK_PREFIX}${this.init.storage.name}`,
        { signal: controller.signal },
        lead,
      )
      .catch(() => undefined)
  }

  /** Stops republishing and gives up the lock. */
  stop(): void {
    this.controller?.abort()
    this.controller = undefined
    clearTimeout(this.timer)
    clearTimeout(this.settle)
    this.init.events.removeEventListener('self:peer:update', this.onAddresses)
  }

  /** Signs and puts every own record again now, whatever its age. */
  republishNow(): Promise<void> {
    return this.run(true)
  }

  /** One pass over the published sites; passes never overlap. */
  private run(force: boolean): Promise<void> {
    const next = this.running.catch(() => undefined).then(() => this.pass(force))
    this.running = next
    return next
  }

  private async pass(force: boolean): Promise<void> {
    const failures: unknown[] = []
    for (const site of await this.init.storage.sites.listPublishedSites()) {
      try {
        await this.republish(site, force)
      } catch (err) {
        failures.push(err)
      }
    }
    if (failures.length > 0)
      throw new AggregateError(failures, `${failures.length} record(s) were not republished`)
  }

  private async republish(site: PublishedSite, force: boolean): Promise<void> {
    const { storage } = this.init
    const now = this.init.now()
    const current = decodeRecord(site.record)
    const self = (this.init.hostEntry ?? selfHostEntry)(this.init.self)
    const hosts = current.body.hosts
    const mine = hosts?.findIndex((h) => equals(h.id, self.id)) ?? -1
    // A site not hosted here must not name this node: its entry goes at once (an A record without content keeps it, or it would be empty).
    const stale =
      !site.hosted &&
      mine >= 0 &&
      (hosts!.length > 1 || current.body.type !== 'A' || current.body.content !== undefined)
    const moved =
      site.hosted &&
      mine >= 0 &&
      self.addrs.length > 0 &&
      !sameAddrs(hosts![mine].addrs, self.addrs)
    const due =
      now - site.publishedAt >= REPUBLISH_INTERVAL_MS ||
      current.body.expires - now <= REPUBLISH_INTERVAL_MS
    if (!force && !due && !moved && !stale) return

    const owner = await storage.identity.getOrCreateOwnerKey()
    if (!equals(owner.publicKey, current.body.owner)) {
      // Not ours to sign any more (the owner key was replaced): keep it up while it lives.
      if (now >= current.body.expires) return
      await putSigned(this.init, current)
      await storage.sites.markRepublished(site.site, now)
      return
    }
    if (this.init.resolver !== undefined) {
      const newer = await newerOnNetwork(this.init.resolver, current)
      if (newer !== undefined) {
        await this.adopt(site, current, newer, self)
        return
      }
    }
    const nextHosts = stale
      ? hosts!.filter((_, i) => i !== mine)
      : moved
        ? hosts!.map((h, i) => (i === mine ? { id: h.id, addrs: self.addrs } : h))
        : hosts
    const record = await owner.createRecord(nextFields(current, nextHosts, now, site.presignedSeq))
    // Keep the new seq even when no server takes it now, so the next pass climbs above it.
    await storage.sites.putPublishedSite(record.bytes, { publishedAt: site.publishedAt })
    await putSigned(this.init, record)
    await storage.sites.markRepublished(site.site, now)
    await storage.records.putCachedRecord(site.site, record.bytes, now)
    this.init.onRepublished?.(site.site, record)
  }

  /** Takes `newer` (another device's) as the site's record; see the module comment. */
  private async adopt(
    site: PublishedSite,
    current: SignedRecord,
    newer: SignedRecord,
    self: RecordHost,
  ): Promise<void> {
    const { storage } = this.init
    const listed = newer.body.hosts?.some((h) => equals(h.id, self.id)) === true
    const oldRoot = current.body.content?.toString()
    const sameContent = oldRoot === newer.body.content?.toString()
    const hosted = site.hosted && listed && sameContent
    await storage.sites.putPublishedSite(newer.bytes, {
      publishedAt: Math.min(newer.body.created, this.init.now()),
      hosted,
    })
    await storage.records.putCachedRecord(site.site, newer.bytes, this.init.now())
  }
}
