/**
 * Where the time from pressing Publish until a site is on R mirrors goes
 * (`node bench/mirror-timeline.ts [--files N] [--relays N] [--replicas R] [--scan 2s]`): the
 * mirror bench's set-up (four relays, R = 3, a Chromium page publishing N × 20 MiB and an
 * index), with one timeline merged from the page's publish stages, each relay's log lines about
 * the site, and the moment each relay holds the site completely; then a holder is killed and
 * the restore is timed the same way. Prints the machine's load. Not a part of `npm run bench`.
 * @module
 */
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { HARNESS_PATH, buildHarness, removeBuild } from '../test/e2e/peer-support/build.ts'
import { Person, launchChromium } from '../test/e2e/peer-support/people.ts'
import { startNetwork, type TestRelay } from '../test/e2e/peer-support/relays.ts'
import type { FileSpec } from '../test/e2e/peer-support/site-spec.ts'
import { startVisitor, type Visitor } from '../test/relay/support/site-publisher.ts'
import { MIRRORS_MS } from './mirror-support.ts'

const SIZE = 20 * 1024 * 1024
/** How often each relay is asked how far its copy is (within its question budget). */
const POLL_MS = 300

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '3' },
    relays: { type: 'string', default: '4' },
    replicas: { type: 'string', default: '3' },
    scan: { type: 'string', default: '2s' },
    /** A folder to write each relay's whole log to. */
    dump: { type: 'string' },
  },
})

interface Event {
  at: number
  who: string
  what: string
}

/** Polls until `count` relays (of `relays`) hold `site` completely; notes when each does. */
async function copies(
  watcher: Visitor,
  relays: TestRelay[],
  site: string,
  count: number,
  events: Event[],
  names: Map<string, string>,
): Promise<number> {
  const done = new Set<string>()
  const deadline = Date.now() + MIRRORS_MS
  while (done.size < count) {
    if (Date.now() > deadline) {
      events.push({ at: Date.now(), who: 'watch', what: `gave up: ${done.size} copies` })
      break
    }
    await Promise.all(
      relays.map(async (r) => {
        const s = await watcher.status(r.process, site).catch(() => undefined)
        if (s?.state === 'complete' && !done.has(r.peerId)) {
          done.add(r.peerId)
          events.push({ at: Date.now(), who: names.get(r.peerId)!, what: '** complete **' })
        }
      }),
    )
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
  return Date.now()
}

/** The relay's log lines about `site` (and uploads, hand-ons, pulls), as events. */
function relayEvents(relay: TestRelay, name: string, site: string, from: number): Event[] {
  const out: Event[] = []
  for (const line of relay.process.stderr().split('\n')) {
    if (!line.startsWith('{')) continue
    if (!line.includes(site) && !/upload|hand|pull|source|scan/.test(line)) continue
    try {
      const { time, level, msg, ...rest } = JSON.parse(line) as Record<string, unknown>
      const at = Date.parse(String(time))
      if (at < from) continue
      delete rest.site
      out.push({ at, who: name, what: `${String(level)} ${String(msg)} ${JSON.stringify(rest)}` })
    } catch {
      // Not a log line.
    }
  }
  return out
}

function print(title: string, t0: number, events: Event[]): void {
  console.log(`\n${title}`)
  for (const e of [...events].sort((a, b) => a.at - b.at))
    console.log(`${String(e.at - t0).padStart(7)} ms  ${e.who.padEnd(6)} ${e.what.slice(0, 220)}`)
}

const build = await buildHarness()
const browser = await launchChromium()
const replicas = Number(values.replicas)
const network = await startNetwork(Number(values.relays), build, [
  '--log-level',
  values.dump === undefined ? 'info' : 'debug',
  '--mirror-policy',
  'open',
  '--mirror-replicas',
  String(replicas),
  '--mirror-scan-interval',
  values.scan,
])
const names = new Map(network.relays.map((r, i) => [r.peerId, `relay${i}`]))
const watcher = await startVisitor(network.relays.map((r) => r.process.tcp))
try {
  console.log(`load before: ${loadavg().map((l) => l.toFixed(1))}`)
  const a = await Person.open(browser, 'A', network.pageUrl(HARNESS_PATH))
  await a.callWithin(60_000, 'start')
  const tag = Math.random().toString(36).slice(2, 8)
  const site = `timeline${tag}:code`
  const files: FileSpec[] = [
    { path: '/index.html', text: `<h1>${tag}</h1>` },
    ...Array.from({ length: Number(values.files) }, (_, i) => ({
      path: `/big-${i}.bin`,
      size: SIZE,
      seed: 7 + i,
    })),
  ]
  const events: Event[] = []
  const t0 = Date.now()
  const waited = copies(watcher, network.relays, site, replicas, events, names)
  const published = await a.callWithin(MIRRORS_MS, 'publishSite', site, files)
  events.push({
    at: Date.now(),
    who: 'page',
    what: `publishSite returned ${'error' in published ? published.message : 'ok'}`,
  })
  const end = await waited
  for (const s of await a.call('publishStages'))
    events.push({
      at: s.at,
      who: 'page',
      what: `${s.phase} uploaded=${s.bytesUploaded ?? '-'} mirrors=${s.mirrorsDone ?? '-'}`,
    })
  network.relays.forEach((r, i) => events.push(...relayEvents(r, `relay${i}`, site, t0)))
  print(`publish until on ${replicas} mirrors: ${end - t0} ms`, t0, events)
  await a.close()

  const states = await Promise.all(network.relays.map((r) => watcher.status(r.process, site)))
  const victim = network.relays[states.findIndex((s) => s.state === 'complete')]
  const k0 = Date.now()
  await victim.process.kill9()
  victim.stopped = true
  const rest = network.relays.filter((r) => r !== victim)
  const restoreEvents: Event[] = [{ at: k0, who: names.get(victim.peerId)!, what: 'kill -9' }]
  const restored = await copies(watcher, rest, site, replicas, restoreEvents, names)
  rest.forEach((r) => restoreEvents.push(...relayEvents(r, names.get(r.peerId)!, site, k0)))
  print(`R copies restored after kill -9: ${restored - k0} ms`, k0, restoreEvents)
  console.log(`\nload after: ${loadavg().map((l) => l.toFixed(1))}`)
  if (values.dump !== undefined)
    for (const [i, r] of network.relays.entries())
      writeFileSync(join(values.dump, `relay${i}.log`), r.process.stderr())
} finally {
  await browser.close().catch(() => undefined)
  await watcher.stop()
  await network.stop()
  await removeBuild(build)
}
