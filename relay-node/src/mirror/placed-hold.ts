/**
 * Before a relay that held a site drops it for not being placed any more (a new version came
 * and relays closer to the site's key now count), it asks every relay placed for the site
 * whether it holds the current version. Any peer can identify as a relay and stay connected;
 * a copy is never dropped on the word of relays that do not hold the site. See
 * docs/PROTOCOL.md, "Placement".
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import { askMirror } from '@alternet/net/mirror'
import { MIRROR_STATUS_TIMEOUT_MS } from './constants.ts'
import type { MirrorState } from './mirror-state.ts'

/** Whether every relay of `placed` but this one answers that it holds `site` at `root` completely. */
export async function placedHold(
  state: MirrorState,
  site: string,
  root: string,
  placed: readonly PeerId[],
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
        return status.state === 'complete' && status.root === root
      } catch {
        return false
      }
    }),
  )
  return answers.every(Boolean)
}
