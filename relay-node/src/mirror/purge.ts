/**
 * Purging: a mirrored site whose name is revoked or whose content is blocked is deleted at
 * once (and `consider` never fetches it again). Purges run one after another, so a revocation
 * and a record arriving together delete (and count) a site once.
 * @module
 */
import { isServable, type MirrorState } from './mirror-state.ts'

/** The purge under way or last run, per mirror. */
const running = new WeakMap<MirrorState, Promise<number>>()

async function purgeOnce(state: MirrorState): Promise<number> {
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

/** Deletes every mirrored site that may no longer be served; returns how many. */
export function purgeUnservable(state: MirrorState): Promise<number> {
  const previous = running.get(state) ?? Promise.resolve(0)
  const next = previous.catch(() => 0).then(() => purgeOnce(state))
  running.set(state, next)
  return next
}
