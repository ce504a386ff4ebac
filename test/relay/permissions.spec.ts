/**
 * Permissioned naming and takedown: trusted registrars, signed revocations (HTTP and
 * `/an/revoke/1.0.0`, passed on between relays, kept across restarts) and the blocklist.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { peerIdFromString } from '@libp2p/peer-id'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { equals, toHex } from '../../src/core/bytes.ts'
import {
  createRegistration,
  createRevocation,
  verifyRevocation,
} from '../../src/core/records/index.ts'
import { sendRevocation } from '../../relay-node/src/revoke.ts'
import { createClient, getDirect, putDirect, type Client } from './support/client.ts'
import {
  contentRoot,
  dhtKey,
  generateKeyPair,
  rootRecord,
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

const DAY = 86_400_000

async function registered(
  name: string,
  holder: Ed25519KeyPair,
  registrar: Ed25519KeyPair,
  fields: {
    seq?: number
    expires?: number
    content?: Awaited<ReturnType<typeof contentRoot>>
  } = {},
): Promise<Uint8Array> {
  const registration = await createRegistration(
    { name, owner: holder.publicKey, expires: fields.expires ?? Date.now() + DAY },
    registrar,
  )
  return rootRecord(name, holder, { seq: fields.seq ?? 1, registration, content: fields.content })
}

async function rejected(relay: RelayProcess, reason: string): Promise<number> {
  return metricValue(
    await (await fetch(`${relay.http}/metrics`)).text(),
    `alternet_relay_rejected_records_total{reason="${reason}"}`,
  )
}

describe('registrars, revocations and the blocklist', () => {
  let dir: string
  const registrar = generateKeyPair()
  const revoker = generateKeyPair()
  let blocked: Awaited<ReturnType<typeof contentRoot>>
  let gated: RelayProcess
  let open: RelayProcess
  let client: Client

  before(async () => {
    dir = await tempDir()
    blocked = await contentRoot('known bad content')
    for (const name of ['gated', 'open']) {
      await mkdir(`${dir}/${name}`, { recursive: true })
      await writeFile(
        `${dir}/${name}/trusted-revokers`,
        `# takedown authority\n${toHex(revoker.publicKey)}\n`,
      )
    }
    await writeFile(
      `${dir}/gated/trusted-registrars`,
      `${toHex(registrar.publicKey)}  # the registrar\n`,
    )
    await writeFile(`${dir}/gated/blocklist`, `${blocked.toString()}\n`)
    gated = await startRelay(`${dir}/gated`)
    open = await startRelay(`${dir}/open`, ['--bootstrap', gated.tcp])
    await waitFor(
      'the relays to connect',
      async () => ((await getJson(open, '/health')).peers as number) >= 1,
    )
    client = await createClient({ relays: [gated.tcp, open.tcp], listen: true })
  })

  after(async () => {
    await client.stop()
    await Promise.all([gated.stop(), open.stop()])
    await removeDir(dir)
  })

  it('tells browsers the keys it trusts in the well-known document', async () => {
    const doc = await getJson<{ trustedRegistrars: string[]; trustedRevokers: string[] }>(
      gated,
      '/.well-known/alternet.json',
    )
    assert.deepEqual(doc.trustedRegistrars, [toHex(registrar.publicKey)])
    assert.deepEqual(doc.trustedRevokers, [toHex(revoker.publicKey)])
    const openDoc = await getJson<{ trustedRegistrars: string[]; trustedRevokers: string[] }>(
      open,
      '/.well-known/alternet.json',
    )
    assert.deepEqual(openDoc.trustedRegistrars, [])
    assert.deepEqual(openDoc.trustedRevokers, [toHex(revoker.publicKey)])
  })

  it('stores only names a trusted registrar signed', async () => {
    const holder = generateKeyPair()
    const name = uniqueName('reg')
    const key = await dhtKey(name)
    assert.equal(
      await putDirect(client, gated.peerId, key, await rootRecord(name, holder)),
      false,
      'stored a name without registration',
    )
    assert.equal(
      await putDirect(client, gated.peerId, key, await registered(name, holder, generateKeyPair())),
      false,
      'stored a name registered by a stranger',
    )
    assert.ok((await rejected(gated, 'unregistered')) >= 2)
    const good = await registered(name, holder, registrar)
    assert.ok(await putDirect(client, gated.peerId, key, good), 'refused a registered name')
    const got = await getDirect(client, gated.peerId, key)
    assert.ok(got != null && equals(got, good))
    // The open relay takes names without registration.
    assert.ok(await putDirect(client, open.peerId, key, await rootRecord(name, holder)))
  })

  it('hands a live name to another key only on a newer registration', async () => {
    const name = uniqueName('transfer')
    const key = await dhtKey(name)
    const first = generateKeyPair()
    const second = generateKeyPair()
    const expires = Date.now() + DAY
    assert.ok(
      await putDirect(
        client,
        gated.peerId,
        key,
        await registered(name, first, registrar, { expires }),
      ),
    )
    assert.equal(
      await putDirect(
        client,
        gated.peerId,
        key,
        await registered(name, second, registrar, { expires, seq: 9 }),
      ),
      false,
      'a same-age registration took the name',
    )
    const transfer = await registered(name, second, registrar, { expires: expires + DAY })
    assert.ok(
      await putDirect(client, gated.peerId, key, transfer),
      'the newer registration did not hand the name over',
    )
    const got = await getDirect(client, gated.peerId, key)
    assert.ok(got != null && equals(got, transfer))
  })

  it('refuses records and provider records of blocked content', async () => {
    const holder = generateKeyPair()
    const name = uniqueName('blocked')
    const before = await rejected(gated, 'blocked')
    assert.equal(
      await putDirect(
        client,
        gated.peerId,
        await dhtKey(name),
        await registered(name, holder, registrar, { content: blocked }),
      ),
      false,
    )
    assert.ok((await rejected(gated, 'blocked')) > before)
    // Provider records: the blocked root is refused by the gated relay, kept by the open one.
    const fine = await contentRoot(`fine ${name}`)
    for await (const _ of client.services.dht.provide(fine, {
      signal: AbortSignal.timeout(10_000),
    }))
      void _
    for await (const _ of client.services.dht.provide(blocked, {
      signal: AbortSignal.timeout(10_000),
    }))
      void _
    await waitFor(
      'provider records to land',
      async () => ((await getJson(open, '/health')).providers as number) >= 2,
    )
    const gatedHealth = await getJson(gated, '/health')
    assert.equal(
      gatedHealth.providers,
      1,
      'the gated relay stored a provider record of blocked content',
    )
  })

  it('takes a name down on a trusted revocation, passes it on, and keeps it after a restart', async () => {
    const holder = generateKeyPair()
    const name = uniqueName('revoked')
    const key = await dhtKey(name)
    const content = await contentRoot(`content of ${name}`)
    assert.ok(
      await putDirect(
        client,
        gated.peerId,
        key,
        await registered(name, holder, registrar, { content }),
      ),
    )
    assert.ok(
      await putDirect(client, open.peerId, key, await rootRecord(name, holder, { content })),
    )

    const revocation = await createRevocation({ name }, revoker)
    const res = await fetch(`${gated.http}/revoke`, {
      method: 'POST',
      body: revocation.bytes as Uint8Array<ArrayBuffer>,
    })
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { ok: true, fresh: true })
    assert.equal(
      await getDirect(client, gated.peerId, key),
      undefined,
      'the revoked name is still served',
    )
    // Browsers fetch the signed revocation, for the name and for any name under it.
    const served = async (relay: RelayProcess, site: string): Promise<Response> =>
      fetch(`${relay.http}/revocations/${encodeURIComponent(site)}`, {
        headers: { origin: 'https://an.example.org' },
      })
    for (const site of [name, `www.${name}`]) {
      const got = await served(gated, site)
      assert.equal(got.status, 200, site)
      assert.equal(got.headers.get('content-type'), 'application/octet-stream')
      assert.equal(got.headers.get('access-control-allow-origin'), '*')
      const bytes = new Uint8Array(await got.arrayBuffer())
      assert.ok(equals(bytes, revocation.bytes), 'not the revocation as stored')
      assert.equal(
        (await verifyRevocation(bytes, { trustedRevokers: [revoker.publicKey] })).body.name,
        name,
      )
    }
    assert.equal((await served(gated, uniqueName('unrevoked'))).status, 404)
    // Passed on over /an/revoke/1.0.0 to the other relay.
    await waitFor(
      'the open relay to drop the name',
      async () => (await getDirect(client, open.peerId, key)) === undefined,
    )
    assert.equal(
      (await served(open, name)).status,
      200,
      'the relay the revocation was passed on to does not serve it',
    )
    assert.equal(
      await putDirect(
        client,
        open.peerId,
        key,
        await rootRecord(name, holder, { seq: 2, content }),
      ),
      false,
      'the revoked name came back',
    )
    // Its content root is blocked too, under any name.
    const other = uniqueName('reuse')
    assert.equal(
      await putDirect(
        client,
        gated.peerId,
        await dhtKey(other),
        await registered(other, holder, registrar, { content }),
      ),
      false,
    )

    assert.equal(await gated.stop(), 0)
    gated = await startRelay(`${dir}/gated`)
    const again = await createClient({ relays: [gated.tcp] })
    try {
      assert.equal(
        await putDirect(
          again,
          gated.peerId,
          key,
          await registered(name, holder, registrar, { seq: 3 }),
        ),
        false,
        'the revocation did not survive a restart',
      )
      const kept = await served(gated, name)
      assert.equal(kept.status, 200, 'the revocation is not served after a restart')
      assert.ok(equals(new Uint8Array(await kept.arrayBuffer()), revocation.bytes))
    } finally {
      await again.stop()
    }
  })

  it('accepts revocations of content roots over libp2p from trusted revokers only', async () => {
    const target = await contentRoot('revoked over libp2p')
    const untrusted = await createRevocation(
      { name: uniqueName('x'), roots: [target] },
      generateKeyPair(),
    )
    const refusal = await sendRevocation(client, peerIdFromString(open.peerId), untrusted.bytes)
    assert.equal(refusal.ok, false)
    assert.equal(refusal.error, 'RevocationRefusedError')
    const name = uniqueName('roots')
    const revocation = await createRevocation({ name, roots: [target] }, revoker)
    const answer = await sendRevocation(client, peerIdFromString(open.peerId), revocation.bytes)
    assert.deepEqual(answer, { ok: true, fresh: true })
    const holder = generateKeyPair()
    const site = uniqueName('uses-root')
    assert.equal(
      await putDirect(
        client,
        open.peerId,
        await dhtKey(site),
        await rootRecord(site, holder, { content: target }),
      ),
      false,
      'a revoked content root was stored',
    )
    // The name itself is not blocked by a roots-only revocation.
    assert.ok(
      await putDirect(
        client,
        open.peerId,
        await dhtKey(name),
        await rootRecord(name, holder, { content: await contentRoot('other') }),
      ),
    )
  })

  it('a revocation naming old content roots leaves the current record and its root alone', async () => {
    const holder = generateKeyPair()
    const name = uniqueName('old-roots')
    const key = await dhtKey(name)
    const old = await contentRoot(`old version of ${name}`)
    const current = await contentRoot(`current version of ${name}`)
    const record = await rootRecord(name, holder, { seq: 2, content: current })
    assert.ok(await putDirect(client, open.peerId, key, record))
    const revocation = await createRevocation({ name, roots: [old] }, revoker)
    const answer = await sendRevocation(client, peerIdFromString(open.peerId), revocation.bytes)
    assert.deepEqual(answer, { ok: true, fresh: true })
    const got = await getDirect(client, open.peerId, key)
    assert.ok(got != null && equals(got, record), 'the current record was deleted')
    // The current root is not blocked: another name may use it; the listed old root is.
    const other = uniqueName('same-content')
    assert.ok(
      await putDirect(
        client,
        open.peerId,
        await dhtKey(other),
        await rootRecord(other, holder, { content: current }),
      ),
      'the current content root was blocked',
    )
    assert.equal(
      await putDirect(
        client,
        open.peerId,
        await dhtKey(uniqueName('old-content')),
        await rootRecord(uniqueName('old-content'), holder, { content: old }),
      ),
      false,
      'the listed root was not blocked',
    )
    // A revocation listing the current root takes the record down.
    const now = await createRevocation({ name, roots: [current] }, revoker)
    assert.deepEqual(await sendRevocation(client, peerIdFromString(open.peerId), now.bytes), {
      ok: true,
      fresh: true,
    })
    assert.equal(await getDirect(client, open.peerId, key), undefined, 'the record is still served')
  })
})
