/**
 * Byte-identical reads, end to end: what a site's frame fetched, file by file (SHA-256 in hex,
 * size and status, read through its service worker), and the same digest in Node for the files
 * published.
 * @module
 */
import { createHash } from 'node:crypto'
import type { Frame } from 'playwright-core'

/** What a frame read of one file. */
export interface FileRead {
  sha256: string
  size: number
  status: number
}

/** SHA-256 of `bytes`, in hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Reads every file of `paths` inside the site frame (through its service worker), in turn. */
export async function readFiles(frame: Frame, paths: string[]): Promise<Record<string, FileRead>> {
  return frame.evaluate(async (list) => {
    const out: Record<string, { sha256: string; size: number; status: number }> = {}
    for (const path of list) {
      const response = await fetch(`/${path}`, { cache: 'no-store' })
      const bytes = await response.arrayBuffer()
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
      out[path] = {
        sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''),
        size: bytes.byteLength,
        status: response.status,
      }
    }
    return out
  }, paths)
}
