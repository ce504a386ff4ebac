/**
 * Mirror figures (`npm run bench -- --only mirror`), in Chromium against real relay processes:
 * - for a fresh visitor of a site whose publisher is gone, time to first byte and throughput of
 *   a 20 MiB file from the mirrors (their blocks over HTTP, many to a CAR stream), beside the same
 *   from mirrors that serve no block over HTTP (every block over libp2p), beside the same fetch
 *   from a browser host (a network that
 *   mirrors nothing, the publisher's tab open), beside the raw page→Node WebSocket ceiling
 *   measured in the same run (a Node server sending the same bytes to the same kind of page),
 *   and the CPU seconds the relays and Chromium spent on each fetch (what a loaded machine
 *   changes least);
 * - time from calling publish until the site is complete on R mirrors;
 * - time to restore R copies after a mirror is killed (four relays, R = 3);
 * - Helia doing the same job (`helia/helia-compare.ts`): a Node Helia node holds the same 20 MiB,
 *   a fresh Helia node in the same Chromium fetches it over a loopback WebSocket, reported beside
 *   Alternet's figure from the mirrors, with its failed fetches counted.
 * @module
 */
import type { Browser } from 'playwright-core'
import { HARNESS_PATH, buildHarness, removeBuild } from '../test/e2e/peer-support/build.ts'
import type { Failure } from '../test/e2e/peer-support/harness.ts'
import { Person, launchChromium, within } from '../test/e2e/peer-support/people.ts'
import { startNetwork, type TestNetwork } from '../test/e2e/peer-support/relays.ts'
import { deterministicBytes, type FileSpec } from '../test/e2e/peer-support/site-spec.ts'
import { startVisitor, type Visitor } from '../test/relay/support/site-publisher.ts'
import { heliaFromNode, reportHelia } from './helia/helia-compare.ts'
import { MIRRORS_MS, cpuByKind, untilCopies, webSocketCeiling } from './mirror-support.ts'
import type { BenchPart, BenchRow } from './types.ts'

/** The whole part, bounded. */
const PART_TIMEOUT_MS = 12 * 60_000
/** Fetches of the 20 MiB file per source; the median is reported. */
const RUNS = 3
const SIZE = 20 * 1024 * 1024
/** Relays mirroring each site; the mirror network has one more, to restore R after a kill. */
const REPLICAS = 3
/** How long to wait for one fetch. */
const FETCH_MS = 120_000

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const mbPerS = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000)

function ok<T>(result: T | Failure, what: string): T {
  if (typeof result === 'object' && result !== null && 'error' in result)
    throw new Error(`${what}: ${result.error}: ${result.message}`)
  return result
}

function files(tag: string): FileSpec[] {
  return [
    { path: '/index.html', text: `<h1>${tag}</h1>` },
    ...Array.from({ length: RUNS }, (_, i) => ({ path: `/big-${i}.bin`, size: SIZE, seed: 7 + i })),
  ]
}

/** What the fetches of one source measured. */
interface Fetched {
  first: number[]
  last: number[]
  /** CPU seconds of the relays during each fetch. */
  relayCpu: number[]
  /** CPU seconds of all of Chromium's processes during each fetch. */
  browserCpu: number[]
}

/**
 * Fetches each big file as a fresh visitor (a new page from `visit`, gone after its fetch, so
 * no fetch shares its page with the store's writes of the one before); first and last byte
 * times, bytes checked, and the CPU time the relays (`relayPids`) and Chromium spent on each
 * fetch. Each visitor first opens the site's index, as a person following a link would.
 */
async function fetchAll(
  visit: (i: number) => Promise<Person>,
  site: string,
  sums: Record<string, string>,
  relayPids: ReadonlySet<number>,
): Promise<Fetched> {
  const out: Fetched = { first: [], last: [], relayCpu: [], browserCpu: [] }
  for (let i = 0; i < RUNS; i++) {
    const visitor = await visit(i)
    const warm = await visitor.callWithin(FETCH_MS, 'fetch', `an://${site}/index.html`)
    if (warm.status !== 200) throw new Error(`index: ${warm.status} ${warm.headers['x-an-error']}`)
    const path = `/big-${i}.bin`
    const before = cpuByKind(relayPids)
    const res = await visitor.callWithin(FETCH_MS, 'fetch', `an://${site}${path}`)
    const after = cpuByKind(relayPids)
    await visitor.close()
    if (res.status !== 200 || res.sha256 !== sums[path])
      throw new Error(`${path}: ${res.status} ${res.headers['x-an-error']}`)
    out.first.push(res.firstByteMs)
    out.last.push(res.lastByteMs)
    let relays = 0
    let browser = 0
    for (const [kind, t] of after) {
      const spent = t - (before.get(kind) ?? 0)
      if (kind === 'relays') relays += spent
      else if (kind.startsWith('chromium')) browser += spent
    }
    out.relayCpu.push(relays)
    out.browserCpu.push(browser)
  }
  return out
}

/** The process IDs of a network's relays. */
const pidsOf = (network: TestNetwork): Set<number> =>
  new Set(network.relays.map((r) => r.process.proc.pid ?? -1))

async function measure(report: (row: BenchRow) => void, browser: Browser, build: string) {
  const row = (metric: string, value: number, unit: string, extra: Partial<BenchRow> = {}): void =>
    report({ part: 'mirror', runtime: 'chromium', metric, value, unit, ...extra })
  const tag = Math.random().toString(36).slice(2, 8)
  const people: Person[] = []
  const networks: TestNetwork[] = []
  const visitors: Visitor[] = []
  const person = async (network: TestNetwork, name: string): Promise<Person> => {
    const p = await Person.open(browser, name, network.pageUrl(HARNESS_PATH))
    people.push(p)
    ok(await p.callWithin(60_000, 'start'), `${name} start`)
    return p
  }
  // Helia doing the same job, first (its figures stand should the mirrors fail): a Node node
  // holds the same bytes as big-0.bin, a fresh page node fetches them over a WebSocket.
  const helia = await heliaFromNode(browser, deterministicBytes(SIZE, 7), RUNS, FETCH_MS)
  let fromMirrors: Fetched | undefined
  try {
    // Mirrors: four relays, R = 3, scans every 2 s; a fresh visitor fetches once the publisher is gone.
    const mirrored = async (name: string, extra: string[] = [], anchor = false) => {
      const network = await startNetwork(REPLICAS + 1, build, [
        // Their log says what each relay did with the site, should a copy not come.
        '--log-level',
        'info',
        '--mirror-policy',
        'open',
        '--mirror-replicas',
        String(REPLICAS),
        '--mirror-scan-interval',
        '2s',
        ...extra,
      ])
      networks.push(network)
      const watcher = await startVisitor(network.relays.map((r) => r.process.tcp))
      visitors.push(watcher)
      const a = await person(network, `${name}-A`)
      const site = `${name}${tag}:code`
      const copies = untilCopies(watcher, network, site, REPLICAS)
      const published = ok(await a.callWithin(MIRRORS_MS, 'publishSite', site, files(tag)), name)
      const toMirrors = await copies
      await a.close()
      // The ceiling, when asked, in a fresh page before any fetch: nothing else runs beside it.
      let ceiling: { first: number; last: number }[] = []
      if (anchor) {
        const c = await person(network, `${name}-ceiling`)
        ceiling = await webSocketCeiling(c.page, SIZE, RUNS)
        await c.close()
      }
      const visit = (i: number) => person(network, `${name}-B${i}`)
      const fetched = await fetchAll(visit, site, published.sha256, pidsOf(network))
      return { network, watcher, site, toMirrors, fetched, ceiling }
    }
    // The same with the relays serving no block over HTTP: every block over libp2p.
    const viaLibp2p = await mirrored('libp2p', ['--mirror-http-rate', '0'])
    const overLibp2p = viaLibp2p.fetched
    // Gone before the next fetch: its relays would spend CPU beside it.
    await viaLibp2p.network.stop()
    const run = await mirrored('mirrored', [], true)
    const { watcher, site, toMirrors, ceiling } = run
    const mirrors = run.network
    fromMirrors = run.fetched

    // R copies again after a holder is killed.
    const states = await Promise.all(mirrors.relays.map((r) => watcher.status(r.process, site)))
    const victim = mirrors.relays[states.findIndex((s) => s.state === 'complete')]
    await victim.process.kill9()
    victim.stopped = true
    const restore = await untilCopies(watcher, mirrors, site, REPLICAS, new Set([victim.peerId]))

    // The same fetch from a browser host: a network that mirrors nothing, the publisher there.
    const hosts = await startNetwork(2, build)
    networks.push(hosts)
    const h = await person(hosts, 'H')
    const hostSite = `hosted${tag}:code`
    const hosted = ok(await h.callWithin(MIRRORS_MS, 'publishSite', hostSite, files(tag)), 'host')
    const fromHost = await fetchAll(
      (i) => person(hosts, `V${i}`),
      hostSite,
      hosted.sha256,
      pidsOf(hosts),
    )

    const wsLast = median(ceiling.map((c) => c.last))
    const note = `median of ${RUNS} fetches of 20 MiB, each by a fresh visitor; publisher gone; ${REPLICAS} mirrors`
    row('20 MiB from mirrors, time to first byte', median(fromMirrors.first), 'ms', {
      note,
      baseline: { label: 'browser host', value: median(fromHost.first) },
    })
    row('20 MiB from mirrors, throughput', mbPerS(SIZE, median(fromMirrors.last)), 'MB/s', {
      note: 'goal: ≥ 0.8 of the raw page→Node WebSocket',
      baseline: { label: 'raw page→Node WebSocket', value: mbPerS(SIZE, wsLast) },
    })
    row('20 MiB from a browser host, throughput', mbPerS(SIZE, median(fromHost.last)), 'MB/s', {
      note: 'the publisher’s tab open, no mirror',
      baseline: { label: 'raw page→Node WebSocket', value: mbPerS(SIZE, wsLast) },
    })
    // CPU time says more than speed on a loaded machine: a starved process waits, it does not
    // spend. Chromium's includes the harness hashing the body to check it.
    row(
      '20 MiB from mirrors over libp2p only, throughput',
      mbPerS(SIZE, median(overLibp2p.last)),
      'MB/s',
      {
        note: 'relays with --mirror-http-rate 0: no block over HTTP',
        baseline: { label: 'raw page→Node WebSocket', value: mbPerS(SIZE, wsLast) },
      },
    )
    row(
      '20 MiB from mirrors over libp2p only, CPU of Chromium',
      median(overLibp2p.browserCpu),
      's',
      {
        note: 'every Chromium process, per fetch',
        baseline: { label: 'over HTTP', value: median(fromMirrors.browserCpu) },
      },
    )
    row('20 MiB from mirrors, CPU of the relays', median(fromMirrors.relayCpu), 's', {
      note: `the ${REPLICAS + 1} relays together, per fetch`,
      baseline: { label: 'a browser host’s network', value: median(fromHost.relayCpu) },
    })
    row('20 MiB from mirrors, CPU of Chromium', median(fromMirrors.browserCpu), 's', {
      note: 'every Chromium process, per fetch',
      baseline: { label: 'from a browser host', value: median(fromHost.browserCpu) },
    })
    row('raw page→Node WebSocket, time to first byte', median(ceiling.map((c) => c.first)), 'ms')
    row('publish until on R mirrors', toMirrors, 'ms', {
      note: `${RUNS} × 20 MiB + index; R = ${REPLICAS}; from the publish call`,
    })
    row('R copies restored after a mirror is killed', restore, 'ms', {
      note: 'kill -9 of a holder, four relays, scan interval 2 s',
    })
  } finally {
    reportHelia(
      row,
      helia,
      RUNS,
      fromMirrors && {
        label: 'Alternet from mirrors',
        firstByteMs: median(fromMirrors.first),
        mbPerS: mbPerS(SIZE, median(fromMirrors.last)),
      },
    )
    await Promise.all(people.map((p) => p.close()))
    await Promise.all(visitors.map((v) => v.stop()))
    await Promise.all(networks.map((n) => n.stop()))
  }
}

/** Runs the mirror figures in Chromium, driven from Node. */
export const run: BenchPart = async (report) => {
  let build: string | undefined
  let browser: Browser | undefined
  try {
    await within(
      'mirror bench',
      PART_TIMEOUT_MS,
      (async () => {
        build = await buildHarness()
        browser = await launchChromium()
        await measure(report, browser, build)
      })(),
    )
  } finally {
    await browser?.close().catch(() => undefined)
    if (build !== undefined) await removeBuild(build)
  }
}
