/**
 * Messages between the page and the hashing worker. Errors cross the boundary as plain
 * objects on purpose and are rebuilt as typed errors on the page side.
 * @module
 */
import type { PreparedFile } from './site-files.ts'
import type { HashProgress } from './hash-files.ts'

/** A block on the wire: the CID's binary form and the bytes (their buffer is transferred). */
export interface WireBlock {
  cid: Uint8Array
  bytes: Uint8Array
}

/** An error as a plain object. */
export interface WireError {
  name: string
  message: string
  reason?: string
}

/** Page → worker. */
export type ToWorker =
  { type: 'hash'; files: PreparedFile[]; batchBytes?: number } | { type: 'stored'; id: number }

/** Worker → page. */
export type FromWorker =
  | { type: 'batch'; id: number; blocks: WireBlock[] }
  | { type: 'progress'; progress: HashProgress }
  | { type: 'done'; cid: Uint8Array; bytes: Uint8Array }
  | { type: 'error'; error: WireError }

/** An error as a plain object that survives `postMessage`. */
export function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    const out: WireError = { name: error.name, message: error.message }
    const reason = (error as { reason?: unknown }).reason
    if (typeof reason === 'string') out.reason = reason
    return out
  }
  return { name: 'Error', message: String(error) }
}
