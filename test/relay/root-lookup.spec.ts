/**
 * Root-name look-ups for subdomain writes: cached (found and not found), shared by concurrent
 * writes under one root, bounded in number (`busy`), and the subdomain rules unchanged. First
 * the policy alone with a scripted DHT and clock, then real relay processes and their metrics.
 */
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryDatastore } from 'datastore-core'
import { equals } from '../../src/core/bytes.ts'
import { ROOT_CACHE_EXPIRY_MARGIN_MS } from '../../relay-node/src/constants.ts'
import { createLogger } from '../../relay-node/src/log.ts'
import { Permissions } from '../../relay-node/src/permissions.ts'
import {
  AnRecordPolicy,
  type RootLookupLimits,
  type RootLookupShare,
} from '../../relay-node/src/record-policy.ts'
import { createClient, getDirect, putDirect, type Client } from './support/client.ts'
import {
  dhtKey,
  generateKeyPair,
  rootRecord,
  subdomainRecord,
  uniqueName,
  type Ed25519KeyPair,
} from './support/records.ts'
import {
  getJson,
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from './support/relay-process.ts'

const NEGATIVE_TTL = 30_000
const POSITIVE_TTL = 60_000

/** A gate that look-ups wait at until it opens. */
function closedGate(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

/** A policy over a scripted DHT: look-ups wait for `release()`, then answer `published`. */
async function scripted(limits: Partial<RootLookupLimits> = {}) {
  const permissions = new Permissions(
    await mkdtemp(join(tmpdir(), 'an-policy-')),
    new MemoryDatastore(),
    createLogger('silent'),
  )
  let clock = Date.now()
  const stats = { lookups: 0, network: 0, shared: new Map<RootLookupShare, number>() }
  const published = new Map<string, Uint8Array>()
  const local = new Map<string, Uint8Array>()
  let gate = closedGate()
  gate.resolve()
  const policy = new AnRecordPolicy(permissions, {
    now: () => clock,
    rootLookup: { negativeTtlMs: NEGATIVE_TTL, positiveTtlMs: POSITIVE_TTL, ...limits },
    events: {
      lookup: () => stats.lookups++,
      shared: (how) => stats.shared.set(how, (stats.shared.get(how) ?? 0) + 1),
    },
  })
  const id = (key: Uint8Array): string => Buffer.from(key).toString('hex')
  policy.useRootRecords({
    local: async (key) => local.get(id(key)),
    network: async (key) => {
      stats.network++
      await gate.promise
      const value = published.get(id(key))
      return value === undefined ? [] : [value]
    },
  })
  return {
    policy,
    stats,
    shared: (how: RootLookupShare) => stats.shared.get(how) ?? 0,
    now: () => clock,
    advance: (ms: number) => (clock += ms),
    hold: () => (gate = closedGate()),
    release: () => gate.resolve(),
    publish: async (name: string, value: Uint8Array) =>
      published.set(id(await dhtKey(name)), value),
    storeLocally: async (name: string, value: Uint8Array) =>
      local.set(id(await dhtKey(name)), value),
    /** The refusal reason of a subdomain write, or 'stored'. */
    write: async (name: string, signer: Ed25519KeyPair): Promise<string> =>
      check(policy, await dhtKey(name), await subdomainRecord(name, signer)),
    check: (key: Uint8Array, value: Uint8Array) => check(policy, key, value),
  }
}

/** The refusal reason of a write, or 'stored'. */
async function check(policy: AnRecordPolicy, key: Uint8Array, value: Uint8Array): Promise<string> {
  try {
    await policy.checkPut(key, value, undefined)
    return 'stored'
  } catch (err) {
    return (err as { reason?: string }).reason ?? String(err)
  }
}

/** Lets pending promise callbacks and I/O callbacks run a few rounds. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
}

describe('root look-ups of subdomain writes (policy)', () => {
  it('shares one DHT look-up among concurrent writes under one root, then answers from the cache', async () => {
    const s = await scripted()
    const root = uniqueName('unknown')
    const squatter = generateKeyPair()
    const offers = await Promise.all(
      Array.from(
        { length: 25 },
        async (_, i) =>
          [
            await dhtKey(`s${i}.${root}`),
            await subdomainRecord(`s${i}.${root}`, squatter),
          ] as const,
      ),
    )
    s.hold()
    const writes = offers.map(([key, value]) => s.check(key, value))
    // Signature checks come first and may take many turns on a loaded machine: wait until every
    // write has reached the look-up, rather than for a fixed number of turns.
    await waitFor(
      'every write to reach the root look-up',
      () => s.stats.network + s.shared('in-flight') >= offers.length,
      10_000,
      10,
    )
    await settle()
    // Every write waits on the one look-up in flight.
    assert.equal(s.stats.network, 1, 'more than one DHT look-up in flight for one root')
    assert.equal(s.shared('in-flight'), 24)
    s.release()
    const reasons = await Promise.all(writes)
    assert.ok(
      reasons.every((r) => r === 'root-not-found'),
      `reasons: ${[...new Set(reasons)].join(', ')}`,
    )
    assert.equal(s.stats.network, 1, 'more than one DHT look-up for one root')
    assert.equal(s.stats.lookups, 1)
    // Later writes under the same root: the negative entry answers.
    for (let i = 0; i < 10; i++)
      assert.equal(await s.write(`late${i}.${root}`, squatter), 'root-not-found')
    assert.equal(s.stats.network, 1)
    assert.ok(s.shared('cached-not-found') >= 10)
  })

  it('finds a root published after the negative entry expired, and keeps the subdomain rules', async () => {
    const s = await scripted()
    const owner = generateKeyPair()
    const squatter = generateKeyPair()
    const root = uniqueName('late')
    assert.equal(await s.write(`www.${root}`, owner), 'root-not-found')
    await s.publish(root, await rootRecord(root, owner))
    // Within the negative entry's life the DHT is not asked again.
    assert.equal(await s.write(`www.${root}`, owner), 'root-not-found')
    assert.equal(s.stats.network, 1)
    s.advance(NEGATIVE_TTL)
    assert.equal(await s.write(`www.${root}`, owner), 'stored')
    assert.equal(s.stats.network, 2)
    // The found root is reused (re-validated) for the next writes: squatter refused, owner accepted.
    assert.equal(await s.write(`api.${root}`, squatter), 'unauthorized-signer')
    assert.equal(await s.write(`api.${root}`, owner), 'stored')
    assert.equal(s.stats.network, 2)
    assert.equal(s.shared('cached-found'), 2)
    // Past the positive TTL the DHT is asked again.
    s.advance(POSITIVE_TTL)
    assert.equal(await s.write(`mail.${root}`, owner), 'stored')
    assert.equal(s.stats.network, 3)
  })

  it('does not reuse a found root record near or past its expiry', async () => {
    const s = await scripted()
    const owner = generateKeyPair()
    const root = uniqueName('short')
    const created = s.now()
    await s.publish(root, await rootRecord(root, owner, { created, expires: created + 20_000 }))
    assert.equal(await s.write(`www.${root}`, owner), 'stored')
    assert.equal(await s.write(`api.${root}`, owner), 'stored')
    assert.equal(s.stats.network, 1)
    // Within ROOT_CACHE_EXPIRY_MARGIN_MS of its expiry the cached record is not reused: the DHT is asked.
    s.advance(20_000 - ROOT_CACHE_EXPIRY_MARGIN_MS)
    assert.equal(await s.write(`www.${root}`, owner), 'stored')
    assert.equal(s.stats.network, 2)
    // Expired, the record the DHT still serves is no root.
    s.advance(ROOT_CACHE_EXPIRY_MARGIN_MS)
    assert.equal(await s.write(`www.${root}`, owner), 'root-not-found')
    assert.equal(s.stats.network, 3)
  })

  it("uses the relay's own root record without a DHT look-up", async () => {
    const s = await scripted()
    const owner = generateKeyPair()
    const root = uniqueName('own')
    assert.equal(await s.write(`www.${root}`, owner), 'root-not-found')
    // Stored here after the negative entry: seen at once.
    await s.storeLocally(root, await rootRecord(root, owner))
    assert.equal(await s.write(`www.${root}`, owner), 'stored')
    assert.equal(await s.write(`www.${root}`, generateKeyPair()), 'unauthorized-signer')
    assert.equal(s.stats.network, 1)
  })

  it('refuses writes that need a look-up beyond the bound (busy), but lets them join one in flight', async () => {
    const s = await scripted({ maxConcurrent: 2 })
    const signer = generateKeyPair()
    const [a, b, c] = [uniqueName('a'), uniqueName('b'), uniqueName('c')]
    s.hold()
    const first = [s.write(`www.${a}`, signer), s.write(`www.${b}`, signer)]
    await settle()
    assert.equal(await s.write(`www.${c}`, signer), 'busy')
    const joined = s.write(`api.${a}`, signer)
    await settle()
    assert.equal(s.stats.network, 2)
    s.release()
    assert.deepEqual(await Promise.all([...first, joined]), [
      'root-not-found',
      'root-not-found',
      'root-not-found',
    ])
    // With the look-ups done, the refused root can be looked up.
    assert.equal(await s.write(`www.${c}`, signer), 'root-not-found')
    assert.equal(s.stats.network, 3)
  })

  it('keeps at most cacheSize results', async () => {
    const s = await scripted({ cacheSize: 2 })
    const signer = generateKeyPair()
    const roots = [uniqueName('x'), uniqueName('y'), uniqueName('z')]
    for (const root of roots) await s.write(`www.${root}`, signer)
    assert.equal(s.stats.network, 3)
    // The last two are cached; the first was evicted.
    await s.write(`api.${roots[2]}`, signer)
    await s.write(`api.${roots[1]}`, signer)
    assert.equal(s.stats.network, 3)
    await s.write(`api.${roots[0]}`, signer)
    assert.equal(s.stats.network, 4)
  })
})

describe('root look-ups of subdomain writes (relays)', () => {
  let dir: string
  let holder: RelayProcess
  let cached: RelayProcess
  let brief: RelayProcess
  const clients: Client[] = []

  const counter = async (relay: RelayProcess, sample: string): Promise<number> =>
    metricValue(await (await fetch(`${relay.http}/metrics`)).text(), sample)

  before(async () => {
    dir = await tempDir()
    holder = await startRelay(`${dir}/holder`)
    // One relay keeps "not found" far longer than the spec runs; the other a moment only.
    ;[cached, brief] = await Promise.all([
      startRelay(`${dir}/cached`, [
        '--bootstrap',
        holder.tcp,
        '--root-negative-ttl',
        '10m',
        '--root-cache-ttl',
        '10m',
      ]),
      startRelay(`${dir}/brief`, [
        '--bootstrap',
        holder.tcp,
        '--root-negative-ttl',
        '300ms',
        '--root-cache-ttl',
        '10m',
      ]),
    ])
  })

  after(async () => {
    await Promise.all(clients.map((c) => c.stop()))
    await Promise.all([holder, cached, brief].filter((r) => r != null).map((r) => r.stop()))
    await removeDir(dir)
  })

  it('looks up an unknown root once for many subdomain writes', async () => {
    const client = await createClient({ relays: [cached.tcp] })
    clients.push(client)
    const squatter = generateKeyPair()
    const root = uniqueName('nobody')
    const before = await counter(cached, 'alternet_relay_root_lookups_total')
    const WRITES = 30
    const names = Array.from({ length: WRITES }, (_, i) => `fake${i}.${root}`)
    const stored = await Promise.all(
      names.map(async (name) =>
        putDirect(client, cached.peerId, await dhtKey(name), await subdomainRecord(name, squatter)),
      ),
    )
    assert.ok(
      stored.every((s) => !s),
      'a subdomain of a root nobody holds was stored',
    )
    assert.equal(
      (await counter(cached, 'alternet_relay_root_lookups_total')) - before,
      1,
      'more than one DHT look-up for one root',
    )
    const shared =
      (await counter(cached, 'alternet_relay_root_lookups_shared_total{how="in-flight"}')) +
      (await counter(cached, 'alternet_relay_root_lookups_shared_total{how="cached-not-found"}'))
    assert.ok(shared >= WRITES - 1, `only ${shared} writes shared the look-up`)
    assert.ok(
      (await counter(cached, 'alternet_relay_rejected_records_total{reason="root-not-found"}')) >=
        WRITES,
    )
  })

  it('finds a root published elsewhere after its negative entry expired; squatter refused, owner accepted', async () => {
    const client = await createClient({ relays: [brief.tcp, holder.tcp] })
    clients.push(client)
    const owner = generateKeyPair()
    const squatter = generateKeyPair()
    const root = uniqueName('late')
    const sub = `www.${root}`
    const subKey = await dhtKey(sub)
    const real = await subdomainRecord(sub, owner)
    assert.equal(
      await putDirect(client, brief.peerId, subKey, real),
      false,
      'a subdomain was stored before its root existed',
    )
    // The root reaches the other relay only: `brief` must find it in the DHT.
    assert.ok(
      await putDirect(client, holder.peerId, await dhtKey(root), await rootRecord(root, owner)),
    )
    await waitFor('the relay to find the root once its negative entry expired', async () =>
      putDirect(client, brief.peerId, subKey, real),
    )
    const got = await getDirect(client, brief.peerId, subKey)
    assert.ok(got != null && equals(got, real))
    const lookups = await counter(brief, 'alternet_relay_root_lookups_total')
    assert.ok(lookups >= 2, `${lookups} look-ups`)
    // The found root is cached: the squatter is refused without another look-up.
    const hits = await counter(
      brief,
      'alternet_relay_root_lookups_shared_total{how="cached-found"}',
    )
    assert.equal(
      await putDirect(
        client,
        brief.peerId,
        await dhtKey(`api.${root}`),
        await subdomainRecord(`api.${root}`, squatter),
      ),
      false,
      'a squatter stored a subdomain',
    )
    assert.ok(
      (await counter(
        brief,
        'alternet_relay_rejected_records_total{reason="unauthorized-signer"}',
      )) >= 1,
    )
    assert.ok(
      await putDirect(
        client,
        brief.peerId,
        await dhtKey(`api.${root}`),
        await subdomainRecord(`api.${root}`, owner),
      ),
      "the root holder's subdomain was refused",
    )
    assert.equal(await counter(brief, 'alternet_relay_root_lookups_total'), lookups)
    assert.equal(
      (await counter(brief, 'alternet_relay_root_lookups_shared_total{how="cached-found"}')) - hits,
      2,
    )
  })
})

describe('root look-ups of subdomain writes: rival holders (relays)', () => {
  let dir: string
  let a: RelayProcess
  let b: RelayProcess
  let c: RelayProcess
  let judge: RelayProcess
  let client: Client
  const HOUR = 3_600_000

  before(async () => {
    dir = await tempDir()
    a = await startRelay(`${dir}/a`)
    b = await startRelay(`${dir}/b`, ['--bootstrap', a.tcp])
    // c looks nothing up (its look-ups end at once), so it keeps a rival the others refuse: it
    // stands in for a Sybil server answering with the rival.
    c = await startRelay(`${dir}/c`, ['--bootstrap', a.tcp, '--root-lookup-timeout', '1'])
    // The judge holds no root record itself: it must ask the others.
    judge = await startRelay(`${dir}/judge`, [
      '--bootstrap',
      a.tcp,
      '--bootstrap',
      b.tcp,
      '--bootstrap',
      c.tcp,
    ])
    await waitFor(
      'the judge to know the three relays',
      async () => ((await getJson(judge, '/health')).peers as number) >= 3,
    )
    client = await createClient({ relays: [a.tcp, b.tcp, c.tcp, judge.tcp] })
  })

  after(async () => {
    await client?.stop()
    await Promise.all([a, b, c, judge].filter((r) => r != null).map((r) => r.stop()))
    await removeDir(dir)
  })

  /** The owner's root record, and a rival of another key back-dated 47 h (earliest `created`). */
  async function rivals(root: string) {
    const owner = generateKeyPair()
    const rogue = generateKeyPair()
    const now = Date.now()
    const real = await rootRecord(root, owner, { created: now - 1000 })
    const rival = await rootRecord(root, rogue, {
      created: now - 47 * HOUR,
      expires: now + HOUR,
    })
    return { owner, rogue, real, rival, key: await dhtKey(root) }
  }

  const rejectedFor = async (reason: string): Promise<number> =>
    metricValue(
      await (await fetch(`${judge.http}/metrics`)).text(),
      `alternet_relay_rejected_records_total{reason="${reason}"}`,
    )

  it('follows the holder most relays return, not a back-dated rival from one', async () => {
    const root = uniqueName('majority')
    const { owner, rogue, real, rival, key } = await rivals(root)
    assert.ok(await putDirect(client, a.peerId, key, real))
    assert.ok(await putDirect(client, b.peerId, key, real))
    assert.ok(await putDirect(client, c.peerId, key, rival))
    const sub = `www.${root}`
    const subKey = await dhtKey(sub)
    const ownerSub = await subdomainRecord(sub, owner)
    assert.ok(
      await putDirect(client, judge.peerId, subKey, ownerSub),
      "the root owner's subdomain record was refused",
    )
    assert.equal(
      await putDirect(client, judge.peerId, subKey, await subdomainRecord(sub, rogue, { seq: 2 })),
      false,
      "the back-dated rival's subdomain record was stored",
    )
    const got = await getDirect(client, judge.peerId, subKey)
    assert.ok(got != null && equals(got, ownerSub))
  })

  it('refuses subdomain writes while different holders tie, whichever is older', async () => {
    const root = uniqueName('tie')
    const { owner, rogue, real, rival, key } = await rivals(root)
    assert.ok(await putDirect(client, a.peerId, key, real))
    assert.ok(await putDirect(client, c.peerId, key, rival))
    const before = await rejectedFor('root-contested')
    for (const signer of [rogue, owner]) {
      const sub = `api.${root}`
      assert.equal(
        await putDirect(
          client,
          judge.peerId,
          await dhtKey(sub),
          await subdomainRecord(sub, signer),
        ),
        false,
        'a subdomain was stored while its root is contested',
      )
    }
    assert.ok((await rejectedFor('root-contested')) >= before + 2)
  })
})
