/**
 * The peer's figures, between two Chromium pages (two browser contexts: two devices) on this
 * machine, against real relay processes: name resolution cold and from the cache; time to the
 * first and the last byte of a 20 MB file fetched browser to browser; and, as the ceiling, a
 * bare RTCDataChannel between the same two pages moving the same number of bytes.
 * @module
 */
import type { Browser } from 'playwright-core'
import { HARNESS_PATH, buildHarness, removeBuild } from '../test/e2e/peer-support/build.ts'
import type { Failure } from '../test/e2e/peer-support/harness.ts'
import { Person, launchChromium, within } from '../test/e2e/peer-support/people.ts'
import { startNetwork, type TestNetwork } from '../test/e2e/peer-support/relays.ts'
import type { FileSpec } from '../test/e2e/peer-support/site-spec.ts'
import type { BenchPart, BenchRow } from './types.ts'

/** The whole part, bounded. */
const PART_TIMEOUT_MS = 5 * 60_000
/** Lookups of each kind. */
const LOOKUPS = 24
/** Transfers of each kind; the median is reported. */
const RUNS = 5
const SIZE = 20 * 1024 * 1024
const RELAY_COUNT = 2
/** The raw channel's messages: the largest that keeps Chromium's queue smooth (the ceiling)... */
const RAW_MESSAGE_SIZE = 64 * 1024
/** ...and the size libp2p's WebRTC transport sends (its default `maxMessageSize`). */
const LIBP2P_MESSAGE_SIZE = 16 * 1024

const median = (xs: number[]): number => quantile(xs, 0.5)
function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]
}
const mbPerS = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000)

function ok<T>(result: T | Failure, what: string): T {
  if (typeof result === 'object' && result !== null && 'error' in result)
    throw new Error(`${what}: ${result.error}: ${result.message}`)
  return result
}

/** Connects the pages' bare data channels: offer, answer and ICE candidates through Node. */
async function connectRaw(sender: Person, receiver: Person): Promise<void> {
  const offer = await sender.raw('offer')
  const answer = await receiver.raw('answer', offer)
  await sender.raw('accept', answer)
  const deadline = Date.now() + 15_000
  for (;;) {
    await receiver.raw('addCandidates', await sender.raw('candidates'))
    await sender.raw('addCandidates', await receiver.raw('candidates'))
    const opened = await Promise.all([
      sender.raw('waitOpen', 200).then(
        () => true,
        () => false,
      ),
      receiver.raw('waitOpen', 200).then(
        () => true,
        () => false,
      ),
    ])
    if (opened.every(Boolean)) return
    if (Date.now() > deadline) throw new Error('the raw data channel did not open')
  }
}

async function measure(report: (row: BenchRow) => void, people: Person[]): Promise<void> {
  const row = (metric: string, value: number, unit: string, extra: Partial<BenchRow> = {}): void =>
    report({ part: 'peer', runtime: 'chromium', metric, value, unit, ...extra })
  const [a, b] = people
  const tag = Math.random().toString(36).slice(2, 8)

  // Names: each cold lookup is of a name B has never seen.
  const names = Array.from({ length: LOOKUPS }, (_, i) => `bench${tag}n${i}:code`)
  for (const name of names) ok(await a.call('publishName', name), `publish ${name}`)
  const cold: number[] = []
  const cached: number[] = []
  for (const name of names) {
    const r = ok(await b.call('resolve', name), `resolve ${name}`)
    if (r.fromCache) throw new Error(`${name} was already cached`)
    cold.push(r.ms)
  }
  for (const name of names) {
    const r = ok(await b.call('resolve', name), `resolve ${name} again`)
    if (!r.fromCache) throw new Error(`${name} did not come from the cache`)
    cached.push(r.ms)
  }
  row('name resolution, cold (p50)', median(cold), 'ms', {
    note: `${LOOKUPS} fresh names, DHT lookup through ${RELAY_COUNT} relays`,
  })
  row('name resolution, cold (p95)', quantile(cold, 0.95), 'ms')
  row('name resolution, from cache (p50)', median(cached), 'ms')
  row('name resolution, from cache (p95)', quantile(cached, 0.95), 'ms')

  // 20 MB browser to browser: a new file each run, so no byte comes from B's store.
  const site = `bench${tag}:code`
  const files: FileSpec[] = [
    { path: '/index.html', text: '<h1>bench</h1>' },
    ...Array.from({ length: RUNS }, (_, i) => ({
      path: `/big-${i}.bin`,
      size: SIZE,
      seed: 100 + i,
    })),
  ]
  const published = ok(await a.callWithin(120_000, 'publishSite', site, files), 'publish the site')
  const warm = await b.call('fetch', `an://${site}/index.html`)
  if (warm.status !== 200) throw new Error(`index: ${warm.status} ${warm.headers['x-an-error']}`)
  const first: number[] = []
  const last: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const path = `/big-${i}.bin`
    const res = await b.callWithin(120_000, 'fetch', `an://${site}${path}`)
    if (res.status !== 200 || res.sha256 !== published.sha256[path])
      throw new Error(
        `${path}: ${res.status} ${res.headers['x-an-error']}, bytes ${res.sha256 === published.sha256[path] ? 'same' : 'differ'}`,
      )
    first.push(res.firstByteMs)
    last.push(res.lastByteMs)
  }
  const direct = (await b.call('connectionsTo', published.record.hosts[0].peerId)).some(
    (l) => l.direct,
  )

  // The ceiling: a bare data channel between the same two pages, the same bytes.
  await connectRaw(a, b)
  const rawRun = async (messageSize: number): Promise<number[]> => {
    const times: number[] = []
    for (let i = 0; i < RUNS; i++) {
      await b.raw('expect', SIZE)
      const startAt = await a.raw('send', SIZE, 100 + i, messageSize)
      const got = await b.raw('received')
      times.push(got.lastAt - startAt)
    }
    return times
  }
  const raw = await rawRun(RAW_MESSAGE_SIZE)
  const raw16 = await rawRun(LIBP2P_MESSAGE_SIZE)
  await Promise.all([a.raw('close'), b.raw('close')])

  const note = `median of ${RUNS}, ${direct ? 'direct WebRTC' : 'NOT direct'}; resolve from cache, manifest fetched before`
  row('20 MB time to first byte', median(first), 'ms', { note })
  row('20 MB time to last byte', median(last), 'ms', { note })
  row('20 MB raw RTCDataChannel, time to last byte', median(raw), 'ms', {
    note: `median of ${RUNS}, ${RAW_MESSAGE_SIZE / 1024} KiB messages`,
  })
  row('20 MB throughput, browser to browser', mbPerS(SIZE, median(last)), 'MB/s', {
    note: `goal: > 0.8 of the raw channel (${RAW_MESSAGE_SIZE / 1024} KiB messages)`,
    baseline: { label: 'raw RTCDataChannel', value: mbPerS(SIZE, median(raw)) },
  })
  row('20 MB throughput, browser to browser', mbPerS(SIZE, median(last)), 'MB/s', {
    note: `against a raw channel sending libp2p's ${LIBP2P_MESSAGE_SIZE / 1024} KiB messages`,
    baseline: {
      label: `raw RTCDataChannel, ${LIBP2P_MESSAGE_SIZE / 1024} KiB messages`,
      value: mbPerS(SIZE, median(raw16)),
    },
  })
}

/** Runs the peer figures in Chromium, driven from Node. */
export const run: BenchPart = async (report) => {
  let build: string | undefined
  let network: TestNetwork | undefined
  let browser: Browser | undefined
  const people: Person[] = []
  try {
    await within(
      'peer bench',
      PART_TIMEOUT_MS,
      (async () => {
        build = await buildHarness()
        ;[network, browser] = await Promise.all([
          startNetwork(RELAY_COUNT, build),
          launchChromium(),
        ])
        const url = network.pageUrl(HARNESS_PATH)
        for (const name of ['A', 'B']) people.push(await Person.open(browser, name, url))
        await Promise.all(people.map((p) => p.call('start')))
        await measure(report, people)
      })(),
    )
  } finally {
    await Promise.all(people.map((p) => p.close()))
    await browser?.close().catch(() => undefined)
    await network?.stop()
    if (build !== undefined) await removeBuild(build)
  }
}
