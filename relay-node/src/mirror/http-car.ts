/**
 * One CAR v1 answer of mirrored blocks (`GET /ipfs/?format=car&cids=…`, `http-blocks.ts`),
 * written with backpressure at the route protocol's pace (`Pace`): each wait for the reader to
 * take bytes lasts at most the write timeout, and all of them together at most a grace plus the
 * bytes taken so far at the minimum throughput. A reader that falls behind that has its answer
 * ended (its client sees a CAR cut inside a block), so a slow reader holds blocks in memory only
 * for a bounded time: the one going out and the next, read from disk meanwhile. See docs/PROTOCOL.md, "Blocks over HTTP".
 * @module
 */
import type { ServerResponse } from 'node:http'
import * as dagCbor from '@ipld/dag-cbor'
import type { CID } from 'multiformats/cid'
import { varint } from 'multiformats'
import { Pace, RequestTimeoutError } from '@alternet/net/route'

/** What a CAR is written with. */
export interface CarWriterInit {
  /** The block's bytes when the mirror serves it, else undefined (left out of the CAR). */
  read(cid: CID): Promise<Uint8Array | undefined>
  /** Longest single wait for the reader to take bytes, in ms. */
  writeTimeout: number
  /** Each block listed: written (true) or not served (false). */
  onBlock(served: boolean): void
  /** The reader did not take bytes in time: the answer was ended. */
  onSlow(): void
}

/** An unsigned varint of `n`. */
function lengthPrefix(n: number): Uint8Array {
  const prefix = new Uint8Array(varint.encodingLength(n))
  varint.encodeTo(n, prefix)
  return prefix
}

/** Until `res` can take more; rejects when it closes first or `signal` aborts. */
function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: unknown): void => {
      res.off('drain', onDrain)
      res.off('close', onClose)
      signal.removeEventListener('abort', onAbort)
      if (error === undefined) resolve()
      else reject(error)
    }
    const onDrain = (): void => settle()
    const onClose = (): void => settle(new Error('The reader went away.'))
    const onAbort = (): void => settle(signal.reason)
    if (signal.aborted) return settle(signal.reason)
    if (res.destroyed) return settle(new Error('The reader went away.'))
    res.once('drain', onDrain)
    res.once('close', onClose)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** A read that is awaited later: its failure is held, not left unhandled meanwhile. */
type Settled<T> = Promise<{ value: T } | { error: unknown }>

function settled<T>(read: Promise<T>): Settled<T> {
  return read.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
}

async function unwrap<T>(read: Settled<T> | undefined): Promise<T> {
  const result = await read!
  if ('error' in result) throw result.error
  return result.value
}

/** Writes the CAR of `listed` (its header, then each block served) on `res`, and ends it. */
export async function writeCar(
  res: ServerResponse,
  listed: readonly CID[],
  init: CarWriterInit,
): Promise<void> {
  const pace = new Pace()
  const gone = new AbortController()
  const onClose = (): void => gone.abort(new Error('The reader went away.'))
  res.once('close', onClose)
  let handed = 0
  const send = async (bytes: Uint8Array): Promise<void> => {
    handed += bytes.length
    if (res.write(bytes)) return
    await pace.wait(handed - res.writableLength, init.writeTimeout, gone.signal, (timed) =>
      drained(res, timed),
    )
  }
  try {
    // CAR v1: the header (its root is the first block listed), then each block as
    // varint(length of CID + bytes), CID, bytes. A block not served is left out.
    const header = dagCbor.encode({ roots: [listed[0]], version: 1 })
    res.write(lengthPrefix(header.length))
    res.write(header)
    // The next block is read from disk while the one before goes out: at most two held at once.
    const readAt = (at: number): Settled<Uint8Array | undefined> | undefined =>
      at < listed.length ? settled(init.read(listed[at])) : undefined
    let next = readAt(0)
    for (let at = 0; at < listed.length; at++) {
      const bytes = await unwrap(next)
      next = readAt(at + 1)
      if (res.destroyed) return
      init.onBlock(bytes !== undefined)
      if (bytes === undefined) continue
      const cid = listed[at]
      res.write(lengthPrefix(cid.bytes.length + bytes.length))
      res.write(cid.bytes)
      await send(bytes)
    }
    res.end()
  } catch (error) {
    if (error instanceof RequestTimeoutError) init.onSlow()
    res.destroy()
  } finally {
    res.off('close', onClose)
  }
}
