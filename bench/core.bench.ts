/**
 * Core benchmark: records signed, verified and validated per second, and chunk-and-hash
 * throughput, each beside the raw WebCrypto rate measured in the same run as the ceiling.
 * Runs in Node and in Chromium (`browser = true`).
 * @module
 */
import { generateKeyPair, verify } from '../src/core/crypto/ed25519.ts'
import { concat, fromHex } from '../src/core/bytes.ts'
import {
  createRecord,
  decodeRecord,
  dhtKey,
  recordSigningBytes,
  validateRecord,
} from '../src/core/records/index.ts'
import { CHUNK_SIZE, chunkFile } from '../src/core/content/index.ts'
import type { BenchPart, BenchRow } from './types.ts'

/** This part also runs in Chromium. */
export const browser = true

/** How long each rate is measured in all, after a warm-up of a tenth of it. */
const MEASURE_MS = 1500
/** Bytes pushed through the chunker in one pass of the throughput figure. */
const CHUNK_BENCH_BYTES = 16 * 1024 * 1024
/** Size of the pieces the chunker is fed (as a file stream would deliver them). */
const SOURCE_PIECE = 64 * 1024

const PKCS8_PREFIX = fromHex('302e020100300506032b657004220420')
const runtime =
  typeof (globalThis as { window?: unknown }).window === 'undefined' ? 'node' : 'chromium'

/** Length of one turn when several rates are measured together. */
const SLICE_MS = 100

/**
 * Operations per second of each of `ops`, each run back to back for MEASURE_MS in all. The ops
 * take turns of SLICE_MS, so a figure and its ceiling see the same load on the machine.
 */
async function rates(...ops: ((i: number) => Promise<unknown>)[]): Promise<number[]> {
  const counts = ops.map(() => 0)
  const elapsed = ops.map(() => 0)
  for (const op of ops) {
    const warmUntil = performance.now() + MEASURE_MS / 10
    let i = 0
    while (performance.now() < warmUntil) await op(i++)
  }
  while (elapsed.some((ms) => ms < MEASURE_MS)) {
    for (const [k, op] of ops.entries()) {
      if (elapsed[k] >= MEASURE_MS) continue
      const start = performance.now()
      let n = 0
      while (performance.now() - start < SLICE_MS) await op(counts[k] + n++)
      elapsed[k] += performance.now() - start
      counts[k] += n
    }
  }
  return counts.map((n, k) => n / (elapsed[k] / 1000))
}

async function* pattern(total: number): AsyncGenerator<Uint8Array> {
  const piece = new Uint8Array(SOURCE_PIECE)
  for (let i = 0; i < piece.length; i++) piece[i] = (i * 31 + 7) & 0xff
  for (let sent = 0; sent < total; sent += piece.length)
    yield piece.subarray(0, Math.min(piece.length, total - sent))
}

export const run: BenchPart = async (report) => {
  const row = (r: Omit<BenchRow, 'part' | 'runtime'>): void =>
    report({ part: 'core', runtime, ...r })
  const subtle = globalThis.crypto.subtle
  const pair = generateKeyPair()
  const now = Date.now()
  const name = 'mysite:code'
  const key = await dhtKey(name)
  const sample = await createRecord(
    { type: 'root', name, seq: 1, created: now, meta: { title: 'A benchmark site' } },
    pair,
  )
  const signedBytes = recordSigningBytes(sample.bodyBytes)

  // Ceiling: raw WebCrypto Ed25519 over the same bytes a record signature covers.
  const privateKey = await subtle.importKey(
    'pkcs8',
    concat([PKCS8_PREFIX, pair.seed]) as BufferSource,
    { name: 'Ed25519' },
    false,
    ['sign'],
  )
  const publicKey = await subtle.importKey(
    'raw',
    pair.publicKey as BufferSource,
    { name: 'Ed25519' },
    false,
    ['verify'],
  )
  const [rawSign, signed] = await rates(
    () => subtle.sign({ name: 'Ed25519' }, privateKey, signedBytes as BufferSource),
    (i) =>
      createRecord(
        { type: 'root', name, seq: i, created: now, meta: { title: 'A benchmark site' } },
        pair,
      ),
  )
  row({
    metric: 'records signed',
    value: signed,
    unit: 'ops/s',
    baseline: { label: 'raw WebCrypto Ed25519 sign', value: rawSign },
    note: `${sample.bytes.length}-byte record`,
  })

  const [rawVerify, verified, validated] = await rates(
    () =>
      subtle.verify(
        { name: 'Ed25519' },
        publicKey,
        sample.sig as BufferSource,
        signedBytes as BufferSource,
      ),
    async () => {
      const record = decodeRecord(sample.bytes)
      if (!(await verify(record.body.owner, recordSigningBytes(record.bodyBytes), record.sig)))
        throw new Error('signature did not verify')
    },
    () => validateRecord(sample.bytes, { now, key }),
  )
  row({
    metric: 'records verified (decode + signature)',
    value: verified,
    unit: 'ops/s',
    baseline: { label: 'raw WebCrypto Ed25519 verify', value: rawVerify },
  })
  row({
    metric: 'records validated (all rules)',
    value: validated,
    unit: 'ops/s',
    baseline: { label: 'raw WebCrypto Ed25519 verify', value: rawVerify },
  })

  // Ceiling: raw WebCrypto SHA-256 over chunk-sized blocks, one block hashed again and again.
  // For the reader, in the note: the same digest when each block is a freshly allocated 256 KiB
  // array filled by a copy, which a chunker that hands its chunks out to keep cannot avoid.
  // The chunker is measured the same way (warm-up, then whole passes), not in one cold pass.
  const block = new Uint8Array(CHUNK_SIZE).fill(7)
  const [rawHashRate, freshHashRate, passes] = await rates(
    () => subtle.digest('SHA-256', block),
    () => {
      const fresh = new Uint8Array(CHUNK_SIZE)
      fresh.set(block)
      return subtle.digest('SHA-256', fresh)
    },
    async () => {
      for await (const chunk of chunkFile(pattern(CHUNK_BENCH_BYTES))) void chunk
    },
  )
  const rawMBps = (rawHashRate * CHUNK_SIZE) / 1e6
  const freshMBps = (freshHashRate * CHUNK_SIZE) / 1e6
  row({
    metric: 'chunk and hash (streamed, 256 KiB CIDs)',
    value: (passes * CHUNK_BENCH_BYTES) / 1e6,
    unit: 'MB/s',
    baseline: { label: 'raw WebCrypto SHA-256 of 256 KiB blocks', value: rawMBps },
    note: `${CHUNK_BENCH_BYTES / 1024 / 1024} MiB passes; SHA-256 of fresh 256 KiB blocks: ${freshMBps.toFixed(0)} MB/s`,
  })
}
