/**
 * Purging: a mirrored site whose name is revoked or whose content is blocked is deleted at
 * once (and `consider` never fetches it again).
 * @module
 */
import { isServable, type MirrorState } from './mirror-state.ts'

/** Deletes every mirrored site that may no longer be served; returns how many. */
export async function purgeUnservable(state: MirrorState): Promise<number> {
  let purged = 0
  for (const entry of state.disk.sites()) {
    if (isServable(state, entry.site, entry.root)) continue
    await state.disk.drop(entry.site)
    state.metrics.purged.inc()
    purged++
    state.log.info('mirrored site purged', { site: entry.site, root: entry.root })
  }
  return purged
}
