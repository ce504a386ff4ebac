/**
 * Core benchmark: records signed, verified and validated per second, and chunk-and-hash
 * throughput, each beside the raw WebCrypto rate measured in the same run as the ceiling.
 * Runs in Node and in Chromium (`browser = true`).
 * @module
 */
import { generateKeyPair, verify } from '../src/core/crypto/ed25519.ts'
import { concat, fromHex } from '../src/core/bytes.ts'
import { createRecord, decodeRecord, dhtKey, recordSigningBytes, validateRecord } from '../src/core/records/index.ts'
import { CHUNK_SIZE, chunkFile } from '../src/core/content/index.ts'
import type { BenchPart, BenchRow } from './types.ts'

/** This part also runs in Chromium. */
export const browser = true

/** How long each rate is measured, after a warm-up of a tenth of it. */
const MEASURE_MS = 1500
/** Bytes pushed through the chunker in one pass of the throughput figure. */
const CHUNK_BENCH_BYTES = 16 * 1024 * 1024
/** Size of the pieces the chunker is fed (as a file stream would deliver them). */
const SOURCE_PIECE = 64 * 1024

const PKCS8_PREFIX = fromHex('302e020100300506032b657004220420')
const runtime = typeof (globalThis as { window?: unknown }).window === 'undefined' ? 'node' : 'chromium'

/** Operations per second of `op`, run back to back for MEASURE_MS. */
async function rate(op: (i: number) => Promise<unknown>): Promise<number> {
  const warmUntil = performance.now() + MEASURE_MS / 10
  let i = 0
  while (performance.now() < warmUntil) await op(i++)
  const start = performance.now()
  let n = 0
  while (performance.now() - start < MEASURE_MS) await op(n++)
  return n / ((performance.now() - start) / 1000)
}

async function* pattern(total: number): AsyncGenerator<Uint8Array> {
  const piece = new Uint8Array(SOURCE_PIECE)
  for (let i = 0; i < piece.length; i++) piece[i] = (i * 31 + 7) & 0xff
  for (let sent = 0; sent < total; sent += piece.length) yield piece.subarray(0, Math.min(piece.length, total - sent))
}

export const run: BenchPart = async (report) => {
  const row = (r: Omit<BenchRow, 'part' | 'runtime'>): void => report({ part: 'core', runtime, ...r })
  const subtle = globalThis.crypto.subtle
  const pair = generateKeyPair()
  const now = Date.now()
  const name = 'mysite:code'
  const key = await dhtKey(name)
  const sample = await createRecord({ type: 'root', name, seq: 1, created: now, meta: { title: 'A benchmark site' } }, pair)
  const signedBytes = recordSigningBytes(sample.bodyBytes)

  // Ceiling: raw WebCrypto Ed25519 over the same bytes a record signature covers.
  const privateKey = await subtle.importKey('pkcs8', concat([PKCS8_PREFIX, pair.seed]) as BufferSource, { name: 'Ed25519' }, false, ['sign'])
  const publicKey = await subtle.importKey('raw', pair.publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify'])
  const rawSign = await rate(() => subtle.sign({ name: 'Ed25519' }, privateKey, signedBytes as BufferSource))
  const rawVerify = await rate(() => subtle.verify({ name: 'Ed25519' }, publicKey, sample.sig as BufferSource, signedBytes as BufferSource))

  const signed = await rate((i) => createRecord({ type: 'root', name, seq: i, created: now, meta: { title: 'A benchmark site' } }, pair))
  row({ metric: 'records signed', value: signed, unit: 'ops/s', baseline: { label: 'raw WebCrypto Ed25519 sign', value: rawSign }, note: `${sample.bytes.length}-byte record` })

  const verified = await rate(async () => {
    const record = decodeRecord(sample.bytes)
    if (!(await verify(record.body.owner, recordSigningBytes(record.bodyBytes), record.sig))) throw new Error('signature did not verify')
  })
  row({ metric: 'records verified (decode + signature)', value: verified, unit: 'ops/s', baseline: { label: 'raw WebCrypto Ed25519 verify', value: rawVerify } })

  const validated = await rate(() => validateRecord(sample.bytes, { now, key }))
  row({ metric: 'records validated (all rules)', value: validated, unit: 'ops/s', baseline: { label: 'raw WebCrypto Ed25519 verify', value: rawVerify } })

  // Ceiling: raw WebCrypto SHA-256 over chunk-sized blocks, one block hashed again and again.
  const block = new Uint8Array(CHUNK_SIZE).fill(7)
  const rawHashRate = await rate(() => subtle.digest('SHA-256', block))
  const rawMBps = (rawHashRate * CHUNK_SIZE) / 1e6
  // For the reader: the same digest when each block is a freshly allocated 256 KiB array filled
  // by a copy, which a chunker that hands its chunks out to keep cannot avoid.
  const freshHashRate = await rate(() => {
    const fresh = new Uint8Array(CHUNK_SIZE)
    fresh.set(block)
    return subtle.digest('SHA-256', fresh)
  })
  const freshMBps = (freshHashRate * CHUNK_SIZE) / 1e6

  // Measured like the ceiling (warm-up, then whole passes for MEASURE_MS), not one cold pass.
  const passes = await rate(async () => {
    for await (const chunk of chunkFile(pattern(CHUNK_BENCH_BYTES))) void chunk
  })
  row({
    metric: 'chunk and hash (streamed, 256 KiB CIDs)',
    value: (passes * CHUNK_BENCH_BYTES) / 1e6,
    unit: 'MB/s',
    baseline: { label: 'raw WebCrypto SHA-256 of 256 KiB blocks', value: rawMBps },
    note: `${CHUNK_BENCH_BYTES / 1024 / 1024} MiB passes; SHA-256 of fresh 256 KiB blocks: ${freshMBps.toFixed(0)} MB/s`,
  })
}
