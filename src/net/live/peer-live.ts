/**
 * `peerLive`: live updates for a running peer (browser or Node): its `LiveUpdates` over the
 * node's GossipSub, judging with the registrars and revokers its relays (or its settings) name,
 * watching every site this device publishes (so another device's newer version is adopted
 * rather than signed over) and sending each record the naming service republishes.
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
  /** The naming service: its `republished` events are sent live. */
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
  init.naming?.addEventListener('republished', (event) => {
    const { record } = (event as CustomEvent<{ record: SignedRecord }>).detail
    void live.publishRecord(record).catch(() => undefined)
  })
  const own = await init.storage.sites.listPublishedSites().catch(() => [])
  await Promise.all(own.map(async (site) => live.watch(site.site)))
  return live
}
