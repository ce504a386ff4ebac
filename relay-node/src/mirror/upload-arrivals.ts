/**
 * An upload under way, as the rest of the mirror sees it: each block it is receiving can be
 * waited for (a hand-on forwards blocks as they arrive, instead of after the whole upload), and
 * its end can be waited for (a pull of the same root holds its fetches meanwhile).
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { SignedRecord } from '@alternet/core/records'
import type { BlockFiles } from './block-files.ts'

/** An upload this relay is receiving, once admitted. */
export interface Receiving {
  record: SignedRecord
  /** The record, serialized as sent. */
  value: Uint8Array
  manifest: Uint8Array
  /** The uploading peer. */
  from: PeerId
  /** Resolves when the upload ends: true when every block is on disk. */
  ended: Promise<boolean>
  /** A block of the site: waits until the upload wrote it; rejects when the upload fails. */
  block(cid: CID): Promise<Uint8Array | undefined>
}

interface Waiting {
  promise: Promise<void>
  resolve(): void
  reject(err: unknown): void
}

/** The blocks an upload still has to write, each with its waiters. */
export class UploadArrivals {
  private readonly waiting = new Map<string, Waiting>()
  private readonly files: BlockFiles
  private end: (stored: boolean) => void = () => undefined
  readonly ended: Promise<boolean>

  /** `missing`: the CIDs the upload asked the uploader for. */
  constructor(files: BlockFiles, missing: readonly CID[]) {
    this.files = files
    this.ended = new Promise((resolve) => (this.end = resolve))
    for (const cid of missing) {
      let resolve = (): void => undefined
      let reject: (err: unknown) => void = () => undefined
      const promise = new Promise<void>((res, rej) => {
        resolve = res
        reject = rej
      })
      // Nobody may be waiting for it: its failure is not unhandled.
      promise.catch(() => undefined)
      this.waiting.set(cid.toString(), { promise, resolve, reject })
    }
  }

  /** The block, once written (at once when it is not one the upload brings). */
  async block(cid: CID): Promise<Uint8Array | undefined> {
    await this.waiting.get(cid.toString())?.promise
    return this.files.get(cid)
  }

  /** `cid` is on disk. */
  written(cid: CID): void {
    this.waiting.get(cid.toString())?.resolve()
    this.waiting.delete(cid.toString())
  }

  /** The upload ended: blocks still awaited fail with `err` when it did not store the site. */
  finish(stored: boolean, err: unknown = new Error('The upload ended.')): void {
    for (const w of this.waiting.values()) w.reject(err)
    this.waiting.clear()
    this.end(stored)
  }
}
