/**
 * Reading a file's chunks a segment at a time: one store call per segment, in order, the next
 * segment asked while the current one is handed out, each chunk handed out once its own read is
 * done, and a missing chunk's own error.
 */
import { rawCid, readVerified, type FileEntry } from '../../src/core/content/index.ts'
import type { CID } from 'multiformats/cid'
import { segmentReader } from '../../src/net/route/segment-reader.ts'
import { deepEqual, equal, rejects } from '../support/assert.ts'
import { describe, it } from '../support/spec.ts'

const CHUNK = 262_144

async function file(
  chunks: number,
): Promise<{ entry: FileEntry; blocks: Map<string, Uint8Array> }> {
  const blocks = new Map<string, Uint8Array>()
  const cids: CID[] = []
  for (let i = 0; i < chunks; i++) {
    const bytes = new Uint8Array(CHUNK).fill(i + 1)
    const cid = await rawCid(bytes)
    blocks.set(cid.toString(), bytes)
    cids.push(cid)
  }
  return { entry: { size: chunks * CHUNK, type: 'application/octet-stream', chunks: cids }, blocks }
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<number[]> {
  const firsts: number[] = []
  for await (const part of stream) firsts.push(part[0])
  return firsts
}

class MissingError extends Error {
  override name = 'MissingError'
}

describe('segment reader', () => {
  it('reads a file in segments, one store call each, in order', async () => {
    const { entry, blocks } = await file(10)
    const calls: number[] = []
    const read = segmentReader(
      entry,
      (cids) => {
        calls.push(cids.length)
        return cids.map(async (cid) => blocks.get(cid.toString()))
      },
      () => new MissingError('missing'),
      4,
    )
    deepEqual(await readAll(readVerified(entry, read)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    deepEqual(calls, [4, 4, 2])
  })

  it('hands a chunk out once its own read is done, while the rest of its segment is read', async () => {
    const { entry, blocks } = await file(4)
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const read = segmentReader(
      entry,
      (cids) =>
        cids.map(async (cid, i) => {
          if (i > 0) await gate
          return blocks.get(cid.toString())
        }),
      () => new MissingError('missing'),
      4,
    )
    const reader = readVerified(entry, read).getReader()
    const first = await Promise.race([
      reader.read().then((r) => r.value?.[0]),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2000)),
    ])
    equal(first, 1, 'the first chunk came before the others were read')
    release()
    const rest: number[] = []
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest.push(r.value[0])
    deepEqual(rest, [2, 3, 4])
  })

  it('fails with the given error when the store lacks a chunk', async () => {
    const { entry, blocks } = await file(6)
    blocks.delete(entry.chunks[5].toString())
    const read = segmentReader(
      entry,
      (cids) => cids.map(async (cid) => blocks.get(cid.toString())),
      (cid) => new MissingError(`no ${cid}`),
      4,
    )
    await rejects(readAll(readVerified(entry, read)), 'MissingError')
    equal(blocks.size, 5)
  })
})
