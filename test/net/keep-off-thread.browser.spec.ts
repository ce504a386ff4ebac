/**
 * Keeping visited sites' blocks from a worker: the batch reaches the page's IndexedDB through
 * the keeping worker (not the page's own fallback), the page's bytes stay readable after the
 * hand-over, and a failing write comes back as a typed error.
 */
import { rawCid } from '../../src/core/content/index.ts'
import { keepOffThread } from '../../src/net/fetch/keep-off-thread.ts'
import type { Block } from '../../src/storage/index.ts'
import { openAlternetStorage } from '../../src/storage/index.ts'
import * as assert from '../support/assert.ts'
import { afterEach, describe, it } from '../support/spec.ts'
import { bytesOf, freshStorage } from '../storage/helpers.ts'

const CHUNK = 262_144

async function blocks(count: number, seed: number): Promise<Block[]> {
  const out: Block[] = []
  for (let i = 0; i < count; i++) {
    const bytes = bytesOf(CHUNK, seed + i)
    out.push({ cid: await rawCid(bytes), bytes })
  }
  return out
}

describe('keeping blocks off the main thread', () => {
  const opened: Array<{ cleanup(): Promise<void> }> = []
  afterEach(async () => {
    while (opened.length > 0) await opened.pop()!.cleanup()
  })

  it('writes a batch from the worker into the page database, and the page keeps its bytes', async () => {
    const storage = freshStorage('keep-worker')
    opened.push(storage)
    let onThisThread = 0
    const keep = keepOffThread(storage.name, async (site, batch) => {
      onThisThread++
      await storage.blocks.putBlocks(site, batch, { verified: true })
    })
    const batch = await blocks(4, 1)
    await keep('visited:code', batch)
    assert.equal(onThisThread, 0, 'no batch was written on the page thread')
    // The page's arrays were copied, not handed over: still whole.
    assert.equal(batch[0].bytes.length, CHUNK)
    assert.deepEqual(batch[3].bytes, bytesOf(CHUNK, 4))
    const reopened = openAlternetStorage({ name: storage.name })
    const stored = await reopened.blocks.getBlocks(batch.map((b) => b.cid))
    reopened.close()
    for (const [i, bytes] of stored.entries()) assert.deepEqual(bytes, batch[i].bytes)
    assert.deepEqual(
      (await storage.blocks.siteBlocks('visited:code')).map(String).sort(),
      batch.map((b) => b.cid.toString()).sort(),
    )
  })

  it('reports a write the worker could not make as KeepWorkerError', async () => {
    const storage = freshStorage('keep-worker-bad')
    opened.push(storage)
    const keep = keepOffThread(storage.name, () => Promise.resolve())
    const [block] = await blocks(1, 9)
    await assert.rejects(keep('not a site name!', [block]), 'KeepWorkerError')
  })
})
