/**
 * What the route specs with hand-written hosts share: a site's blocks in memory served by an
 * honest route server, and the request a hostile `/an/route/1.0.0` handler was sent.
 * @module
 */
import type { Libp2p, Stream } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { addFiles, type Manifest, type SiteFile } from '../../src/core/content/index.ts'
import {
  createRouteServer,
  decodeRequest,
  type RouteServer,
  type RouteServerInit,
} from '../../src/net/route/index.ts'

/** A site's blocks by CID string (its manifest's too), its root and its manifest. */
export interface SiteBlocks {
  blocks: Map<string, Uint8Array>
  root: CID
  manifest: Manifest
}

/** Adds `files` as a site and keeps every block in memory. */
export async function siteBlocks(files: Iterable<SiteFile>): Promise<SiteBlocks> {
  const blocks = new Map<string, Uint8Array>()
  const site = await addFiles(files, {
    onBlock: (cid, bytes) => void blocks.set(cid.toString(), bytes),
  })
  blocks.set(site.cid.toString(), site.bytes)
  return { blocks, root: site.cid, manifest: site.manifest }
}

/**
 * Starts an honest route server on `node` that serves `site`'s blocks under the name `name`,
 * with the rest of `init`.
 */
export async function serveSite(
  node: Libp2p,
  name: string,
  site: SiteBlocks,
  init: Omit<RouteServerInit, 'getBlock' | 'sites'> = {},
): Promise<RouteServer> {
  const server = createRouteServer({
    getBlock: async (cid) => site.blocks.get(cid.toString()),
    sites: () => [{ site: name, root: site.root }],
    ...init,
  })
  await server.start(node)
  return server
}

/** The request a visitor sent on `stream` (one length-prefixed frame). */
export async function requestOf(stream: Stream): Promise<ReturnType<typeof decodeRequest>> {
  const frame = await new Promise<Uint8Array>((resolve) =>
    stream.addEventListener('message', (evt) => resolve(evt.data.subarray()), { once: true }),
  )
  let length = 0
  let shift = 0
  let at = 0
  for (;;) {
    const byte = frame[at++]
    length += (byte & 0x7f) * 2 ** shift
    shift += 7
    if ((byte & 0x80) === 0) break
  }
  return decodeRequest(frame.subarray(at, at + length))
}
