/**
 * The browser peer end to end: real Chromium, one browser context per person (separate
 * IndexedDB: separate devices), real relay processes. Publishing, resolving and fetching
 * across contexts; a host that lies; names held and pinned; identity across a reload; a key
 * moved to another device; republishing when the node moves relay; fetching with every relay
 * gone. The tests run in order and share the people and the relays.
 */
import { after, before, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import type { Browser } from 'playwright-core'
import { HARNESS_PATH, buildHarness, removeBuild } from './peer-support/build.ts'
import type { Failure, FetchReport, RecordJson } from './peer-support/harness.ts'
import { Person, launchChromium, within } from './peer-support/people.ts'
import { startNetwork, type TestNetwork } from './peer-support/relays.ts'
import type { FileSpec } from './peer-support/site-spec.ts'

/** Relays in the network: two reservations per peer, and one more to move to. */
const RELAY_COUNT = 3
/** Bound of each test. */
const TEST_TIMEOUT_MS = 90_000
/**
 * Bound of the republish wait. Once a relay is gone, every DHT put and lookup from a browser
 * waits ~5 s on it (kad-dht's per-request floor: the live relays keep naming it as a closer
 * peer, and a WebRTC-Direct dial to a dead UDP port never fails fast), and the republisher
 * puts the sites one after the other.
 */
const REPUBLISH_TIMEOUT_MS = 60_000
const BIG = { path: '/media/video/big.bin', size: 20 * 1024 * 1024, seed: 20 }
/** Fetched by nobody until the fresh visitor after the move. */
const CLIP = { path: '/media/clip.bin', size: 600_000, seed: 3 }
/** Fetched by B only once every relay is gone. */
const LATE = { path: '/late/notes.txt', text: 'fetched with every relay down' }
const FILES: FileSpec[] = [
  { path: '/index.html', text: '<h1>home</h1>' },
  { path: '/404.html', text: '<h1>lost</h1>' },
  { path: '/about/index.html', text: '<h1>about</h1>' },
  { path: '/blog/2024/05/first-post.html', text: '<article>first</article>' },
  { path: '/assets/css/site.css', text: 'body { color: #333 }' },
  { path: '/assets/js/app.js', text: 'console.log("app")' },
  BIG,
  CLIP,
  LATE,
]
/** A small site served by an honest host and a liar. */
const TAMPER_FILES: FileSpec[] = [
  { path: '/index.html', text: '<h1>mirrored</h1>' },
  { path: '/data/one.bin', size: 700_000, seed: 11 },
  { path: '/data/two.txt', text: 'the liar changes a byte of this' },
]
const PASSPHRASE = 'correct horse battery staple'

const tag = Math.random().toString(36).slice(2, 8)
const SITE = `peer${tag}:code`

function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && 'error' in value
}

/** The value, or a failed assertion naming the error the page gave. */
function value<T>(result: T | Failure, what: string): T {
  if (isFailure(result))
    throw new assert.AssertionError(`${what}: ${result.error}: ${result.message}`)
  return result
}

/** Polls `check` until it returns a value, or fails after `ms`. */
async function eventually<T>(
  what: string,
  ms: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + ms
  let last: unknown
  for (;;) {
    try {
      const result = await check()
      if (result !== undefined) return result
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${last !== undefined ? `: ${String(last)}` : ''}`,
      )
    await new Promise((r) => setTimeout(r, 250))
  }
}

const addrsOf = (record: RecordJson): string[] => record.hosts.flatMap((h) => h.addrs)
const mb = (report: FetchReport, size: number): string =>
  (size / 1e6 / (report.lastByteMs / 1000)).toFixed(1)

describe('browser peers in separate browser contexts, against real relays', () => {
  let build: string | undefined
  let network: TestNetwork | undefined
  let browser: Browser | undefined
  const people: Person[] = []
  let a: Person
  let b: Person
  let c: Person
  let aId: { peerId: string; owner: string }
  let bId: { peerId: string; owner: string }
  let published: { root: string; sha256: Record<string, string> }

  /** Opens a person and starts their peer. */
  const join = async (name: string): Promise<[Person, { peerId: string; owner: string }]> => {
    const person = await Person.open(browser!, name, network!.pageUrl(HARNESS_PATH))
    people.push(person)
    return [person, await person.call('start')]
  }
  const leave = async (person: Person): Promise<void> => {
    people.splice(people.indexOf(person), 1)
    await person.close()
  }
  /** Runs a test body bounded in time, with the pages' uncaught errors in the failure. */
  const bounded =
    (fn: () => Promise<void>, ms = TEST_TIMEOUT_MS) =>
    () =>
      within('test', ms, fn()).catch((error: unknown) => {
        const errors = people.flatMap((p) => p.errors.map((e) => `${p.name}: ${e}`))
        if (errors.length > 0 && error instanceof Error)
          error.message += `\npage errors:\n${errors.join('\n')}`
        throw error
      })

  before(async () => {
    build = await buildHarness()
    ;[network, browser] = await Promise.all([startNetwork(RELAY_COUNT, build), launchChromium()])
    ;[[a, aId], [b, bId]] = await Promise.all([join('A'), join('B')])
  })

  after(async () => {
    await Promise.all(people.splice(0).map((p) => p.close()))
    await browser?.close().catch(() => undefined)
    await network?.stop()
    if (build !== undefined) await removeBuild(build)
  })

  it(
    'A publishes a site with nested folders and a 20 MB file; B resolves it and fetches every file with identical bytes over direct WebRTC',
    bounded(async () => {
      assert.notEqual(aId.peerId, bId.peerId, 'two devices')
      assert.notEqual(aId.owner, bId.owner, 'two owners')
      const result = value(
        await a.callWithin(TEST_TIMEOUT_MS, 'publishSite', SITE, FILES),
        'publish',
      )
      console.log(
        `  A published ${FILES.length} files (20 MB) in ${result.ms.toFixed(0)} ms, accepted by ${result.accepted} relays`,
      )
      assert.ok(result.accepted >= 1)
      assert.equal(result.usedWorker, true, 'hashed in a worker')
      assert.equal(result.record.hosts[0].peerId, aId.peerId)
      published = result

      const resolved = value(await b.call('resolve', SITE), 'resolve')
      assert.equal(resolved.content, result.root)
      assert.equal(resolved.holder, aId.owner)
      assert.equal(resolved.fromCache, false)

      for (const file of FILES) {
        if (file === LATE || file === CLIP) continue
        const res = await b.call('fetch', `an://${SITE}${file.path}`)
        assert.equal(res.status, 200, `${file.path}: ${res.headers['x-an-error']}`)
        assert.equal(res.sha256, result.sha256[file.path], `${file.path}: same bytes`)
        if (file === BIG) {
          assert.equal(res.length, BIG.size)
          console.log(
            `  20 MB A → B: first byte ${res.firstByteMs.toFixed(0)} ms, last byte ${res.lastByteMs.toFixed(0)} ms, ${mb(res, BIG.size)} MB/s`,
          )
        }
      }
      const links = await b.call('connectionsTo', aId.peerId)
      assert.ok(
        links.some((l) => l.direct),
        `a direct WebRTC connection: ${JSON.stringify(links)}`,
      )
      assert.deepEqual(await b.call('dropped'), [])
    }),
  )

  it(
    'a Range request returns the right slice',
    bounded(async () => {
      const [start, end] = [5_000_000, 7_654_321]
      const res = await b.call('fetch', `an://${SITE}${BIG.path}`, {
        range: `bytes=${start}-${end - 1}`,
      })
      assert.equal(res.status, 206)
      assert.equal(res.headers['content-range'], `bytes ${start}-${end - 1}/${BIG.size}`)
      assert.equal(res.length, end - start)
      assert.equal(res.sha256, await a.call('digestOf', BIG, start, end))
    }),
  )

  it(
    'a host that serves tampered bytes is dropped and B gets the file from the honest host; with only the liar, a clear error and no bytes',
    bounded(async () => {
      let cId: { peerId: string; owner: string }
      ;[c, cId] = await join('C')
      const honest = `honest${tag}:code`
      const liarOnly = `liar${tag}:code`
      const mirror = `mirror${tag}:code`
      // A and C hold the same content (same files, same root); C will lie about two files.
      const [fromA, fromC] = await Promise.all([
        a.call('publishSite', honest, TAMPER_FILES),
        c.call('publishSite', mirror, TAMPER_FILES),
      ])
      const root = value(fromA, 'A publishes').root
      assert.equal(value(fromC, 'C publishes').root, root, 'content addressing: the same root')
      // B has visited C's own site before: it is connected to the liar when the fetch starts.
      assert.equal((await b.call('fetch', `an://${mirror}/index.html`)).status, 200)
      const lies = await c.call(
        'serveTampered',
        mirror,
        ['/data/one.bin', '/data/two.txt'],
        [honest, liarOnly, mirror],
      )
      const cHost = await c.call('hostEntry')
      // The owner signs C in as a host, first in the list, beside A.
      const both = value(
        await a.call('publishRecord', { name: honest, contentOf: honest, hosts: [cHost, 'self'] }),
        'hosts C and A',
      )
      assert.deepEqual(
        both.record.hosts.map((h) => h.peerId),
        [cId.peerId, aId.peerId],
      )
      value(
        await a.call('publishRecord', { name: liarOnly, contentOf: honest, hosts: [cHost] }),
        'hosts C only',
      )

      const one = await b.call('fetch', `an://${honest}/data/one.bin`)
      assert.equal(one.status, 200, one.headers['x-an-error'])
      assert.equal(one.sha256, value(fromA, '').sha256['/data/one.bin'], 'the honest bytes')
      const droppedHosts = await b.call('dropped')
      // Chunks are asked for several at a time: each request in flight to the liar reports it.
      assert.ok(droppedHosts.length >= 1, 'the liar was asked and dropped')
      for (const host of droppedHosts)
        assert.deepEqual(host, { peer: cId.peerId, error: 'BlockVerificationError' })

      const two = await b.call('fetch', `an://${liarOnly}/data/two.txt`)
      assert.equal(two.status, 502)
      assert.equal(two.headers['x-an-error'], 'BlockVerificationError')
      assert.match(two.text ?? '', /^BlockVerificationError: /)
      assert.ok(!(two.text ?? '').includes('the liar'), 'no byte of the file')
      await b.call('flush')
      const lie = (await c.call('chunksOf', mirror, '/data/two.txt'))[0]
      assert.ok(lies.includes(lie))
      assert.equal(await b.call('hasBlock', lie), false, 'the wrong block is not kept')
    }),
  )

  it(
    'a second owner key cannot take a held name, around the naming service neither; a pinned key change is refused',
    bounded(async () => {
      const taken = await b.call('publishName', SITE)
      assert.ok(
        isFailure(taken) && taken.error === 'NameHeldError',
        `B publishing A's name: ${JSON.stringify(taken)}`,
      )
      // Straight into the DHT with B's own key and a high seq: every relay refuses it.
      assert.equal(await b.call('putAroundNaming', SITE, 99), 0, 'relays accepting the hijack')
      const still = value(await b.call('resolve', SITE, true), 'resolve')
      assert.equal(still.holder, aId.owner)
      assert.equal(still.content, published.root)

      // A name first held by a throwaway key (put from A's page), seen and pinned by B; once the
      // record expires the name is free, and C's owner key takes it.
      const name = `tofu${tag}:code`
      const lifetime = 4_000
      const first = await a.call('putThrowaway', name, lifetime)
      const expiresAt = Date.now() + lifetime
      assert.ok(first.accepted >= 1)
      assert.equal(value(await b.call('resolve', name), 'first resolve').holder, first.holder)
      assert.equal((await b.call('pin', name))?.holder, first.holder)
      await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 500))
      const cOwner = await c.call('owner')
      const taken2 = value(await c.call('publishName', name), 'C takes the free name')
      assert.ok(taken2.accepted >= 1)
      for (const fresh of [false, true]) {
        const changed = await b.call('resolve', name, fresh)
        assert.ok(
          isFailure(changed) && changed.error === 'OwnerKeyChangedError',
          `fresh=${fresh}: ${JSON.stringify(changed)}`,
        )
      }
      assert.deepEqual(
        await b.call('pin', name),
        { holder: first.holder, replaced: false },
        'the pin stays',
      )
      assert.notEqual(cOwner, first.holder)
      await leave(c)
    }),
  )

  it(
    'a key exported from one context imports into another (passphrase) and publishes an update of the same name',
    bounded(async () => {
      const name = `moved${tag}:code`
      const original = value(
        await a.call('publishRecord', { name, contentOf: SITE, hosts: ['self'] }),
        'A publishes',
      )
      assert.equal(original.record.seq, 1)
      const file = await a.call('exportKey', PASSPHRASE)
      const [d, dId] = await join('D')
      assert.notEqual(dId.owner, aId.owner)
      const wrong = await d.call('importKey', file, 'not the right passphrase')
      assert.ok(isFailure(wrong) && wrong.error === 'WrongPassphraseError', JSON.stringify(wrong))
      assert.equal(await d.call('owner'), dId.owner, 'a failed import changes nothing')
      assert.deepEqual(await d.call('importKey', file, PASSPHRASE), { owner: aId.owner })
      assert.equal(await d.call('owner'), aId.owner)

      const seen = value(await d.call('resolve', name), 'D resolves')
      const update = value(
        await d.call('publishRecord', {
          name,
          content: seen.content,
          hosts: seen.hosts,
          meta: { from: 'the second device' },
        }),
        'D publishes the update',
      )
      assert.ok(update.accepted >= 1, 'relays accept it')
      assert.ok(update.record.seq > original.record.seq, `seq ${update.record.seq}`)
      assert.equal(update.record.holder, aId.owner)
      const onB = value(await b.call('resolve', name, true), 'B resolves')
      assert.equal(onB.seq, update.record.seq)
      assert.deepEqual(onB.meta, { from: 'the second device' })
      assert.equal(onB.holder, aId.owner)
      await leave(d)
    }),
  )

  it(
    'after A loses a relay reservation and takes one on another relay, the republished record keeps the site reachable for a fresh visitor',
    bounded(
      async () => {
        const before = value(await b.call('resolve', SITE, true), 'resolve')
        const reserved = (await a.call('relays')).reserved
        // Never the first relay: it serves the pages.
        const victim = network!.relays.find((r, i) => i > 0 && reserved.includes(r.peerId))
        assert.ok(victim !== undefined, `A's reservations: ${reserved.join()}`)
        assert.ok(
          addrsOf(before).some((x) => x.includes(`/p2p/${victim.peerId}/p2p-circuit`)),
          'the record lists the relay about to stop',
        )
        const t0 = Date.now()
        await victim.stop()
        const now = await a.call('waitReservations', { not: [victim.peerId], count: 2 })
        const movedMs = Date.now() - t0
        const signed = await eventually(
          'A re-signing its record',
          REPUBLISH_TIMEOUT_MS,
          async () => {
            const own = await a.call('ownRecord', SITE)
            return own !== null &&
              own.seq > before.seq &&
              !own.addrs.some((x) => x.includes(`/p2p/${victim.peerId}/`))
              ? own
              : undefined
          },
        )
        const signedMs = Date.now() - t0
        const moved = await eventually('the republished record', REPUBLISH_TIMEOUT_MS, async () => {
          const r = value(await b.call('resolve', SITE, true), 'resolve')
          return r.seq > before.seq && !addrsOf(r).some((x) => x.includes(`/p2p/${victim.peerId}/`))
            ? r
            : undefined
        })
        console.log(
          `  after the relay stopped: A moved in ${movedMs} ms, re-signed its record in ${signedMs} ms, B saw it in ${Date.now() - t0} ms`,
        )
        assert.equal(moved.seq, signed.seq)
        assert.equal(moved.content, published.root)
        assert.ok(
          addrsOf(moved).some((x) => now.some((p) => x.includes(`/p2p/${p}/p2p-circuit`))),
          'the new relay is in the record',
        )

        const t1 = Date.now()
        const [e] = await join('E')
        console.log(`  a fresh visitor started in ${Date.now() - t1} ms`)
        const seen = value(await e.call('resolve', SITE), 'E resolves')
        assert.equal(seen.seq, moved.seq)
        const clip = await e.call('fetch', `an://${SITE}${CLIP.path}`)
        assert.equal(clip.status, 200, clip.headers['x-an-error'])
        assert.equal(clip.sha256, published.sha256[CLIP.path])
        await leave(e)
      },
      2 * REPUBLISH_TIMEOUT_MS + TEST_TIMEOUT_MS,
    ),
  )

  it(
    'identity, pins and cached records survive a page reload',
    bounded(async () => {
      const pinned = await b.call('pin', SITE)
      assert.deepEqual(pinned, { holder: aId.owner, replaced: false })
      const cached = await b.call('cached', SITE)
      assert.ok(cached !== null)
      await b.load(true)
      const again = await b.call('start')
      assert.deepEqual(again, bId, 'same peer ID, same owner key')
      assert.deepEqual(await b.call('pin', SITE), pinned)
      assert.deepEqual(await b.call('cached', SITE), cached)
      const resolved = value(await b.call('resolve', SITE), 'resolve after reload')
      assert.equal(resolved.fromCache, true, 'answered from the cache kept across the reload')
      assert.equal(resolved.seq, cached.seq)
    }),
  )

  it(
    'with every relay stopped, B still fetches from A over the direct WebRTC link and resolves from its cache',
    bounded(async () => {
      // Once over the network after the reload: a new direct connection to A.
      const clip = await b.call('fetch', `an://${SITE}${CLIP.path}`)
      assert.equal(clip.status, 200, clip.headers['x-an-error'])
      assert.equal(clip.sha256, published.sha256[CLIP.path])
      assert.ok(
        (await b.call('connectionsTo', aId.peerId)).some((l) => l.direct),
        'direct before',
      )

      await Promise.all(network!.relays.filter((r) => !r.stopped).map((r) => r.stop()))
      await eventually('B and A without relays', 20_000, async () => {
        const [ra, rb] = await Promise.all([a.call('relays'), b.call('relays')])
        return ra.connected.length === 0 && rb.connected.length === 0 ? true : undefined
      })
      const late = await b.call('fetch', `an://${SITE}${LATE.path}`)
      assert.equal(late.status, 200, late.headers['x-an-error'])
      assert.equal(late.sha256, published.sha256[LATE.path])
      const links = await b.call('connectionsTo', aId.peerId)
      assert.ok(
        links.length > 0 && links.every((l) => l.direct),
        `only the direct link: ${JSON.stringify(links)}`,
      )
      const resolved = value(await b.call('resolve', SITE), 'resolve without relays')
      assert.equal(resolved.fromCache, true)
      assert.equal(resolved.content, published.root)
    }),
  )
})
