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
 * `status-handler.ts` (`/an/mirror/1.0.0`), `purge.ts`, `announce.ts`; they share a
 * `MirrorState` (`mirror-state.ts`).
 * @module
 */
import type { IdentifyResult, PeerId } from '@libp2p/interface'
import { Libp2pRecord } from '@libp2p/record'
import type { MirrorQuestion, MirrorStatus } from '@alternet/net/mirror'
import type { RouteServer } from '@alternet/net/route'
import type { CID } from 'multiformats/cid'
import { dhtKey, type SignedRecord } from '@alternet/core/records'
import { DHT_RECORD_PREFIX } from '../constants.ts'
import { admit } from './admission.ts'
import { provideAll } from './announce.ts'
import type { BlockFiles } from './block-files.ts'
import { adoptUploaded } from './adopt-upload.ts'
import { GoneRelays } from './gone-relays.ts'
import { handOn } from './hand-on.ts'
import {
  HANDED_ON_REMEMBERED_MS,
  MIRROR_PROTOCOL,
  MIRROR_UPLOAD_PROTOCOL,
  MIRROR_REPROVIDE_INTERVAL_MS,
} from './constants.ts'
import { createMirrorMetrics } from './mirror-metrics.ts'
import { createMirrorRouteServer } from './mirror-serving.ts'
import type { MirrorInit, MirrorPolicy, MirrorState, Staging } from './mirror-state.ts'
import { MirrorStore } from './mirror-store.ts'
import { MirrorRefusedError } from './errors.ts'
import { isServable } from './mirror-state.ts'
import { PlacementScan } from './placement-scan.ts'
import { isPlacedOn } from './placement.ts'
import type { WantedBlock } from './pull-site.ts'
import { PRESIGNED_CHECK_INTERVAL_MS } from './presigned.ts'
import { putDuePresigned } from './presigned-keeper.ts'
import { purgeUnservable } from './purge.ts'
import {
  answerQuestion,
  handleStatusQuestions,
  keeperContext,
  mirrorStatus,
  unhandleStatusQuestions,
} from './status-handler.ts'
import { sourceOf } from '../source-subnet.ts'
import { MirrorUpload } from './upload.ts'
import type { Receiving } from './upload-arrivals.ts'

export type { MirrorInit, MirrorPolicy } from './mirror-state.ts'

/** Mirrors sites on a relay. */
export class Mirror {
  private readonly state: MirrorState
  private readonly server: RouteServer
  private readonly placement: PlacementScan
  private readonly upload: MirrorUpload
  private readonly controller = new AbortController()
  private timers: NodeJS.Timeout[] = []
  private readonly onIdentify = (event: CustomEvent<IdentifyResult>): void => {
    const { peerId, protocols, connection } = event.detail
    const id = peerId.toString()
    const { state } = this
    if (protocols.includes(MIRROR_UPLOAD_PROTOCOL)) {
      state.relays.set(id, sourceOf(connection.remoteAddr, state.init.sourcePrefixes))
      // A relay the live view lacks (it joined after the view was taken): the next placement,
      // upload or hand-on counts it, instead of placing copies by a short view.
      if (state.live?.peers.some((p) => p.equals(peerId)) === false) state.live = undefined
    } else state.relays.delete(id)
  }
  /**
   * A peer's last connection closed. A relay is marked gone and left out of the live view at
   * once (a status question to a relay that died would wait for a dial timeout), and placement
   * is looked at again soon, so the next closest relay restores the R copies. It is no longer
   * an identified relay (a relay's identify on its next connection counts it again).
   */
  private readonly onDisconnect = (event: CustomEvent<PeerId>): void => {
    const { state } = this
    const id = event.detail.toString()
    const source = state.relays.get(id)
    if (source !== undefined) {
      state.relays.delete(id)
      state.gone.mark(id, source)
      if (state.live !== undefined)
        state.live = {
          ...state.live,
          peers: state.live.peers.filter((p) => !p.equals(event.detail)),
        }
    }
    void state.init.node.peerStore
      .get(event.detail)
      .then((info) => {
        if (info.protocols.includes(MIRROR_PROTOCOL)) this.placement.rescanSoon()
      })
      .catch(() => undefined)
  }
  /** A relay marked gone connected again: the next view of the live relays counts it. */
  private readonly onConnect = (event: CustomEvent<PeerId>): void => {
    if (this.state.gone.delete(event.detail.toString())) this.state.live = undefined
  }

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
      live: undefined,
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
    this.upload = new MirrorUpload({
      node: init.node,
      blocks: disk.blocks,
      log: init.log,
      registrars: () => init.permissions.registrars,
      admit: (record, missing) => this.admitUpload(record, missing),
      startPending: (site, root) => disk.startPending(site, root),
      receiving: (upload) => this.receiving(upload),
      uploaded: (record, value, manifest) => void this.takeUploaded(record, value, manifest),
      onRefused: (reason) => state.metrics.refused.inc({ reason: `upload-${reason}` }),
      sourceOf: (connection) => sourceOf(connection.remoteAddr, init.sourcePrefixes),
    })
  }

  /**
   * An upload starts: a pull of the same root holds its fetches until the upload ends (the
   * upload brings the blocks; the tab's bandwidth goes to it). A placed relay forwards a tab's
   * upload to the other placed relays as its blocks arrive (not another relay's, known by its
   * identify advertising uploads: a hand-on goes no further), so that they hold it about when
   * this one does.
   */
  private receiving(upload: Receiving): void {
    const { state } = this
    const site = upload.record.body.name
    const pull = state.pulls.get(site)
    if (pull?.root === String(upload.record.body.content))
      pull.holdUntil = upload.ended.then(() => undefined)
    if (state.staging.has(site)) return
    void (async () => {
      // Only relays take uploads: an uploader that does is a relay handing the site on.
      if (state.relays.has(upload.from.toString())) return
      const live = await this.placement.liveRelays(false, state.init.replicas)
      await handOn(state, upload.record, upload.manifest, live, {
        keep: true,
        block: upload.block,
      })
    })().catch((err) => state.log.debug('upload not handed on', { site, error: err }))
  }

  /**
   * Every block of an upload is on disk. A staging copy is handed on to the placed relays. A
   * placed relay takes the site: a pull started before the upload (from the record's hosts)
   * may have missed the blocks (and released the manifest when it failed), so the site is
   * looked at again once that pull ended (its fetches under way stop at once).
   */
  private async takeUploaded(
    record: SignedRecord,
    value: Uint8Array,
    manifest: Uint8Array,
  ): Promise<void> {
    const { state } = this
    const staging = state.staging.get(record.body.name)
    if (staging !== undefined && !staging.taken) {
      staging.taken = true
      try {
        await handOn(
          state,
          record,
          manifest,
          await this.placement.liveRelays(false, state.init.replicas),
        )
      } finally {
        state.reservedBytes -= staging.need
        staging.handedOn = true
        // Answered as handed on for a while (a publisher still waiting counts it out), then forgotten.
        setTimeout(() => {
          if (state.staging.get(record.body.name) === staging)
            state.staging.delete(record.body.name)
        }, HANDED_ON_REMEMBERED_MS).unref()
      }
      return
    }
    try {
      const pull = state.pulls.get(record.body.name)
      // Its fetches under way stop: every block they wait for is on disk now.
      if (pull?.root === String(record.body.content))
        pull.supplied.abort(new Error('The upload brought every block.'))
      await pull?.work
      // A failed pull releases its root: the manifest goes back before the site is looked at.
      await state.disk.blocks.put(record.body.content as CID, manifest)
      state.refusals.delete(record.body.name)
      await this.placement.consider(
        await dhtKey(record.body.name),
        value,
        await this.placement.liveRelays(),
      )
    } catch (err) {
      state.log.debug('uploaded site not taken', { error: err })
    }
  }

  /** An upload's admission: placed here, servable, then the pull's checks; the room is reserved until it ends. */
  private async admitUpload(
    record: SignedRecord,
    missing: readonly WantedBlock[],
  ): Promise<() => void> {
    const { state } = this
    const site = record.body.name
    const root = (record.body.content as CID).toString()
    if (!isServable(state, site, root))
      throw new MirrorRefusedError('blocked', `${site} is revoked or its content is blocked here.`)
    const live = await this.placement.liveRelays()
    const need = await admit(state, site, record, missing)
    if (isPlacedOn(state.init.node.peerId, await dhtKey(site), live, state.init.replicas))
      return () => {
        state.reservedBytes -= need
      }
    // Not one of the site's mirrors: a staging copy, handed on to the placed relays once whole
    // (its room stays reserved until then).
    const staging: Staging = { root, need, taken: false, handedOn: false }
    state.staging.set(site, staging)
    return () => {
      if (staging.taken) return
      state.reservedBytes -= need
      if (state.staging.get(site) === staging) state.staging.delete(site)
    }
  }

  /** Opens the store, serves what it holds, and starts watching placement. */
  async start(): Promise<void> {
    const { state } = this
    const { node } = state.init
    await state.disk.open()
    await this.server.start(node)
    await this.upload.start()
    await handleStatusQuestions(state)
    node.addEventListener('peer:disconnect', this.onDisconnect)
    node.addEventListener('peer:connect', this.onConnect)
    node.addEventListener('peer:identify', this.onIdentify)
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
    this.state.init.node.removeEventListener('peer:disconnect', this.onDisconnect)
    this.state.init.node.removeEventListener('peer:connect', this.onConnect)
    this.state.init.node.removeEventListener('peer:identify', this.onIdentify)
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
      await this.placement.consider(record.key, record.value, await this.placement.liveRelays())
    })().catch((err) => this.state.log.debug('record not considered for mirroring', { error: err }))
  }

  /** The sites held completely now. */
  sites(): string[] {
    return this.state.disk.sites().map((entry) => entry.site)
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
    const { disk, pulls, deficit, init, live } = this.state
    return {
      sites: disk.sites().length,
      bytes: disk.usedBytes(),
      fetching: pulls.size,
      deficit: deficit.size,
      policy: init.policy,
      // Relays (this one counted) in its last view of the live relays, which placement reads.
      liveRelays: live?.peers.length ?? 0,
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
