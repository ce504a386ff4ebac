/**
 * Before a relay that held a site drops it for not being placed any more (a new version came
 * and relays closer to the site's key now count), it asks every relay placed for the site
 * whether it holds the current version, and has each that says so prove it: the relay asks it
 * over `/an/route/1.0.0`, as a visitor would, for the version's manifest and
 * `PLACEMENT_CHALLENGE_BLOCKS` of its blocks chosen at random, each verified. Any peer can
 * identify as a relay, stay connected and answer `complete`; a copy is never dropped on the
 * word of relays that do not serve the site. A relay that said `complete` and did not serve is
 * remembered (`LiveView.failed`) and left out of the live relays for `PLACEMENT_FAILED_MS`.
 * See docs/PROTOCOL.md, "Placement".
 * @module
 */
import { randomInt } from 'node:crypto'
import type { PeerId } from '@libp2p/interface'
import { CID } from 'multiformats/cid'
import { askMirror, manifestBlocks } from '@alternet/net/mirror'
import { createRouteClient } from '@alternet/net/route'
import {
  MIRROR_BLOCK_TIMEOUT_MS,
  MIRROR_STATUS_TIMEOUT_MS,
  PLACEMENT_CHALLENGE_BLOCKS,
} from './constants.ts'
import type { MirrorState } from './mirror-state.ts'
import type { LiveRelay } from './placement.ts'

/** At most `n` items of `items`, chosen at random. */
function pick<T>(items: readonly T[], n: number): T[] {
  const left = [...items]
  const out: T[] = []
  while (out.length < n && left.length > 0) out.push(left.splice(randomInt(left.length), 1)[0])
  return out
}

/**
 * Whether `peer` serves the version `root`: its manifest and `PLACEMENT_CHALLENGE_BLOCKS` of
 * its blocks chosen at random, each verified against its CID. Never throws.
 */
export async function servesVersion(
  state: MirrorState,
  peer: PeerId,
  root: string,
): Promise<boolean> {
  const client = createRouteClient(state.init.node, { responseTimeout: MIRROR_BLOCK_TIMEOUT_MS })
  const options = (): { signal: AbortSignal } => ({
    signal: AbortSignal.any([state.signal, AbortSignal.timeout(MIRROR_BLOCK_TIMEOUT_MS)]),
  })
  try {
    const manifest = await client.getManifest(peer, CID.parse(root), options())
    for (const block of pick(manifestBlocks(manifest), PLACEMENT_CHALLENGE_BLOCKS))
      await client.getBlock(peer, block.cid, options())
    return true
  } catch (err) {
    state.log.info('placed relay did not serve the version it says it holds', {
      peer: peer.toString(),
      root,
      error: err,
    })
    return false
  }
}

/**
 * Whether every relay of `placed` but this one answers that it holds `site` at `root`
 * completely and serves it when asked (`servesVersion`). A relay that answers `complete` and
 * does not serve is remembered as failing, in its address block as `live` gives it.
 */
export async function placedHold(
  state: MirrorState,
  site: string,
  root: string,
  placed: readonly PeerId[],
  live: readonly LiveRelay[],
): Promise<boolean> {
  const { node } = state.init
  const others = placed.filter((p) => !p.equals(node.peerId))
  const answers = await Promise.all(
    others.map(async (peer) => {
      try {
        const status = await askMirror(
          node,
          peer,
          site,
          AbortSignal.any([state.signal, AbortSignal.timeout(MIRROR_STATUS_TIMEOUT_MS)]),
        )
        if (status.state !== 'complete' || status.root !== root) return false
      } catch {
        return false
      }
      const served = await servesVersion(state, peer, root)
      state.metrics.placementChallenges.inc({ result: served ? 'served' : 'failed' })
      if (!served) {
        const block = live.find((r) => r.id.equals(peer))?.block ?? `peer:${peer.toString()}`
        state.view.failed.remember(peer.toString(), block)
      }
      return served
    }),
  )
  return answers.every(Boolean)
}
