/**
 * A site uploaded whole (every block verified and on disk) becomes a complete mirrored site,
 * pinned here whatever the placement.
 * @module
 */
import type { CID } from 'multiformats/cid'
import { toHex } from '@alternet/core/bytes'
import type { SignedRecord } from '@alternet/core/records'
import { provide } from './announce.ts'
import type { MirrorState } from './mirror-state.ts'

/**
 * Records an uploaded site as complete and pinned, and announces this relay as a provider of
 * its content root.
 */
export async function adoptUploaded(
  state: MirrorState,
  site: string,
  record: SignedRecord,
  value: Uint8Array,
  blocks: string[],
): Promise<void> {
  const { disk } = state
  const sizes = new Map<string, number>()
  for (const cid of blocks) sizes.set(cid, (await disk.blocks.size(cid)) ?? 0)
  const previous = disk.get(site)
  const root = record.body.content as CID
  await disk.commit(
    {
      site,
      root: root.toString(),
      record: Buffer.from(value).toString('base64'),
      owner: toHex(record.holder),
      blocks,
      bytes: [...sizes.values()].reduce((a, b) => a + b, 0),
      storedAt: Date.now(),
      lastRequested: previous?.lastRequested ?? Date.now(),
      pinned: true,
    },
    sizes,
  )
  state.refusals.delete(site)
  state.metrics.completed.inc()
  state.log.info('site uploaded', { site, root: root.toString(), blocks: blocks.length })
  void provide(state, root)
}
