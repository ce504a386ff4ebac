/**
 * `Mirror`: a relay keeps copies of sites and serves them over `/an/route/1.0.0` as a browser
 * host does. When a valid record of a site reaches the relay's DHT store (a put, a
 * replication, a republish) and this relay is one of the R live relays closest to the site's
 * key, it pulls the manifest and every block from the record's hosts and the other mirrors,
 * verifies and stores them, and only then serves the site as whole and announces itself as a
 * provider of the content root. A newer record with another root is fetched the same way and
 * replaces the old version, whose blocks are then released. Revoked names and blocked roots
 * are never fetched, never served, and deleted at once. A periodic scan (and any mirror's
 * connection closing) looks at placement again, so when a mirror leaves, the next closest
 * relay restores the R copies. See docs/PROTOCOL.md, "Mirrors".
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import { Libp2pRecord } from '@libp2p/record'
import type { Registry } from 'prom-client'
import { Key } from 'interface-datastore'
import { base32 } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import { equals, toHex } from '../../../src/core/bytes.ts'
import {
  DHT_KEY_PREFIX,
  decodeRecord,
  dhtKey,
  type SignedRecord,
} from '../../../src/core/records/index.ts'
import { createRouteServer, type RouteServer } from '../../../src/net/route/index.ts'
import { DHT_RECORD_PREFIX } from '../constants.ts'
import type { Logger } from '../log.ts'
import type { RelayNode } from '../node.ts'
import type { Permissions } from '../permissions.ts'
import type { GuardedDatastore, RecordPolicy } from '../record-store.ts'
import {
  MIRROR_PROTOCOL,
  MIRROR_REPROVIDE_INTERVAL_MS,
  MIRROR_RESCAN_DEBOUNCE_MS,
  MIRROR_STATUS_TIMEOUT_MS,
} from './constants.ts'
import { MirrorRefusedError } from './errors.ts'
import { createMirrorMetrics, type MirrorMetrics } from './mirror-metrics.ts'
import {
  answerStatus,
  type MirrorQuestion,
  type MirrorStatus,
} from '../../../src/net/mirror/mirror-status.ts'
import { MirrorStore } from './mirror-store.ts'
import { isPlacedOn } from './placement.ts'
import { pullSite, type WantedBlock } from './pull-site.ts'
import { roomFor, type EvictionCandidate } from './eviction.ts'
import { PRESIGNED_CHECK_INTERVAL_MS } from './presigned.ts'
import { answerWithRecords, putDuePresigned, type KeeperContext } from './presigned-keeper.ts'
import { probeLiveRelays } from './live-relays.ts'
import { MirrorUpload, UploadRefusedError } from './upload.ts'

/** Which sites a relay mirrors. */
export type MirrorPolicy = 'open' | 'registered' | 'none'

/** Settings and parts of a mirror. */
export interface MirrorInit {
  dataDir: string
  policy: MirrorPolicy
  maxBytes: number
  ownerQuota: number
  replicas: number
  scanInterval: number
  node: RelayNode
  store: GuardedDatastore
  recordPolicy: RecordPolicy
  permissions: Permissions
  log: Logger
  registry: Registry
}

/** A refusal remembered so the same root is not fetched again at every scan. */
interface Refusal {
  root: string
  reason: string
  message: string
  at: number
}

/**
 * How long a refusal of one root stands before the site is tried again (quotas free up). A
 * site no source could give (`unreachable`) is tried again at the next scan.
 */
const REFUSAL_RETRY_MS = 10 * 60_000

function recordDsKey(key: Uint8Array): Key {
  return new Key(DHT_RECORD_PREFIX + base32.baseEncode(key), false)
}

const KEY_PREFIX = new TextEncoder().encode(DHT_KEY_PREFIX)

/** Mirrors sites on a relay. */
export class Mirror {
  private readonly init: MirrorInit
  private readonly disk: MirrorStore
  private readonly server: RouteServer
  private readonly metrics: MirrorMetrics
  private readonly upload: MirrorUpload
  private readonly log: Logger
  private readonly controller = new AbortController()
  private readonly pulls = new Map<
    string,
    { root: string; done: number; total: number; work: Promise<void> }
  >()
  private readonly refusals = new Map<string, Refusal>()
  /** Sites placed here and not held completely, from the last scan. */
  private deficit = new Set<string>()
  private reservedBytes = 0
  private live: { peers: PeerId[]; at: number } | undefined
  private scanning: Promise<void> | undefined
  private timers: NodeJS.Timeout[] = []
  private rescanTimer: NodeJS.Timeout | undefined
  private readonly onDisconnect = (event: CustomEvent<PeerId>): void => {
    void this.init.node.peerStore
      .get(event.detail)
      .then((info) => {
        if (info.protocols.includes(MIRROR_PROTOCOL)) this.rescanSoon()
      })
      .catch(() => undefined)
  }

  constructor(init: MirrorInit) {
    this.init = init
    this.log = init.log
    this.disk = new MirrorStore(init.dataDir)
    this.metrics = createMirrorMetrics(init.registry, {
      sites: () => this.disk.sites().length,
      bytes: () => this.disk.usedBytes(),
      deficit: () => this.deficit.size,
      fetching: () => this.pulls.size,
    })
    this.server = createRouteServer({
      getBlock: async (cid) => this.readBlock(cid),
      sites: () =>
        this.disk
          .sites()
          .filter((s) => this.servable(s.site, s.root))
          .map((s) => ({ site: s.site, root: CID.parse(s.root) })),
      hostedBlock: async (cid) => this.isServedBlock(cid.toString()),
      runOnLimitedConnection: false,
    })
    this.upload = new MirrorUpload({
      node: init.node,
      blocks: this.disk.blocks,
      log: init.log,
      registrars: () => init.permissions.registrars,
      admit: (record, missing) => this.admitUpload(record, missing),
      startPending: (site, root) => this.disk.startPending(site, root),
      uploaded: (record, value, manifest) => void this.takeUploaded(record, value, manifest),
      onRefused: (reason) => this.metrics.refused.inc({ reason: `upload-${reason}` }),
    })
  }

  /**
   * Every block of an upload is on disk: a pull started before it (from the record's hosts) may
   * have missed them (and released the manifest when it failed), so the site is looked at
   * again once that pull ended.
   */
  private async takeUploaded(
    record: SignedRecord,
    value: Uint8Array,
    manifest: Uint8Array,
  ): Promise<void> {
    try {
      await this.pulls.get(record.body.name)?.work
      // A failed pull releases its root: the manifest goes back before the site is looked at.
      await this.disk.blocks.put(record.body.content as CID, manifest)
      this.refusals.delete(record.body.name)
      await this.consider(await dhtKey(record.body.name), value, await this.liveRelays())
    } catch (err) {
      this.log.debug('uploaded site not taken', { error: err })
    }
  }

  /** An upload's admission: placed here, servable, then the pull's checks; the room is reserved until it ends. */
  private async admitUpload(
    record: SignedRecord,
    missing: readonly WantedBlock[],
  ): Promise<() => void> {
    const site = record.body.name
    const root = (record.body.content as CID).toString()
    if (!this.servable(site, root))
      throw new MirrorRefusedError('blocked', `${site} is revoked or its content is blocked here.`)
    const live = await this.liveRelays()
    if (!isPlacedOn(this.init.node.peerId, await dhtKey(site), live, this.init.replicas))
      throw new UploadRefusedError(
        'not-placed',
        `This relay is not one of the mirrors of ${site}; they copy it from its other sources.`,
      )
    const need = await this.admit(site, record, missing)
    return () => {
      this.reservedBytes -= need
    }
  }

  /** Opens the store, serves what it holds, and starts watching placement. */
  async start(): Promise<void> {
    const { node } = this.init
    await this.disk.open()
    await this.server.start(node)
    await this.upload.start()
    await node.handle(
      MIRROR_PROTOCOL,
      (stream) => void answerStatus(stream, (question) => this.answer(question)),
      {
        maxInboundStreams: 16,
      },
    )
    node.addEventListener('peer:disconnect', this.onDisconnect)
    const every = (ms: number, fn: () => Promise<unknown>): void => {
      if (ms <= 0) return
      const timer = setInterval(
        () => void fn().catch((err) => this.log.warn('mirror round failed', { error: err })),
        ms,
      )
      timer.unref()
      this.timers.push(timer)
    }
    every(this.init.scanInterval, () => this.scan())
    every(MIRROR_REPROVIDE_INTERVAL_MS, () => this.provideAll())
    every(PRESIGNED_CHECK_INTERVAL_MS, () => this.putDue())
    this.log.info('mirror started', {
      policy: this.init.policy,
      sites: this.disk.sites().length,
      bytes: this.disk.usedBytes(),
    })
    // Resume and catch up in the background: the relay serves at once.
    void this.scan().catch((err) => this.log.warn('mirror scan failed', { error: err }))
    void this.provideAll()
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t)
    clearTimeout(this.rescanTimer)
    this.init.node.removeEventListener('peer:disconnect', this.onDisconnect)
    this.controller.abort(new Error('The relay is stopping.'))
    await Promise.allSettled([...this.pulls.values()].map((p) => p.work))
    await this.scanning?.catch(() => undefined)
    await this.upload.stop()
    await this.server.stop()
    await this.init.node.unhandle(MIRROR_PROTOCOL).catch(() => undefined)
  }

  /** A record was stored in the DHT store (datastore key, serialized libp2p record). */
  onStored(dsKey: string, value: Uint8Array): void {
    if (!dsKey.startsWith(DHT_RECORD_PREFIX)) return
    void (async () => {
      const record = Libp2pRecord.deserialize(value)
      await this.consider(record.key, record.value, await this.liveRelays())
    })().catch((err) => this.log.debug('record not considered for mirroring', { error: err }))
  }

  /** What this relay holds of `site` (the `/an/mirror/1.0.0` answer). */
  status(site: string): MirrorStatus {
    const entry = this.disk.get(site)
    const pull = this.pulls.get(site)
    if (entry !== undefined && this.servable(site, entry.root) && pull === undefined)
      return {
        site,
        state: 'complete',
        root: entry.root,
        blocksDone: entry.blocks.length,
        blocksTotal: entry.blocks.length,
        bytes: entry.bytes,
      }
    if (pull !== undefined)
      return {
        site,
        state: 'fetching',
        root: pull.root,
        blocksDone: pull.done,
        blocksTotal: pull.total,
        ...(entry !== undefined && this.servable(site, entry.root) ? { bytes: entry.bytes } : {}),
      }
    const refusal = this.refusals.get(site)
    if (refusal !== undefined)
      return {
        site,
        state: 'refused',
        root: refusal.root,
        reason: refusal.reason,
        message: refusal.message,
      }
    return { site, state: 'absent' }
  }

  /** Answers a status question, keeping the pre-signed records it carries (see `presigned-keeper.ts`). */
  async answer(question: MirrorQuestion): Promise<MirrorStatus> {
    return answerWithRecords(this.keeperContext(), question, (site) => this.status(site))
  }

  private putDue(): Promise<void> {
    return putDuePresigned(this.keeperContext())
  }

  private keeperContext(): KeeperContext {
    return {
      disk: this.disk,
      node: this.init.node,
      log: this.log,
      registrars: this.init.permissions.registrars,
      servable: (site, root) => this.servable(site, root),
      signal: this.controller.signal,
    }
  }

  /** Figures for `/health`. */
  stats(): {
    sites: number
    bytes: number
    fetching: number
    deficit: number
    policy: MirrorPolicy
  } {
    return {
      sites: this.disk.sites().length,
      bytes: this.disk.usedBytes(),
      fetching: this.pulls.size,
      deficit: this.deficit.size,
      policy: this.init.policy,
    }
  }

  /** Deletes at once every mirrored site whose name is revoked or whose content is blocked. */
  async purge(): Promise<number> {
    let purged = 0
    for (const entry of this.disk.sites()) {
      if (this.servable(entry.site, entry.root)) continue
      await this.disk.drop(entry.site)
      this.metrics.purged.inc()
      purged++
      this.log.info('mirrored site purged', { site: entry.site, root: entry.root })
    }
    return purged
  }

  /** Looks at every record held: what to fetch, what to purge, which sites lack copies. */
  scan(): Promise<void> {
    this.scanning ??= (async () => {
      try {
        await this.purge()
        const live = await this.liveRelays(true)
        const deficit = new Set<string>()
        for await (const { record } of this.init.store.records({
          signal: this.controller.signal,
        })) {
          if (!(await this.init.recordPolicy.isServable(record.key, record.value))) continue
          const site = await this.consider(record.key, record.value, live)
          if (site !== undefined) deficit.add(site)
        }
        await this.refreshHeld(live)
        this.deficit = deficit
      } finally {
        this.scanning = undefined
      }
    })()
    return this.scanning
  }

  /**
   * Looks up the record of every held site in the DHT: a new version put while this relay was
   * away, or to relays it is not closest among, reaches it here within one scan.
   */
  private async refreshHeld(live: PeerId[]): Promise<void> {
    for (const entry of this.disk.sites()) {
      if (this.controller.signal.aborted || this.pulls.has(entry.site)) continue
      const key = await dhtKey(entry.site)
      const signal = AbortSignal.any([
        this.controller.signal,
        AbortSignal.timeout(MIRROR_STATUS_TIMEOUT_MS),
      ])
      let best: { seq: number; value: Uint8Array } | undefined
      try {
        for await (const event of this.init.node.services.dht.get(key, { signal })) {
          if (event.name !== 'VALUE') continue
          if (!(await this.init.recordPolicy.isServable(key, event.value))) continue
          const seq = decodeRecord(event.value).body.seq
          if (best === undefined || seq > best.seq) best = { seq, value: event.value }
        }
      } catch {
        // Nobody answered in time: what was found so far.
      }
      if (best !== undefined) await this.consider(key, best.value, live)
    }
  }

  private rescanSoon(): void {
    clearTimeout(this.rescanTimer)
    this.live = undefined
    this.rescanTimer = setTimeout(
      () => void this.scan().catch((err) => this.log.warn('mirror scan failed', { error: err })),
      MIRROR_RESCAN_DEBOUNCE_MS,
    )
    this.rescanTimer.unref()
  }

  /**
   * This relay and the other relays that answer the mirror protocol now, the closest first
   * asked; kept for one scan interval unless `fresh`.
   */
  private async liveRelays(fresh = false): Promise<PeerId[]> {
    const { node } = this.init
    if (!fresh && this.live !== undefined && Date.now() - this.live.at < this.init.scanInterval)
      return this.live.peers
    const answers = await probeLiveRelays(node, this.controller.signal)
    const peers = [node.peerId, ...answers]
    this.live = { peers, at: Date.now() }
    return peers
  }

  private servable(site: string, root: string): boolean {
    const { permissions } = this.init
    return !permissions.isRevokedName(site) && !permissions.isBlockedRoot(CID.parse(root))
  }

  private isServedBlock(cid: string): boolean {
    const users = this.disk.sitesOf(cid)
    if (users === undefined) return false
    for (const site of users) {
      const entry = this.disk.get(site)
      if (entry !== undefined && this.servable(site, entry.root)) return true
    }
    return false
  }

  private async readBlock(cid: CID): Promise<Uint8Array | undefined> {
    const key = cid.toString()
    if (!this.isServedBlock(key)) return undefined
    const bytes = await this.disk.blocks.get(key)
    if (bytes === undefined) return undefined
    this.metrics.blocksServed.inc()
    for (const site of this.disk.sitesOf(key) ?? []) {
      const entry = this.disk.get(site)
      if (entry !== undefined && entry.root === key) entry.lastRequested = Date.now()
    }
    return bytes
  }

  /**
   * Acts on one valid record: updates, fetches or drops the site. Returns the site when this
   * relay is placed to mirror it and does not hold its current content completely.
   */
  private async consider(
    key: Uint8Array,
    value: Uint8Array,
    live: PeerId[],
  ): Promise<string | undefined> {
    if (key.length <= KEY_PREFIX.length || !equals(key.subarray(0, KEY_PREFIX.length), KEY_PREFIX))
      return undefined
    let record: SignedRecord
    try {
      record = decodeRecord(value)
    } catch {
      return undefined
    }
    const { body } = record
    const site = body.name
    const root = body.content?.toString()
    if (root === undefined) return undefined
    const held = this.disk.get(site)
    if (!this.servable(site, root)) {
      if (held !== undefined) await this.purge()
      return undefined
    }
    if (held !== undefined && held.root === root) {
      const current = decodeRecord(Buffer.from(held.record, 'base64'))
      if (body.seq > current.body.seq)
        await this.disk.update({ ...held, record: Buffer.from(value).toString('base64') })
      return undefined
    }
    if (!isPlacedOn(this.init.node.peerId, key, live, this.init.replicas)) {
      // Not ours to mirror: an older version held here points at content no current record does.
      if (held !== undefined) await this.disk.drop(site)
      return undefined
    }
    const pull = this.pulls.get(site)
    if (pull !== undefined && pull.root === root) return site
    const refusal = this.refusals.get(site)
    if (
      refusal !== undefined &&
      refusal.root === root &&
      refusal.reason !== 'unreachable' &&
      Date.now() - refusal.at < REFUSAL_RETRY_MS
    )
      return site
    if (pull === undefined) this.startPull(site, record, value)
    return site
  }

  private startPull(site: string, record: SignedRecord, value: Uint8Array): void {
    const root = record.body.content as CID
    const state = { root: root.toString(), done: 0, total: 0, work: Promise.resolve() }
    this.pulls.set(site, state)
    const started = Date.now()
    let reserved = 0
    state.work = (async () => {
      try {
        await this.disk.startPending(site, root.toString())
        const sizes = new Map<string, number>()
        const pulled = await pullSite({
          node: this.init.node,
          blocks: this.disk.blocks,
          site,
          root,
          hosts: record.body.hosts ?? [],
          signal: this.controller.signal,
          admit: async (_manifest, missing) => {
            reserved = await this.admit(site, record, missing)
          },
          onProgress: (done, total) => {
            state.done = done
            state.total = total
          },
          onDropped: (peer, error) => {
            this.metrics.droppedSources.inc()
            this.log.warn('mirror source dropped', { site, peer: peer.toString(), error })
          },
        })
        for (const cid of pulled.blocks) {
          const size = await this.disk.blocks.size(cid)
          if (size === undefined)
            throw new MirrorRefusedError(
              'unreachable',
              `Block ${cid} of ${site} left the disk before the site was complete.`,
            )
          sizes.set(cid, size)
        }
        const previous = this.disk.get(site)
        await this.disk.commit(
          {
            site,
            root: root.toString(),
            record: Buffer.from(value).toString('base64'),
            owner: toHex(record.holder),
            blocks: pulled.blocks,
            bytes: pulled.bytes,
            storedAt: Date.now(),
            lastRequested: previous?.lastRequested ?? Date.now(),
          },
          sizes,
        )
        this.refusals.delete(site)
        this.metrics.completed.inc()
        this.log.info('site mirrored', {
          site,
          root: root.toString(),
          bytes: pulled.bytes,
          blocks: pulled.blocks.length,
          ms: Date.now() - started,
        })
        void this.provide(root)
        // The record goes again to the relays closest to its key: one the publisher's put did
        // not reach learns of the site here and mirrors it if placed.
        void this.spread(site, value)
      } catch (err) {
        if (this.controller.signal.aborted) return
        const refused =
          err instanceof MirrorRefusedError
            ? err
            : new MirrorRefusedError(
                'unreachable',
                `The site could not be fetched: ${(err as Error).message}`,
                { cause: err },
              )
        this.refusals.set(site, {
          root: root.toString(),
          reason: refused.reason,
          message: refused.message,
          at: Date.now(),
        })
        this.metrics.refused.inc({ reason: refused.reason })
        this.log.warn('site not mirrored', {
          site,
          reason: refused.reason,
          message: refused.message,
        })
        await this.disk.abandonPending(site).catch(() => undefined)
      } finally {
        this.reservedBytes -= reserved
        this.pulls.delete(site)
      }
    })()
  }

  /** Checks policy, owner quota and room (evicting what may go); reserves the bytes; returns them. */
  private async admit(
    site: string,
    record: SignedRecord,
    missing: readonly WantedBlock[],
  ): Promise<number> {
    const { policy, permissions, ownerQuota, maxBytes } = this.init
    if (policy === 'none')
      throw new MirrorRefusedError(
        'policy',
        'This relay does not mirror sites (its operator set --mirror-policy none).',
      )
    if (policy === 'registered') {
      const reg = record.body.registration
      const trusted =
        reg !== undefined &&
        permissions.registrars.some((k) => equals(k, reg.registrar)) &&
        reg.expires > Date.now()
      if (!trusted)
        throw new MirrorRefusedError(
          'unregistered',
          `This relay mirrors only names a trusted registrar vouches for, and ${site} has no such registration.`,
        )
    }
    const need = missing.reduce((n, b) => n + b.size, 0)
    const owner = toHex(record.holder)
    const ownerUsed = this.disk.ownerBytes(owner, site)
    if (ownerUsed + need > ownerQuota)
      throw new MirrorRefusedError(
        'owner-quota',
        `The owner of ${site} already has ${ownerUsed} bytes mirrored here; ${need} more would pass this relay's limit of ${ownerQuota} bytes per owner.`,
      )
    const candidates: EvictionCandidate[] = []
    for (const entry of this.disk.sites()) {
      if (entry.site === site || this.pulls.has(entry.site)) continue
      candidates.push({
        site: entry.site,
        lastRequested: entry.lastRequested,
        pastHorizon: !(await this.hasLiveRecord(entry.site)),
        surplus: !isPlacedOn(
          this.init.node.peerId,
          await dhtKey(entry.site),
          this.live?.peers ?? [this.init.node.peerId],
          this.init.replicas,
        ),
      })
    }
    const victims = roomFor(
      need,
      maxBytes - this.disk.usedBytes() - this.reservedBytes,
      candidates,
      (s) => this.disk.get(s)?.bytes ?? 0,
    )
    if (victims === undefined)
      throw new MirrorRefusedError(
        'store-full',
        `This relay's mirror store is full: ${site} needs ${need} bytes and no site may be evicted to make room (limit ${maxBytes} bytes).`,
      )
    for (const victim of victims) {
      const gone = this.disk.get(victim)
      await this.disk.drop(victim)
      // Remembered as refused, so the next scan does not fetch it straight back.
      if (gone !== undefined)
        this.refusals.set(victim, {
          root: gone.root,
          reason: 'evicted',
          message: `This relay's mirror store was full: ${victim} was evicted to make room for a site requested more recently.`,
          at: Date.now(),
        })
      this.log.info('mirrored site evicted to make room', { site: victim, for: site })
    }
    this.reservedBytes += need
    return need
  }

  /** Whether the DHT store holds a servable record of `site` (else the site is past its horizon). */
  private async hasLiveRecord(site: string): Promise<boolean> {
    const key = await dhtKey(site)
    const value = await this.init.store.peekRecord(recordDsKey(key))
    return value !== undefined && (await this.init.recordPolicy.isServable(key, value))
  }

  private async provide(root: CID): Promise<void> {
    try {
      for await (const event of this.init.node.services.dht.provide(root, {
        signal: this.controller.signal,
      }))
        void event
    } catch (err) {
      this.log.debug('provider record not announced', { root: root.toString(), error: err })
    }
  }

  /** Puts a record this relay holds to the DHT peers closest to its key. */
  private async spread(site: string, value: Uint8Array): Promise<void> {
    try {
      const key = await dhtKey(site)
      for await (const event of this.init.node.services.dht.put(key, value, {
        signal: this.controller.signal,
      }))
        void event
    } catch (err) {
      this.log.debug('record not spread', { site, error: err })
    }
  }

  private async provideAll(): Promise<void> {
    for (const entry of this.disk.sites()) {
      if (this.controller.signal.aborted) return
      if (this.servable(entry.site, entry.root)) await this.provide(CID.parse(entry.root))
    }
  }
}
