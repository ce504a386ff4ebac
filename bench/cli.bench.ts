/**
 * Command-line figures (`npm run bench -- --only cli`): `alternet get` of a 20 MiB file hosted
 * by `alternet host` (another Node process) through a real relay with mirroring off, each run a
 * new process with an empty data directory (so it starts its node, connects to the relay,
 * resolves the name and fetches every block verified). Reported: the whole command's wall time
 * and throughput, and the fetch alone (from the first request to the last byte on disk, as the
 * command reports it with `--json`), beside a new Node process fetching the same file from
 * Node's own HTTP server on loopback (process start included), measured in the same run; and
 * beside the relay's gateway serving the same file of the same host to a new Node process (the
 * relay fetches every block from the host and verifies it, as `alternet get` does).
 * @module
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { BenchPart } from './types.ts'
import { toOriginLabel } from '../src/core/names/index.ts'
import { removeDir, startRelay, tempDir } from '../test/relay/support/relay-process.ts'
import { alternet, alternetBackground } from '../test/node-peer/cli-support.ts'

/** Size of the file fetched. */
const FILE_BYTES = 20 * 1024 * 1024
/** Measured runs of each (after one unmeasured warm-up of each). */
const RUNS = 3

const mb = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000)
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/**
 * Wall time of a new Node process fetching `url` into `out` with `node:http`, with `host` as
 * the Host header when given (the gateway answers by Host).
 */
function nodeFetch(url: string, out: string, host?: string): Promise<number> {
  const headers = JSON.stringify(host === undefined ? {} : { host })
  const script = `const http = await import('node:http'); const fs = await import('node:fs');
await new Promise((resolve, reject) => http.get(${JSON.stringify(url)}, { headers: ${headers} }, (res) => {
  if (res.statusCode !== 200) return reject(new Error('HTTP ' + res.statusCode))
  res.pipe(fs.createWriteStream(${JSON.stringify(out)})).on('finish', resolve).on('error', reject)
}).on('error', reject))`
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' })
    proc.on('exit', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`exit ${code}`)),
    )
  })
}

export const run: BenchPart = async (report) => {
  const work = await tempDir('an-bench-cli-')
  const relay = await startRelay(join(work, 'relay'), [
    '--dev',
    '--log-level',
    'warn',
    '--mirror-policy',
    'none',
  ])
  const folder = join(work, 'site')
  await mkdir(folder, { recursive: true })
  const file = join(folder, 'big.bin')
  await writeFile(file, randomBytes(FILE_BYTES))
  const site = `bench${Date.now().toString(36)}:cli`
  const relayArgs = ['--relay', relay.http]
  const host = alternetBackground([
    'host',
    folder,
    '--name',
    site,
    '--data-dir',
    join(work, 'host'),
    '--json',
    ...relayArgs,
  ])
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' })
    createReadStream(file).pipe(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/big.bin`
  try {
    await host.ready
    const walls: number[] = []
    const fetches: number[] = []
    const baselines: number[] = []
    const gateways: number[] = []
    const gatewayHost = `${toOriginLabel(site)}.alt`
    for (let i = 0; i <= RUNS; i++) {
      const dataDir = join(work, `visitor-${i}`)
      const out = join(work, `out-${i}.bin`)
      const started = performance.now()
      const got = await alternet([
        'get',
        `an://${site}/big.bin`,
        '-o',
        out,
        '--data-dir',
        dataDir,
        '--json',
        ...relayArgs,
      ])
      const wall = performance.now() - started
      if (got.code !== 0) throw new Error(`alternet get failed: ${got.stderr}`)
      if ((await stat(out)).size !== FILE_BYTES) throw new Error('alternet get: wrong size')
      const baseline = await nodeFetch(url, join(work, `plain-${i}.bin`))
      const viaGateway = join(work, `gateway-${i}.bin`)
      const gateway = await nodeFetch(`${relay.http}/big.bin`, viaGateway, gatewayHost)
      if ((await stat(viaGateway)).size !== FILE_BYTES) throw new Error('gateway: wrong size')
      await rm(out, { force: true })
      await rm(viaGateway, { force: true })
      await removeDir(dataDir)
      if (i === 0) continue
      walls.push(wall)
      fetches.push(got.json<{ seconds: number }>().seconds * 1000)
      baselines.push(baseline)
      gateways.push(gateway)
    }
    const base = { label: 'new Node process, fetch from Node HTTP on loopback', value: 0 }
    report({
      part: 'cli',
      runtime: 'node',
      metric: 'alternet get 20 MiB, whole command, time',
      value: median(walls) / 1000,
      unit: 's',
      baseline: { ...base, value: median(baselines) / 1000 },
      note: `median of ${RUNS}; new process and data dir each run: node start, relay, resolve, verified fetch from a Node host`,
    })
    report({
      part: 'cli',
      runtime: 'node',
      metric: 'alternet get 20 MiB beside the gateway, whole command, time',
      value: median(walls) / 1000,
      unit: 's',
      baseline: {
        label: "new Node process, GET from the relay's gateway (same host)",
        value: median(gateways) / 1000,
      },
      note: 'the gateway fetches every block from the same Node host and verifies it',
    })
    report({
      part: 'cli',
      runtime: 'node',
      metric: 'alternet get 20 MiB, whole command, throughput',
      value: mb(FILE_BYTES, median(walls)),
      unit: 'MB/s',
      baseline: { ...base, value: mb(FILE_BYTES, median(baselines)) },
    })
    report({
      part: 'cli',
      runtime: 'node',
      metric: 'alternet get 20 MiB, fetch only',
      value: mb(FILE_BYTES, median(fetches)),
      unit: 'MB/s',
      baseline: { ...base, value: mb(FILE_BYTES, median(baselines)) },
      note: 'first request to last byte on disk, every block verified',
    })
  } finally {
    server.close()
    await host.stop()
    await relay.stop()
    await removeDir(work)
  }
}
