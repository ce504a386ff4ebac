/**
 * A site a tab uploaded to a relay goes on to the site's other placed relays at once, over the
 * same `/an/mirror-upload/1.0.0` a tab uses (each placed relay asks only for what it lacks), so
 * the tab sends each byte once and the relays copy among themselves. A relay that is not one of
 * the placed mirrors took the blocks (each verified) as a staging copy, and deletes it after;
 * a placed relay keeps its copy. A tab whose connected relays are all outside the site's
 * placement thus still puts its site on R mirrors in one upload. See docs/PROTOCOL.md, "Upload".
 * @module
 */
import type { CID } from 'multiformats/cid'
import { decodeManifest } from '@alternet/core/content'
import { dhtKey, type SignedRecord } from '@alternet/core/records'
import { manifestBlocks, uploadSite } from '@alternet/net/mirror'
import { HAND_ON_TIMEOUT_MS } from './constants.ts'
import type { MirrorState } from './mirror-state.ts'
import { placedRelays, type LiveRelay } from './placement.ts'

/** How a hand-on ended, per placed relay (peer ID → `stored`, a refusal reason, or `failed`). */
export type HandOnResult = Record<string, string>

/** Options of `handOn`. */
export interface HandOnOptions {
  /** This relay is placed too and keeps its copy (else the staging copy is deleted after). */
  keep?: boolean
  /** Reads a block (an upload still under way gives each once written). @default the disk */
  block?(cid: CID): Promise<Uint8Array | undefined>
}

/**
 * Pushes `record`'s site (its `manifest` given) to the placed relays among `live` other than
 * this one, then releases the staging copy unless `keep`. Never throws.
 */
export async function handOn(
  state: MirrorState,
  record: SignedRecord,
  manifest: Uint8Array,
  live: readonly LiveRelay[],
  options: HandOnOptions = {},
): Promise<HandOnResult> {
  const keep = options.keep === true
  const read = options.block ?? ((cid: CID) => state.disk.blocks.get(cid))
  const { node } = state.init
  const site = record.body.name
  const root = record.body.content
  const out: HandOnResult = {}
  const cids: string[] = []
  try {
    if (root === undefined) return out
    for (const b of manifestBlocks(await decodeManifest(manifest, root)))
      cids.push(b.cid.toString())
    const placed = placedRelays(await dhtKey(site), live, state.init.replicas).filter(
      (p) => !p.equals(node.peerId),
    )
    const signal = AbortSignal.any([state.signal, AbortSignal.timeout(HAND_ON_TIMEOUT_MS)])
    await Promise.all(
      placed.map(async (peer) => {
        try {
          const result = await uploadSite(node, peer, {
            record,
            signal,
            getBlock: async (cid) => (cid.equals(root) ? manifest : await read(cid)),
          })
          out[peer.toString()] = result.reason ?? result.state
        } catch (err) {
          out[peer.toString()] = 'failed'
          state.log.debug('site not handed on', { site, peer: peer.toString(), error: err })
        }
      }),
    )
    state.log.info('site handed on to its mirrors', { site, mirrors: out, kept: keep })
  } catch (err) {
    state.log.warn('site not handed on', { site, error: err })
  } finally {
    // Only the staging copy goes: blocks a complete site here also uses stay.
    if (!keep) await state.disk.abandonPending(site, cids).catch(() => undefined)
  }
  return out
}
