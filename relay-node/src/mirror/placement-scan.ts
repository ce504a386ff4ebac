/**
 * The placement loop: which sites this relay should mirror. Every record that reaches the DHT
 * store, and every record held at each periodic scan, is considered: fetched when this relay
 * is one of the R live relays closest to its key, dropped when not, purged when revoked or
 * blocked. A mirror's connection closing brings the next scan forward, so when a mirror
 * leaves the next closest relay restores the R copies.
 * @module
 */
import { equals } from '@alternet/core/bytes'
import { DHT_KEY_PREFIX, decodeRecord, dhtKey, type SignedRecord } from '@alternet/core/records'
import { spread } from './announce.ts'
import { MIRROR_RESCAN_DEBOUNCE_MS, MIRROR_STATUS_TIMEOUT_MS } from './constants.ts'
import { liveRelays } from './live-relays.ts'
import { isServable, REFUSAL_RETRY_MS, type MirrorState } from './mirror-state.ts'
import { placedRelays, type LiveRelay } from './placement.ts'
import { placedHold } from './placed-hold.ts'
import { startPull } from './pull-scheduler.ts'
import { purgeUnservable } from './purge.ts'

const KEY_PREFIX = new TextEncoder().encode(DHT_KEY_PREFIX)

/** Watches placement for one mirror. */
export class PlacementScan {
  private readonly state: MirrorState
  private scanning: Promise<void> | undefined
  /** A scan asked for while one was under way: it follows that one, with a fresh view. */
  private next: Promise<void> | undefined
  /** The DHT look-up of the held sites' records, one round at a time, beside the scans. */
  private refreshing: Promise<void> | undefined
  private rescanTimer: NodeJS.Timeout | undefined

  constructor(state: MirrorState) {
    this.state = state
  }

  /** Waits for a scan under way; cancels one planned. */
  async stop(): Promise<void> {
    clearTimeout(this.rescanTimer)
    await this.scanning?.catch(() => undefined)
    await this.next?.catch(() => undefined)
    await this.refreshing
  }

  /**
   * Looks at every record held: what to fetch, what to purge, which sites lack copies. Asked
   * while a scan is under way (its view of the live relays may be older than a relay's
   * leaving), another scan follows that one. The held sites' records are then looked up in the
   * DHT in the background (`refreshHeld`), so that a scan is not held up by slow look-ups.
   */
  scan(): Promise<void> {
    const { state } = this
    if (this.scanning !== undefined) {
      this.next ??= this.scanning
        .catch(() => undefined)
        .then(() => {
          this.next = undefined
          return this.scan()
        })
      return this.next
    }
    this.scanning = (async () => {
      try {
        await purgeUnservable(state)
        // A fresh view: every relay is asked again (once, across the sites it is a candidate
        // for), those closest to this relay first (its neighbours, counted in `/health`).
        state.view.clear()
        await liveRelays(state, state.init.node.peerId.toMultihash().bytes)
        const deficit = new Set<string>()
        for await (const { record } of state.init.store.records({ signal: state.signal })) {
          if (!(await state.init.recordPolicy.isServable(record.key, record.value))) continue
          const site = await this.consider(record.key, record.value)
          if (site !== undefined) deficit.add(site)
        }
        state.deficit = deficit
        state.metrics.scans.inc()
        this.refreshing ??= this.refreshHeld()
          .catch((err) => state.log.warn('mirror record look-up failed', { error: err }))
          .finally(() => {
            this.refreshing = undefined
          })
      } finally {
        this.scanning = undefined
      }
    })()
    return this.scanning
  }

  /**
   * Scans again shortly, with a fresh view of the live relays (a mirror left). The records of
   * the sites held here are then put again to the relays closest to their keys: a relay that
   * missed the publisher's put, and is now among the R placed, learns of the site and fetches it.
   */
  rescanSoon(): void {
    clearTimeout(this.rescanTimer)
    this.state.view.clear()
    this.rescanTimer = setTimeout(
      () =>
        void this.scan()
          .then(() => this.spreadHeld())
          .catch((err) => this.state.log.warn('mirror scan failed', { error: err })),
      MIRROR_RESCAN_DEBOUNCE_MS,
    )
    this.rescanTimer.unref()
  }

  /** Puts the record of every servable site held here to the relays closest to its key. */
  private async spreadHeld(): Promise<void> {
    const { state } = this
    await Promise.all(
      state.disk
        .sites()
        .filter((entry) => isServable(state, entry.site, entry.root))
        .map((entry) => spread(state, entry.site, Buffer.from(entry.record, 'base64'))),
    )
  }

  /**
   * Acts on one valid record: updates, fetches or drops the site. Returns the site when this
   * relay is placed to mirror it and does not hold its current content completely.
   */
  async consider(
    key: Uint8Array,
    value: Uint8Array,
    live?: readonly LiveRelay[],
  ): Promise<string | undefined> {
    const { state } = this
    const { disk } = state
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
    const held = disk.get(site)
    if (!isServable(state, site, root)) {
      if (held !== undefined) await purgeUnservable(state)
      return undefined
    }
    if (held !== undefined && held.root === root) {
      const current = decodeRecord(Buffer.from(held.record, 'base64'))
      if (body.seq > current.body.seq)
        await disk.update({ ...held, record: Buffer.from(value).toString('base64') })
      return undefined
    }
    const self = state.init.node.peerId
    const view = live ?? (await liveRelays(state, key))
    const placed = placedRelays(key, view, state.init.replicas)
    const here = placed.some((p) => p.equals(self))
    if (held?.pinned !== true && !here) {
      // Not ours to mirror: an older version held here points at content no current record
      // does. It goes only once every relay placed holds the current version, by its own
      // answer; until then this relay keeps following the site (see docs/PROTOCOL.md).
      if (held === undefined) return undefined
      if (await placedHold(state, site, root, placed, view)) {
        await disk.drop(site)
        return undefined
      }
      state.log.info('displaced mirror keeps following a site its placed relays lack', { site })
    }
    // A site this relay only follows is no deficit of its own.
    const deficit = here || held?.pinned === true ? site : undefined
    const pull = state.pulls.get(site)
    if (pull !== undefined && pull.root === root) return deficit
    const refusal = state.refusals.get(site)
    if (
      refusal !== undefined &&
      refusal.root === root &&
      refusal.reason !== 'unreachable' &&
      Date.now() - refusal.at < REFUSAL_RETRY_MS
    )
      return deficit
    if (pull === undefined) startPull(state, site, record, value)
    return deficit
  }

  /**
   * Looks up the record of every held site in the DHT: a new version put while this relay was
   * away, or to relays it is not closest among, reaches it here within one scan.
   */
  private async refreshHeld(): Promise<void> {
    const { state } = this
    for (const entry of state.disk.sites()) {
      if (state.signal.aborted || state.pulls.has(entry.site)) continue
      const key = await dhtKey(entry.site)
      const signal = AbortSignal.any([state.signal, AbortSignal.timeout(MIRROR_STATUS_TIMEOUT_MS)])
      let best: { seq: number; value: Uint8Array } | undefined
      try {
        for await (const event of state.init.node.services.dht.get(key, { signal })) {
          if (event.name !== 'VALUE') continue
          if (!(await state.init.recordPolicy.isServable(key, event.value))) continue
          const seq = decodeRecord(event.value).body.seq
          if (best === undefined || seq > best.seq) best = { seq, value: event.value }
        }
      } catch {
        // Nobody answered in time: what was found so far.
      }
      if (best !== undefined) await this.consider(key, best.value)
    }
  }
}
