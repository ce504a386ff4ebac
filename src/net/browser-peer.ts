/**
 * `BrowserPeer`: the peer of a person's browser, as the app uses it. Everything the app does
 * with its keys, its sites, its store and its relays is a method here, so the UI never holds the
 * peer's parts (`storage`, `naming`, the relay manager) and the same actions serve the command
 * line and a gateway. `createAlternetPeer` builds one.
 * @module
 */
import { rootSiteName } from '../core/names/index.ts'
import type {
  AlternetStorage,
  ImportOwnerKeyOptions,
  KeyFileInfo,
  KeyFileInput,
  OwnerKey,
  PublishedSite,
  StorageUsage,
} from '../storage/index.ts'
import { currentContent, type CurrentContent } from './hosting/current-content.ts'
import { adoptSites, knownSitesOf, ownSiteNames, type FoundSites } from './hosting/own-sites.ts'
import type { EncryptKeyFileOptions } from '../storage/index.ts'
import { checkAvailability, type Availability } from './naming/name-availability.ts'
import type { NamePublished, NamingService, ResolvedName, ResolveOptions } from './naming/index.ts'
import type { AlternetLibp2p, RelayManager, RevokerTrust } from './node/index.ts'
import { AlternetPeer } from './peer.ts'
import type { PeerParts } from './peer-parts.ts'
import { peerLive } from './live/peer-live.ts'
import type { LiveUpdates } from './live/live-updates.ts'

/** What `clearVisited` freed, and the site origins the app should wipe too. */
export interface ClearedVisits {
  /** Bytes of blocks deleted. */
  bytes: number
  /** Sites this browser may keep something for on their origins (not this device's own). */
  origins: string[]
}

/** The parts of a browser peer. */
export interface BrowserPeerParts extends PeerParts<
  AlternetLibp2p,
  AlternetStorage,
  NamingService
> {
  relays: RelayManager
  /** Close the store when the peer stops (it opened it). @default false */
  ownsStorage?: boolean
}

/** The peer of a browser page: a running `AlternetPeer` with the actions of the app. */
export class BrowserPeer extends AlternetPeer<AlternetLibp2p, AlternetStorage, NamingService> {
  /** The relay manager: the relays this peer keeps connections and reservations on. */
  declare readonly relays: RelayManager
  readonly #ownsStorage: boolean
  #live: Promise<LiveUpdates> | undefined
  /**
   * Starts live updates on the first publish when nothing started them yet (no site viewed), so
   * a site published here is watched from that moment; once started, `peerLive` watches each.
   */
  readonly #onPublished = (event: Event): void => {
    if (this.#live !== undefined) return
    const { site } = (event as CustomEvent<NamePublished>).detail
    void this.live()
      .then(async (live) => live.watch(site))
      .catch(() => undefined)
  }

  /** Use `createAlternetPeer`. */
  constructor(parts: BrowserPeerParts) {
    super(parts)
    this.#ownsStorage = parts.ownsStorage ?? false
    this.naming.addEventListener('published', this.#onPublished)
  }

  /** Resolves a site name to its record, with the chain of CNAMEs and any holder conflict. */
  override resolve(site: string, options?: ResolveOptions): Promise<ResolvedName> {
    return this.naming.resolve(site, options)
  }

  /** This device's owner key (made on first use). */
  ownerKey(): Promise<OwnerKey> {
    return this.storage.identity.getOrCreateOwnerKey()
  }

  /**
   * The owner key file, encrypted with `passphrase`; `options.sites` lists the key's names in it
   * (see `mySiteNames`). Throws `WeakPassphraseError`.
   */
  exportOwnerKey(passphrase: string, options?: EncryptKeyFileOptions): Promise<Uint8Array> {
    return this.storage.identity.exportOwnerKey(passphrase, options)
  }

  /** Names of the sites this device publishes with `owner`, most recently published first. */
  mySiteNames(owner: Uint8Array): Promise<string[]> {
    return ownSiteNames(this, owner)
  }

  /** Names whose record this device received earlier and whose holder is `owner`. */
  knownSitesOf(owner: Uint8Array): Promise<string[]> {
    return knownSitesOf(this, owner)
  }

  /**
   * Looks `names` up afresh and lists, as published from this device (not hosted), those whose
   * signed record `owner` holds: names follow an imported key.
   */
  adoptSites(owner: Uint8Array, names: readonly string[]): Promise<FoundSites> {
    return adoptSites(
      { storage: this.storage, resolve: (site, options) => this.resolve(site, options) },
      owner,
      names,
    )
  }

  /** Dials every relay not connected now, skipping the back-off; resolves to whether one is. */
  reconnectRelays(): Promise<boolean> {
    return this.relays.reconnect()
  }

  /** A key file's public key, read without its passphrase. Throws `DamagedKeyFileError`. */
  inspectKeyFile(file: KeyFileInput): Promise<KeyFileInfo> {
    return this.storage.identity.inspectKeyFile(file)
  }

  /**
   * Makes the key in `file` this device's owner key, and asks the browser to keep the store.
   * Throws `WrongPassphraseError`, `DamagedKeyFileError`, `OwnerKeyInUseError`,
   * `StorageFullError`; on any error nothing changes.
   */
  async importOwnerKey(
    file: KeyFileInput,
    passphrase: string,
    options?: ImportOwnerKeyOptions,
  ): Promise<OwnerKey> {
    const key = await this.storage.identity.importOwnerKey(file, passphrase, options)
    void this.keepStorage()
    return key
  }

  /**
   * Asks the browser not to evict the store under storage pressure (keys live there); call it
   * once the person has published or imported a key. Resolves to whether it was granted.
   */
  keepStorage(): Promise<boolean> {
    return this.storage.persist()
  }

  /** Room the store takes and has. */
  storageUsage(): Promise<StorageUsage> {
    return this.storage.usage()
  }

  /** The sites this device publishes. */
  mySites(): Promise<PublishedSite[]> {
    return this.storage.sites.listPublishedSites()
  }

  /** What a site this device publishes holds now (for the Update form). */
  currentContent(site: string): Promise<CurrentContent | undefined> {
    return currentContent({ storage: this.storage, fetch: (url) => this.fetch(url) }, site)
  }

  /** Whether `name:topic` is free, this device's, or held by another key. */
  nameAvailability(name: string, topic: string, signal: AbortSignal): Promise<Availability> {
    return checkAvailability(this, name, topic, signal)
  }

  /** Trusts `holder` as the owner of `site` from now on (a key change the person accepted). */
  acceptKeyChange(site: string, holder: Uint8Array): Promise<void> {
    return this.naming.acceptKeyChange(site, holder)
  }

  /** Every site under the root of `site` (the root and its subdomains) this browser may keep something for. */
  async sitesOfRoot(site: string): Promise<string[]> {
    const root = rootSiteName(site)
    const [hosted, visited, records] = await Promise.all([
      this.storage.blocks.listHostedSites(),
      this.storage.blocks.listVisitedSites(),
      this.storage.records.listCachedSites(),
    ])
    const sites = new Set<string>([root])
    for (const each of [...hosted.map((h) => h.site), ...visited.map((v) => v.site), ...records])
      if (rootSiteName(each) === root) sites.add(each)
    return [...sites]
  }

  /**
   * Every site whose origin this browser may have kept something on: `own` (published here)
   * and `others` (visited, resolved, pinned or hosted).
   */
  async knownSites(): Promise<{ own: string[]; others: string[] }> {
    const { blocks, records, pins, sites } = this.storage
    const [published, hosted, visited, cached, pinned] = await Promise.all([
      sites.listPublishedSites(),
      blocks.listHostedSites(),
      blocks.listVisitedSites(),
      records.listCachedSites(),
      pins.listPins(),
    ])
    const own = new Set(published.map((site) => site.site))
    const others = new Set<string>()
    for (const site of [
      ...hosted.map((h) => h.site),
      ...visited.map((v) => v.site),
      ...cached,
      ...pinned.map((p) => p.root),
    ])
      if (!own.has(site)) others.add(site)
    return { own: [...own], others: [...others] }
  }

  /**
   * Deletes the blocks kept from visited sites (not this device's own, which may be
   * mid-publication) and of sites hosted here that this device no longer publishes. Resolves
   * to the bytes freed and the site origins the app should wipe as well.
   */
  async clearVisited(): Promise<ClearedVisits> {
    const { own, others } = await this.knownSites()
    const mine = new Set(own)
    const ownHosted = new Set(
      (await this.storage.sites.listPublishedSites())
        .filter((site) => site.hosted)
        .map((site) => site.site),
    )
    const blocks = this.storage.blocks
    const visited = (await blocks.listVisitedSites())
      .map((v) => v.site)
      .filter((site) => !mine.has(site))
    // The sites helped are visited sites: their blocks go, so they are no longer served.
    this.helper.forget()
    let bytes = (await blocks.clearVisitedSites(visited)).bytes
    for (const hosted of await blocks.listHostedSites()) {
      if (ownHosted.has(hosted.site)) continue
      bytes += (await blocks.deleteSite(hosted.site)).bytes
    }
    return { bytes, origins: others }
  }

  /** Adds a relay by URL (its `/.well-known/alternet.json`) or multiaddr, dialled at once. */
  addRelay(entry: string): Promise<void> {
    return this.relays.add(entry)
  }

  /** Forgets a relay: no more dials. */
  removeRelay(entry: string): Promise<void> {
    return this.relays.remove(entry)
  }

  /** Each relay's revoker keys, and whether they count here. */
  revokerTrust(): RevokerTrust[] {
    return this.relays.revokerTrust()
  }

  /** Whose revokers may withdraw names here: the relays given (URLs or multiaddrs). */
  trustRevokersOf(sources: readonly string[] | undefined): void {
    this.relays.trustRevokersOf(sources)
  }

  /**
   * Live updates (GossipSub) of the sites open here and published from here: `record` and
   * `revocation` events (`LiveRecord`, `LiveRevocation`). Started with the first call.
   */
  live(): Promise<LiveUpdates> {
    this.#live ??= peerLive({
      libp2p: this.libp2p,
      storage: this.storage,
      naming: this.naming,
      relays: this.relays,
    })
    return this.#live
  }

  /** Watches `site` for new versions and revocations while it is open; call the result when it closes. */
  async watchSite(site: string): Promise<() => void> {
    const live = await this.live()
    await live.watch(site)
    return () => void live.unwatch(site)
  }

  /** The store's database name (to delete it once the peer is stopped). */
  get storageName(): string {
    return this.storage.name
  }

  /** Stops the peer, then closes the store when the peer opened it. */
  override async stop(): Promise<void> {
    this.naming.removeEventListener('published', this.#onPublished)
    await super.stop()
    if (this.#ownsStorage) this.storage.close()
  }
}
