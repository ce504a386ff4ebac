/**
 * Helpers for the storage specs: a fresh database name per test, and sites built from files.
 * @module
 */
import { afterEach } from '../support/spec.ts'
import { addFiles, type SiteFile } from '../../src/core/content/index.ts'
import type { Block } from '../../src/storage/index.ts'
import {
  deleteAlternetStorage,
  openAlternetStorage,
  type AlternetStorage,
  type OpenAlternetStorageOptions,
} from '../../src/storage/index.ts'
import type { CID } from 'multiformats/cid'

let counter = 0
const run = Math.random().toString(36).slice(2, 8)

/** A database name no other test uses. */
export function freshName(label: string): string {
  return `test-${label}-${run}-${counter++}`
}

/** A store on a fresh database; `cleanup` closes and deletes it. */
export function freshStorage(
  label: string,
  options: OpenAlternetStorageOptions = {},
): AlternetStorage & { cleanup(): Promise<void> } {
  const storage = openAlternetStorage({ ...options, name: options.name ?? freshName(label) })
  return Object.assign(storage, {
    async cleanup() {
      storage.close()
      await deleteAlternetStorage(storage.name, options.indexedDB)
    },
  })
}

/**
 * For a `describe` block: returns a function that opens a fresh storage per call, and deletes
 * every storage it opened after each test.
 */
export function freshStorages(): (label: string) => AlternetStorage & { cleanup(): Promise<void> } {
  const opened: Array<{ cleanup(): Promise<void> }> = []
  afterEach(async () => {
    while (opened.length > 0) await opened.pop()!.cleanup()
  })
  return (label) => {
    const storage = freshStorage(label)
    opened.push(storage)
    return storage
  }
}

/** Deterministic, incompressible bytes of `length` (xorshift32), different for each `seed`. */
export function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = Math.imul(seed + 1, 2654435761) | 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x >>> 24
  }
  return out
}

/** A site: its manifest CID, the manifest block and every chunk block. */
export interface BuiltSite {
  root: CID
  manifest: Block
  chunks: Block[]
  /** Manifest and chunks. */
  blocks: Block[]
}

/** Chunks `files` into a site. */
export async function buildSite(files: SiteFile[]): Promise<BuiltSite> {
  const chunks: Block[] = []
  const seen = new Set<string>()
  const { cid, bytes } = await addFiles(files, {
    onBlock: (cid, bytes) => {
      if (seen.has(cid.toString())) return
      seen.add(cid.toString())
      chunks.push({ cid, bytes })
    },
  })
  const manifest = { cid, bytes }
  return { root: cid, manifest, chunks, blocks: [manifest, ...chunks] }
}
