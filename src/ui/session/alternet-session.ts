/**
 * The app's one connection to the network: starts the browser peer (once per browser: a Web
 * Lock elects the tab that runs it), the bridge host that shows sites in their own origins,
 * and the app-shell service worker. Elements read its state through `SessionController`. The
 * bridge host exists from the start: a site shown while the node starts loads its bridge and
 * site worker meanwhile, and its requests wait for the node. When the node cannot run here (it
 * failed to start, or another tab runs it), they are answered `NodeUnavailableError`: the site
 * worker then asks another tab's bridge, or shows its offline copy, or "No host reachable".
 * Event: `change`, whenever anything here changed.
 * @module
 */
import { createBridgeHost } from '../../origins/shell/bridge-host.ts'
import type { BridgeFetchInit, BridgeHost } from '../../origins/shell/bridge-host-types.ts'
import { NodeUnavailableError } from '../../origins/shared/errors.ts'
import { TIMING_MARKS, timingMark } from '../../origins/shared/timing-marks.ts'
import {
  registerAppServiceWorker,
  type AppServiceWorker,
} from '../../origins/shell/sw-registration.ts'
import type { BrowserPeer, OwnerKey, PeerStatus } from '../../net/index.ts'
import { loadPagePeer } from '../../net/load-page-peer.ts'
import { hasCapability, missingCapabilities, type Capability } from '../capabilities.ts'
import { browserOnline, watchOnline } from './online-state.ts'
import { saveHelpHosting, savedHelpHosting } from './help-hosting.ts'
import { noteVisitServed } from './visits-served.ts'
import { VisitActivity } from './visits-quiet.ts'
import {
  addSavedRelay,
  isLocalDevelopment,
  removeSavedRelay,
  savedRelays,
  savedRevokerRelays,
} from './relay-settings.ts'

/**
 * The longest the app-shell service worker's registration waits for the node's start and for
 * a quiet moment with no site being opened, in ms: its precache then downloads beside whatever
 * the start or a visit still does.
 */
export const SHELL_WORKER_WAIT_MS = 10_000

/** The Web Lock held by the tab that runs the node. */
export const NODE_LOCK = 'alternet-node'

/** Where the session is. */
export type SessionPhase =
  /** The node is starting. */
  | 'starting'
  /** The node runs in this tab. */
  | 'running'
  /** Another tab of this browser runs the node. */
  | 'elsewhere'
  /** The browser lacks something the node cannot start without. */
  | 'unsupported'
  /** Starting failed: see `error`. */
  | 'failed'

/** The node does not run in this tab, so what needs it cannot be done here. */
export class NodeNotRunningError extends Error {
  override name = 'NodeNotRunningError'
}

/** The running app's state: the peer, its status, the bridges and the shell's service worker. */
export class AlternetSession extends EventTarget {
  /** Features this browser lacks. */
  readonly missing: Capability[]
  /** The app-shell service worker (announces updates). */
  readonly sw: AppServiceWorker
  phase: SessionPhase = 'starting'
  /** Why starting failed (`failed`). */
  error: unknown
  peer: BrowserPeer | undefined
  status: PeerStatus | undefined
  bridges: BridgeHost | undefined
  owner: OwnerKey | undefined
  /** A new version of the app waits for the person's consent. */
  updateAvailable = false
  /** The app shell is cached: it starts with no network. */
  offlineReady = false
  /** Whether the browser has a network (it says so at once when it goes or comes back). */
  online = browserOnline()
  /** Sites only this device serves (no mirror holds them): closing the tab takes them offline. */
  onlyHere: string[] = []
  private releaseLock: (() => void) | undefined
  /** Which sites are being opened (the app's worker waits until none is). */
  private readonly visits = new VisitActivity()

  constructor() {
    super()
    this.missing = missingCapabilities()
    // The shell's worker precaches the whole app: registered once the node has started (or
    // could not) and no site is being opened, so that download competes with neither.
    this.sw = registerAppServiceWorker({
      registerAfter: Promise.race([
        this.whenRunning()
          .catch(() => undefined)
          .then(() => this.visits.whenQuiet()),
        new Promise((resolve) => setTimeout(resolve, SHELL_WORKER_WAIT_MS)),
      ]),
    })
    this.sw.addEventListener('update-available', () => {
      this.updateAvailable = true
      this.changed()
    })
    this.sw.addEventListener('offline-ready', () => {
      this.offlineReady = true
      this.changed()
    })
    watchOnline((online) => {
      this.online = online
      this.changed()
      // Back online: dial the relays now, not when their back-off ends.
      if (online) void this.reconnect()
    })
    this.openBridges()
    // The browser asks the person before a close that takes a site offline.
    globalThis.addEventListener?.('beforeunload', (event: BeforeUnloadEvent) => {
      if (this.onlyHere.length === 0) return
      event.preventDefault()
      event.returnValue = ''
    })
  }

  /**
   * Dials every relay that is not connected now (Retry now, or the network came back); resolves
   * to whether one is connected then.
   */
  async reconnect(): Promise<boolean> {
    const connected = (await this.peer?.reconnectRelays()) ?? false
    this.changed()
    return connected
  }

  /** Reads again which sites only this device serves. */
  async refreshOnlyHere(): Promise<void> {
    const sites = (await this.peer?.mySites().catch(() => [])) ?? []
    this.onlyHere = sites
      .filter((s) => s.hosted && (s.keepAlive?.mirrors.length ?? 0) === 0)
      .map((s) => s.site)
    this.changed()
  }

  /**
   * The peer, once it runs in this tab. Rejects with `NodeNotRunningError` when it cannot
   * (another tab runs it, the browser lacks something, or starting failed).
   */
  whenRunning(): Promise<BrowserPeer> {
    if (this.peer !== undefined) return Promise.resolve(this.peer)
    if (this.phase !== 'starting') return Promise.reject(this.notRunning())
    return new Promise((resolve, reject) => {
      const onChange = (): void => {
        if (this.phase === 'starting') return
        this.removeEventListener('change', onChange)
        if (this.peer !== undefined) resolve(this.peer)
        else reject(this.notRunning())
      }
      this.addEventListener('change', onChange)
    })
  }

  /** Starts the node unless another tab runs it (`takeOver` moves it here). */
  async start(): Promise<void> {
    if (this.missing.some((capability) => capability.essential)) {
      this.phase = 'unsupported'
      return this.changed()
    }
    this.phase = 'starting'
    this.error = undefined
    this.changed()
    if (!(await this.acquireLock(false))) {
      this.phase = 'elsewhere'
      this.openBridges()
      return this.changed()
    }
    await this.startPeer()
  }

  /** Runs the node in this tab; the tab that ran it stops. */
  async takeOver(): Promise<void> {
    this.phase = 'starting'
    this.changed()
    await this.acquireLock(true)
    await this.startPeer()
  }

  /**
   * Adds a relay by URL or multiaddr and dials it now; kept for the next start only once it
   * connected. One that fails is forgotten at once, not left failing on the list.
   */
  async addRelay(relay: string): Promise<void> {
    const peer = this.peer
    if (peer === undefined) throw this.notRunning()
    try {
      await peer.addRelay(relay)
    } catch (error) {
      await peer.removeRelay(relay).catch(() => undefined)
      this.changed()
      throw error
    }
    addSavedRelay(relay)
    this.changed()
  }

  /** Forgets a relay the person added: no more dials, now or at the next start. */
  async removeRelay(relay: string): Promise<void> {
    removeSavedRelay(relay)
    await this.peer?.removeRelay(relay)
    this.changed()
  }

  /** The relays the person added (the one that served the app is not among them). */
  addedRelays(): string[] {
    return savedRelays()
  }

  /**
   * Helps host the sites this person visits (or stops), now and at every start. Rejects with
   * `NodeNotRunningError` when the node runs in another tab.
   */
  async setHelpHosting(on: boolean): Promise<void> {
    const peer = this.peer
    if (peer === undefined) throw this.notRunning()
    saveHelpHosting(on)
    await peer.setHelpHosting(on)
    this.changed()
  }

  /** Reads the owner key again (after an import). */
  async refreshOwner(): Promise<void> {
    this.owner = await this.peer?.ownerKey()
    this.changed()
  }

  /** Stops the node (before the store is deleted); the lock goes to another tab. */
  async stop(): Promise<void> {
    this.bridges?.close()
    this.bridges = undefined
    const peer = this.peer
    this.peer = undefined
    await peer?.stop()
    this.releaseLock?.()
    this.releaseLock = undefined
  }

  private async startPeer(): Promise<void> {
    try {
      const dev = isLocalDevelopment(location.hostname)
      timingMark(TIMING_MARKS.nodeStart)
      // The node's code loads now, after the first screen, not with it.
      const { createAlternetPeer } = await loadPagePeer()
      const peer = await createAlternetPeer({
        relays: [location.origin, ...savedRelays()],
        dev: dev ? { allowPrivateAddresses: true, allowInsecureWebSockets: true } : undefined,
      })
      this.peer = peer
      // Whose revokers may withdraw names here: the person's choice, else the app's own relay.
      peer.trustRevokersOf(savedRevokerRelays())
      if (savedHelpHosting()) void peer.setHelpHosting(true).catch(() => undefined)
      this.status = peer.status()
      peer.addEventListener('status', (event) => {
        this.status = (event as CustomEvent<PeerStatus>).detail
        this.changed()
      })
      peer.addEventListener('visit-served', (event) => {
        noteVisitServed((event as CustomEvent<{ site: string }>).detail.site)
        this.changed()
      })
      peer.addEventListener('progress', (event) => {
        if ((event as CustomEvent<{ phase: string }>).detail.phase === 'done')
          void this.refreshOnlyHere()
      })
      this.openBridges()
      this.owner = await peer.ownerKey()
      this.phase = 'running'
      timingMark(TIMING_MARKS.nodeRunning)
      void this.refreshOnlyHere()
    } catch (error) {
      this.error = error
      this.phase = 'failed'
      this.releaseLock?.()
      this.releaseLock = undefined
      this.openBridges()
    }
    this.changed()
  }

  /** Takes the node's lock (stealing it when `steal`); false when another tab holds it. */
  private acquireLock(steal: boolean): Promise<boolean> {
    if (!hasCapability('web-locks')) return Promise.resolve(true)
    return new Promise((resolve) => {
      const options: LockOptions = steal ? { steal: true } : { ifAvailable: true }
      navigator.locks
        .request(NODE_LOCK, options, async (lock) => {
          if (lock === null) return resolve(false)
          resolve(true)
          await new Promise<void>((release) => (this.releaseLock = release))
        })
        .catch(() => {
          // Another tab took the node over: stop here and say so.
          this.releaseLock = undefined
          void this.stop().then(() => {
            this.phase = 'elsewhere'
            this.openBridges()
            this.changed()
          })
        })
    })
  }

  /**
   * Opens the bridges, once: they exist from the app's start, so a site shown while the node
   * starts (a shared link) loads its bridge page and site worker meanwhile, and its requests
   * wait for the node (`answerSite`).
   */
  private openBridges(): void {
    if (!hasCapability('service-worker') || this.bridges !== undefined) return
    this.bridges = createBridgeHost({
      fetch: (url, init) => this.answerSite(url, init),
      warmUp: true,
    })
    this.visits.watch(this.bridges)
  }

  /**
   * What the bridges answer with: the node's `fetch` once it runs (waiting while it starts);
   * `NodeUnavailableError` when it does not run here, so the site worker asks another tab's
   * bridge, or shows its offline copy, or "No host reachable".
   */
  private async answerSite(url: string, init: BridgeFetchInit): Promise<Response> {
    if (this.phase === 'starting') await this.whenRunning().catch(() => undefined)
    const peer = this.peer
    if (peer !== undefined) return peer.fetch(url, init)
    throw new NodeUnavailableError(
      this.phase === 'elsewhere'
        ? 'Your node runs in another tab of this browser.'
        : 'Your node could not start here (no network or no relay).',
    )
  }

  /** Why what needs the node cannot be done in this tab. */
  private notRunning(): NodeNotRunningError {
    return new NodeNotRunningError(
      this.phase === 'elsewhere'
        ? 'Your node runs in another tab: use Alternet there, or move it here.'
        : 'Your node is not running in this tab.',
    )
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'))
  }
}
