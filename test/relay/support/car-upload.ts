/**
 * Sites packed for the registrar API's publish endpoint: a CAR v1 (written with `@ipld/car`)
 * whose root is the signed record, then the manifest, then the blocks (`src/node/api/site-car.ts`).
 * @module
 */
import type { CID } from 'multiformats/cid'
import { addFiles, type EncodedManifest } from '../../../src/core/content/index.ts'
import { siteCarBytes } from '../../../src/node/api/site-car.ts'

/** A site's manifest and blocks, in memory. */
export interface PackedSite {
  manifest: EncodedManifest
  blocks: Array<{ cid: CID; bytes: Uint8Array }>
}

/** Chunks `files` into a manifest and blocks. */
export async function packSite(files: Record<string, Uint8Array>): Promise<PackedSite> {
  const blocks: PackedSite['blocks'] = []
  const manifest = await addFiles(
    Object.entries(files).map(([path, content]) => ({ path, content })),
    { onBlock: (cid, bytes) => void blocks.push({ cid, bytes }) },
  )
  return { manifest, blocks }
}

/** A CAR of `record`, then `site`'s manifest, then `blocks` (default: all of the site's). */
export function carOf(
  record: Uint8Array,
  site: PackedSite,
  blocks = site.blocks,
): Promise<Uint8Array> {
  return siteCarBytes(record, site.manifest, blocks)
}
