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
 *
 * The parts: `placement-scan.ts` (what to mirror), `pull-scheduler.ts` and `admission.ts`
 * (fetching, policy, quotas, eviction), `mirror-serving.ts` (serving blocks),
 * `status-handler.ts` (`/an/mirror/1.0.0`), `upload-placement.ts` (where an upload goes),
 * `relay-events.ts` and `live-relays.ts` (which relays are live), `purge.ts`, `announce.ts`; they share a
 * `MirrorState` (`mirror-state.ts`).
 * @module
 */
import { Libp2pRecord } from '@libp2p/record'
import type { CID } from 'multiformats/cid'
import type { MirrorQuestion, MirrorStatus } from '@alternet/net/mirror'
import type { RouteServer } from '@alternet/net/route'
import type { SignedRecord } from '@alternet/core/records'
import { DHT_RECORD_PREFIX } from '../constants.ts'
import { admit } from './admission.ts'
import { provideAll } from './announce.ts'
import type { BlockFiles } from './block-files.ts'
import { adoptUploaded } from './adopt-upload.ts'
import { GoneRelays } from './gone-relays.ts'
import { MIRROR_REPROVIDE_INTERVAL_MS } from './constants.ts'
import { LiveView } from './live-relays.ts'
import { createMirrorMetrics } from './mirror-metrics.ts'
import { createMirrorRouteServer, readServedBlock } from './mirror-serving.ts'
import type { MirrorInit, MirrorPolicy, MirrorState } from './mirror-state.ts'
import { MirrorStore } from './mirror-store.ts'
import { PlacementScan } from './placement-scan.ts'
import type { WantedBlock } from './pull-site.ts'
import { PRESIGNED_CHECK_INTERVAL_MS } from './presigned.ts'
import { putDuePresigned } from './presigned-keeper.ts'
import { purgeUnservable } from './purge.ts'
import { RelayEvents } from './relay-events.ts'
import {
  answerQuestion,
  handleStatusQuestions,
  keeperContext,
  mirrorStatus,
  unhandleStatusQuestions,
} from './status-handler.ts'
import { sourceOf } from '../source-subnet.ts'
import { MirrorUpload } from './upload.ts'
import { admitUpload, receiving, takeUploaded } from './upload-placement.ts'

export type { MirrorInit, MirrorPolicy } from './mirror-state.ts'

/** Mirrors sites on a relay. */
export class Mirror {
  private readonly state: MirrorState
  private readonly server: RouteServer
  private readonly placement: PlacementScan
  private readonly upload: MirrorUpload
  private readonly controller = new AbortController()
  private readonly events: RelayEvents
  private timers: NodeJS.Timeout[] = []
  constructor(init: MirrorInit) {
    const disk = new MirrorStore(init.dataDir, init.onHeld)
    const pulls: MirrorState['pulls'] = new Map()
    const state: MirrorState = {
      init,
      disk,
      log: init.log,
      signal: this.controller.signal,
      pulls,
      refusals: new Map(),
      staging: new Map(),
      deficit: new Set(),
      reservedBytes: 0,
      relays: new Map(),
      gone: new GoneRelays(),
      view: new LiveView(),
      metrics: createMirrorMetrics(init.registry, {
        sites: () => disk.sites().length,
        bytes: () => disk.usedBytes(),
        deficit: () => state.deficit.size,
        fetching: () => pulls.size,
      }),
    }
    this.state = state
    this.server = createMirrorRouteServer(state)
    this.placement = new PlacementScan(state)
    this.events = new RelayEvents(state, () => this.placement.rescanSoon())
    this.upload = new MirrorUpload({
      node: init.node,
      blocks: disk.blocks,
      log: init.log,
      registrars: () => init.permissions.registrars,
      admit: (record, missing) => admitUpload(state, record, missing),
      startPending: (site, root) => disk.startPending(site, root),
      receiving: (upload) => receiving(state, upload),
      uploaded: (record, value, manifest) =>
        void takeUploaded(state, this.placement, record, value, manifest),
      onRefused: (reason) => state.metrics.refused.inc({ reason: `upload-${reason}` }),
      sourceOf: (connection) => sourceOf(connection.remoteAddr, init.sourcePrefixes),
    })
  }

  /** Opens the store, serves what it holds, and starts watching placement. */
  async start(): Promise<void> {
    const { state } = this
    const { node } = state.init
    await state.disk.open()
    await this.server.start(node)
    await this.upload.start()
    await handleStatusQuestions(state)
    this.events.start()
    const every = (ms: number, fn: () => Promise<unknown>): void => {
      if (ms <= 0) return
      const timer = setInterval(
        () => void fn().catch((err) => state.log.warn('mirror round failed', { error: err })),
        ms,
      )
      timer.unref()
      this.timers.push(timer)
    }
    every(state.init.scanInterval, () => this.scan())
    every(MIRROR_REPROVIDE_INTERVAL_MS, () => provideAll(state))
    every(PRESIGNED_CHECK_INTERVAL_MS, () => putDuePresigned(keeperContext(state)))
    state.log.info('mirror started', {
      policy: state.init.policy,
      sites: state.disk.sites().length,
      bytes: state.disk.usedBytes(),
    })
    // Resume and catch up in the background: the relay serves at once.
    void this.scan().catch((err) => state.log.warn('mirror scan failed', { error: err }))
    void provideAll(state)
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t)
    this.events.stop()
    this.controller.abort(new Error('The relay is stopping.'))
    await Promise.allSettled([...this.state.pulls.values()].map((p) => p.work))
    await this.placement.stop()
    await this.upload.stop()
    await this.server.stop()
    await unhandleStatusQuestions(this.state)
  }

  /** A record was stored in the DHT store (datastore key, serialized libp2p record). */
  onStored(dsKey: string, value: Uint8Array): void {
    if (!dsKey.startsWith(DHT_RECORD_PREFIX)) return
    void (async () => {
      const record = Libp2pRecord.deserialize(value)
      await this.placement.consider(record.key, record.value)
    })().catch((err) => this.state.log.debug('record not considered for mirroring', { error: err }))
  }

  /** The sites held completely now. */
  sites(): string[] {
    return this.state.disk.sites().map((entry) => entry.site)
  }

  /** A block this relay serves (of a site held completely and servable), or undefined. */
  servedBlock(cid: CID): Promise<Uint8Array | undefined> {
    return readServedBlock(this.state, cid)
  }

  /** What this relay holds of `site` (the `/an/mirror/1.0.0` answer). */
  status(site: string): MirrorStatus {
    return mirrorStatus(this.state, site)
  }

  /** Answers a status question, keeping the pre-signed records it carries (see `presigned-keeper.ts`). */
  async answer(question: MirrorQuestion): Promise<MirrorStatus> {
    return answerQuestion(this.state, question)
  }

  /** Figures for `/health`. */
  stats(): {
    sites: number
    bytes: number
    fetching: number
    deficit: number
    policy: MirrorPolicy
    liveRelays: number
    identifiedRelays: number
    goneRelays: number
  } {
    const { disk, pulls, deficit, init, view } = this.state
    return {
      sites: disk.sites().length,
      bytes: disk.usedBytes(),
      fetching: pulls.size,
      deficit: deficit.size,
      policy: init.policy,
      // Relays (this one counted) that answered as live lately, which placement reads.
      liveRelays: view.size + 1,
      // Peers connected now whose identify advertised taking uploads.
      identifiedRelays: this.state.relays.size,
      // Relays whose last connection closed, left out of the live view unasked for a minute.
      goneRelays: this.state.gone.size,
    }
  }

  /** Deletes at once every mirrored site whose name is revoked or whose content is blocked. */
  purge(): Promise<number> {
    return purgeUnservable(this.state)
  }

  /** Looks at every record held: what to fetch, what to purge, which sites lack copies. */
  scan(): Promise<void> {
    return this.placement.scan()
  }

  /** The block files (the registrar API writes uploaded blocks here, each verified). */
  get blockFiles(): BlockFiles {
    return this.state.disk.blocks
  }

  /**
   * Reserves room for a site uploaded through the registrar API: owner quota and mirror size
   * (evicting what may go) as for a pull; the mirror policy does not apply, the operator's
   * token vouches for the site. Returns the function that releases the reservation.
   */
  async reserveUpload(
    site: string,
    record: SignedRecord,
    missing: readonly WantedBlock[],
  ): Promise<() => void> {
    const reserved = await admit(this.state, site, record, missing, true)
    await this.state.disk.startPending(site, String(record.body.content))
    return () => {
      this.state.reservedBytes -= reserved
    }
  }

  /** Ends an upload that did not complete: its blocks nothing else uses are deleted. */
  async abandonUpload(site: string, blocks: readonly string[]): Promise<void> {
    await this.state.disk.abandonPending(site, blocks)
  }

  /**
   * Records an uploaded site (every block verified and on disk) as complete and pinned here
   * whatever the placement, and announces it as a provider of its content root.
   */
  async adopt(
    site: string,
    record: SignedRecord,
    value: Uint8Array,
    blocks: string[],
  ): Promise<void> {
    await adoptUploaded(this.state, site, record, value, blocks)
  }
}
