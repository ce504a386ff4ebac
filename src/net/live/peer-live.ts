/**
 * `peerLive`: live updates for a running peer (browser or Node): its `LiveUpdates` over the
 * node's GossipSub, judging with the registrars and revokers its relays (or its settings) name,
 * watching every site this device publishes (so another device's newer version is adopted
 * rather than signed over), from the start or from the moment a site is first published in this
 * session, and sending each record the naming service publishes or republishes.
 * @module
 */
import type { SignedRecord } from '../../core/records/index.ts'
import type { AlternetStorage } from '../../storage/index.ts'
import type { AlternetLibp2p } from '../node/index.ts'
import { LiveUpdates } from './live-updates.ts'

/** What `peerLive` needs. */
export interface PeerLiveInit {
  libp2p: Pick<AlternetLibp2p, 'services' | 'peerId'>
  storage: Pick<AlternetStorage, 'records' | 'sites'>
  /** The naming service: its `published` sites are watched, its `published` and `republished` records sent live. */
  naming?: EventTarget
  /** The relay manager: registrars and revokers its relays trust. */
  relays?: { trustedRegistrars(): readonly Uint8Array[]; trustedRevokers(): readonly Uint8Array[] }
  /** Registrar keys given in the settings (they win over the relays'). @default [] */
  trustedRegistrars?: readonly Uint8Array[]
}

/** Starts live updates for a peer; resolves once its own sites are watched. */
export async function peerLive(init: PeerLiveInit): Promise<LiveUpdates> {
  const configured = init.trustedRegistrars ?? []
  const live = new LiveUpdates({
    gossip: init.libp2p.services.live,
    storage: init.storage,
    trustedRegistrars: () =>
      configured.length > 0 ? configured : (init.relays?.trustedRegistrars() ?? []),
    trustedRevokers: () => init.relays?.trustedRevokers() ?? [],
    selfId: init.libp2p.peerId.toMultihash().bytes,
  })
  // Each own site is watched once, however often it is published again.
  const own = new Set<string>()
  const watchOwn = async (site: string): Promise<void> => {
    if (own.has(site)) return
    own.add(site)
    await live.watch(site)
  }
  const send = (event: Event): void => {
    const { record } = (event as CustomEvent<{ record: SignedRecord }>).detail
    void live.publishRecord(record).catch(() => undefined)
  }
  init.naming?.addEventListener('republished', send)
  // A site published in this session is watched at once, not only from the next start.
  init.naming?.addEventListener('published', (event) => {
    const { site } = (event as CustomEvent<{ site: string }>).detail
    void watchOwn(site)
      .then(() => send(event))
      .catch(() => undefined)
  })
  const published = await init.storage.sites.listPublishedSites().catch(() => [])
  await Promise.all(published.map(async (site) => watchOwn(site.site)))
  return live
}
