/**
 * Serving mirrored sites over `/an/route/1.0.0`, as a browser host does: only blocks of sites
 * held completely and servable are given out.
 * @module
 */
import { CID } from 'multiformats/cid'
import { createRouteServer, type RouteServer } from '@alternet/net/route'
import { isServable, type MirrorState } from './mirror-state.ts'

/** Whether `cid` is a block of a servable site this relay holds. */
export function isServedBlock(state: MirrorState, cid: string): boolean {
  const users = state.disk.sitesOf(cid)
  if (users === undefined) return false
  for (const site of users) {
    const entry = state.disk.get(site)
    if (entry !== undefined && isServable(state, site, entry.root)) return true
  }
  return false
}

/** Reads a served block, counting it and noting when a site's root was last asked for. */
export async function readServedBlock(
  state: MirrorState,
  cid: CID,
): Promise<Uint8Array | undefined> {
  const key = cid.toString()
  if (!isServedBlock(state, key)) return undefined
  const bytes = await state.disk.blocks.get(key)
  if (bytes === undefined) return undefined
  state.metrics.blocksServed.inc()
  for (const site of state.disk.sitesOf(key) ?? []) {
    state.init.onServed?.(site, bytes.length)
    const entry = state.disk.get(site)
    if (entry !== undefined && entry.root === key) entry.lastRequested = Date.now()
  }
  return bytes
}

/** The route server of a mirror (started by `Mirror.start`). */
export function createMirrorRouteServer(state: MirrorState): RouteServer {
  return createRouteServer({
    getBlock: async (cid) => readServedBlock(state, cid),
    sites: () =>
      state.disk
        .sites()
        .filter((s) => isServable(state, s.site, s.root))
        .map((s) => ({ site: s.site, root: CID.parse(s.root) })),
    hostedBlock: async (cid) => isServedBlock(state, cid.toString()),
    runOnLimitedConnection: false,
  })
}
