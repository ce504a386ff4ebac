/**
 * Which relays are alive and mirror: the peers identified as mirrors (they also take uploads;
 * browsers that help host answer the mirror protocol as `visitor` and are left out) and the DHT servers of the
 * routing table (relays whose protocols are not known until asked), each confirmed by an open
 * connection (identified mirrors) or by answering `/an/mirror/1.0.0`. A relay whose last
 * connection just closed is left out unasked (it is asked in the background, and counted again
 * once it connects).
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import { askMirror } from '@alternet/net/mirror'
import type { RelayNode } from '../node.ts'
import {
  MAX_PLACEMENT_CANDIDATES,
  MIRROR_GONE_MS,
  MIRROR_PROTOCOL,
  MIRROR_STATUS_TIMEOUT_MS,
  MIRROR_UPLOAD_PROTOCOL,
} from './constants.ts'
import type { GoneRelays } from './gone-relays.ts'

/**
 * The other relays that mirror and answer now (this relay left out). `identified`: the peers
 * whose own identify advertised taking uploads; only they count as live on an open connection
 * alone (the peer store also lists a tab that opened an upload stream as speaking it). `gone`:
 * the relays whose last connection closed, with the time (see `MirrorState.gone`).
 */
export async function probeLiveRelays(
  node: RelayNode,
  identified: ReadonlyMap<string, string>,
  gone: GoneRelays,
  signal: AbortSignal,
): Promise<PeerId[]> {
  // Relays this one knows: peers identified as mirrors, and the DHT servers of its routing
  // table (relays not connected yet, whose protocols are not known until asked).
  const known = new Map<string, { id: PeerId; mirror: boolean }>()
  // A browser that helps host what it visits also answers the mirror protocol, but takes no
  // uploads: it is no relay, and counting it would give each relay another placement.
  const visitors = new Set<string>()
  for (const p of await node.peerStore.all()) {
    if (!p.protocols.includes(MIRROR_PROTOCOL)) continue
    if (p.protocols.includes(MIRROR_UPLOAD_PROTOCOL))
      known.set(p.id.toString(), { id: p.id, mirror: true })
    else visitors.add(p.id.toString())
  }
  const table = (
    node.services.dht as unknown as {
      routingTable?: { closestPeers(id: Uint8Array, o: { count: number }): PeerId[] }
    }
  ).routingTable
  for (const id of table?.closestPeers(new Uint8Array(32), { count: MAX_PLACEMENT_CANDIDATES }) ??
    [])
    if (!known.has(id.toString()) && !visitors.has(id.toString()))
      known.set(id.toString(), { id, mirror: false })
  known.delete(node.peerId.toString())
  const candidates = [...known.values()].slice(0, MAX_PLACEMENT_CANDIDATES)
  const answers = await Promise.all(
    candidates.map(async ({ id, mirror }) => {
      const open = node.getConnections(id).some((c) => c.status === 'open' && c.limits == null)
      if (open && mirror && identified.has(id.toString())) return id
      const left = gone.since(id.toString())
      if (left !== undefined && (open || Date.now() - left >= MIRROR_GONE_MS))
        gone.delete(id.toString())
      else if (left !== undefined) {
        // Asked in the background: a relay that answers connects, and is counted again then.
        void askMirror(
          node,
          id,
          '',
          AbortSignal.any([signal, AbortSignal.timeout(MIRROR_STATUS_TIMEOUT_MS)]),
        ).catch(() => undefined)
        return undefined
      }
      try {
        const answer = await askMirror(
          node,
          id,
          '',
          AbortSignal.any([signal, AbortSignal.timeout(MIRROR_STATUS_TIMEOUT_MS)]),
        )
        return answer.kind === 'visitor' ? undefined : id
      } catch {
        return undefined
      }
    }),
  )
  return answers.filter((p): p is PeerId => p !== undefined)
}
