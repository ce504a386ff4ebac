/**
 * The relay's `.alt` resolver (`npm run bench -- --only dns`), over UDP on loopback:
 * - latency of A and TXT queries for a site whose record the relay holds (p50, p95), one query
 *   at a time after a warm-up (the answer cached, as a resolver serves most queries);
 * - queries per second with `CONCURRENCY` queries in flight;
 * each beside the same figure for a bare `dns-packet` UDP server in its own process that answers
 * every query with one fixed A record: the cost of parsing and answering alone, the ceiling.
 * @module
 */
import { spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { fileURLToPath } from 'node:url'
import dnsPacket, { type RecordType } from 'dns-packet'
import type { BenchPart } from './types.ts'
import { toOriginLabel } from '../src/core/names/index.ts'
import { createClient, dhtPut, waitForRoutingTable } from '../test/relay/support/client.ts'
import {
  contentRoot,
  dhtKey,
  generateKeyPair,
  rootRecord,
  uniqueName,
} from '../test/relay/support/records.ts'
import { removeDir, startRelay, tempDir } from '../test/relay/support/relay-process.ts'

/** Queries measured one at a time per latency figure. */
const LATENCY_QUERIES = 2000
/** Unmeasured queries first. */
const WARMUP_QUERIES = 200
/** Queries for the throughput figure. */
const THROUGHPUT_QUERIES = 20_000
/** Queries in flight for the throughput figure. */
const CONCURRENCY = 32
/** A query not answered within this is counted lost. */
const QUERY_TIMEOUT_MS = 2000

const REPO = fileURLToPath(new URL('../', import.meta.url))

/** The ceiling: a dns-packet UDP server answering one fixed A record, in its own process. */
const BASELINE_SERVER = `
import { createSocket } from 'node:dgram'
import dnsPacket from 'dns-packet'
const udp = createSocket('udp4')
udp.on('message', (msg, from) => {
  const q = dnsPacket.decode(msg)
  udp.send(dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: q.questions, answers: [{ type: 'A', name: q.questions[0].name, ttl: 60, data: '127.0.0.1' }] }),
    from.port, from.address)
})
udp.bind(0, '127.0.0.1', () => console.log(JSON.stringify({ port: udp.address().port })))
`

interface Measured {
  latencies: number[]
  lost: number
  ms: number
}

/** Sends `count` queries to `port`, `inFlight` at a time; latencies in ms. */
async function measure(
  port: number,
  name: string,
  type: RecordType,
  count: number,
  inFlight: number,
): Promise<Measured> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const waiting = new Map<number, { at: bigint; done: (ok: boolean) => void }>()
  socket.on('message', (msg) => {
    const w = waiting.get(msg.readUInt16BE(0))
    if (w === undefined) return
    waiting.delete(msg.readUInt16BE(0))
    w.done(true)
  })
  const latencies: number[] = []
  let lost = 0
  let nextId = 0
  let sent = 0
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const id = nextId++ & 0xffff
      const at = process.hrtime.bigint()
      const timer = setTimeout(() => {
        waiting.delete(id)
        lost++
        resolve()
      }, QUERY_TIMEOUT_MS)
      waiting.set(id, {
        at,
        done: () => {
          clearTimeout(timer)
          latencies.push(Number(process.hrtime.bigint() - at) / 1e6)
          resolve()
        },
      })
      socket.send(
        dnsPacket.encode({ type: 'query', id, flags: 0, questions: [{ type, name, class: 'IN' }] }),
        port,
        '127.0.0.1',
      )
    })
  const started = performance.now()
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (sent < count) {
        sent++
        await one()
      }
    }),
  )
  const ms = performance.now() - started
  socket.close()
  return { latencies, lost, ms }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

export const run: BenchPart = async (report) => {
  const dir = await tempDir('an-bench-dns-')
  const relay = (await startRelay(`${dir}/relay`, [
    '--mirror-policy',
    'none',
    '--dns-port',
    '0',
    '--dns-answer',
    '127.0.0.1',
    '--dns-rate',
    '1000000',
    '--dns-burst',
    '1000000',
  ])) as Awaited<ReturnType<typeof startRelay>> & { dns: number }
  const baseline = spawn(process.execPath, ['--input-type=module', '-e', BASELINE_SERVER], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const client = await createClient({ relays: [relay.tcp] })
  try {
    const basePort = await new Promise<number>((resolve) =>
      baseline.stdout!.once('data', (d: Buffer) =>
        resolve((JSON.parse(d.toString()) as { port: number }).port),
      ),
    )
    await waitForRoutingTable(client, 1)
    const site = uniqueName('bench')
    await dhtPut(
      client,
      await dhtKey(site),
      await rootRecord(site, generateKeyPair(), { content: await contentRoot(site), ttl: 300 }),
    )
    const name = `${toOriginLabel(site)}.alt`
    const base = { label: 'bare dns-packet server', value: 0 }
    for (const type of ['A', 'TXT'] as const) {
      await measure(relay.dns, name, type, WARMUP_QUERIES, 1)
      await measure(basePort, name, type, WARMUP_QUERIES, 1)
      const ours = await measure(relay.dns, name, type, LATENCY_QUERIES, 1)
      const theirs = await measure(basePort, name, 'A', LATENCY_QUERIES, 1)
      for (const p of [50, 95])
        report({
          part: 'dns',
          runtime: 'node',
          metric: `${type} query latency p${p} (UDP, one at a time)`,
          value: percentile(ours.latencies, p),
          unit: 'ms',
          baseline: { ...base, value: percentile(theirs.latencies, p) },
          note: `${LATENCY_QUERIES} queries, ${ours.lost} lost`,
        })
      const load = await measure(relay.dns, name, type, THROUGHPUT_QUERIES, CONCURRENCY)
      const ceiling = await measure(basePort, name, 'A', THROUGHPUT_QUERIES, CONCURRENCY)
      report({
        part: 'dns',
        runtime: 'node',
        metric: `${type} queries per second (UDP, ${CONCURRENCY} in flight)`,
        value: load.latencies.length / (load.ms / 1000),
        unit: 'queries/s',
        baseline: { ...base, value: ceiling.latencies.length / (ceiling.ms / 1000) },
        note: `${THROUGHPUT_QUERIES} queries, ${load.lost} lost; p95 under load ${percentile(load.latencies, 95).toFixed(2)} ms`,
      })
    }
  } finally {
    await client.stop()
    baseline.kill()
    await relay.stop()
    await removeDir(dir)
  }
}
