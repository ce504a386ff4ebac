/**
 * The relay's registrar API over real HTTP against real relay processes on a permissioned
 * network (the relay trusts its own registrar key as registrar and revoker): every endpoint with
 * a good token, a wrong one and none (the same 401 whatever the path or name), register, renew,
 * transfer and revoke, publishing a site as a CAR (mirrored and served by the relay, then
 * counted in its statistics), refusals (forged owner signature, unregistered name, missing or
 * tampered blocks, oversized bodies) and the per-client and per-token rate limits.
 */
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { request, type IncomingHttpHeaders } from 'node:http'
import { peerIdFromString } from '@libp2p/peer-id'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { equals, fromHex, toHex } from '../../src/core/bytes.ts'
import { toOriginLabel } from '../../src/core/names/index.ts'
import { generateKeyPair, sign } from '../../src/core/crypto/ed25519.ts'
import { encodeEnvelope } from '../../src/core/records/codec.ts'
import {
  createRecord,
  encodeRecord,
  recordSigningBytes,
  verifyRegistration,
  type Registration,
} from '../../src/core/records/index.ts'
import { carOf, packSite } from './support/car-upload.ts'
import { gatewayRequest } from './support/gateway-client.ts'
import { uniqueName } from './support/records.ts'
import { removeDir, startRelay, tempDir, type RelayProcess } from './support/relay-process.ts'
import { startVisitor } from './support/site-publisher.ts'

const TOKEN = 'good-token-0123456789abcdef'
const WRONG = 'good-token-0123456789abcdeX'
const OTHER = 'other-token-0123456789abcdef'

interface Reply {
  status: number
  headers: IncomingHttpHeaders
  body: Record<string, unknown>
}

/** One API request over node:http (which can pick the local address the request comes from). */
function call(
  relay: RelayProcess,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; body?: Uint8Array; from?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {}
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  let body: Uint8Array | undefined
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = new TextEncoder().encode(JSON.stringify(options.json))
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/vnd.ipld.car'
    body = options.body
  }
  if (body !== undefined) headers['content-length'] = String(body.length)
  const url = new URL(relay.http + path)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        method,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        headers,
        localAddress: options.from,
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (d: Buffer) => chunks.push(d))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** A gateway GET with a chosen Host header. */
function registrationOf(reply: Reply): Registration {
  const r = reply.body.registration as { registrar: string; expires: number; sig: string }
  return { registrar: fromHex(r.registrar), expires: r.expires, sig: fromHex(r.sig) }
}

describe('relay registrar API', () => {
  let dir: string
  let relay: RelayProcess
  let strict: RelayProcess
  const registrar = generateKeyPair()
  const alice = generateKeyPair()
  const bob = generateKeyPair()
  const name = uniqueName('api')
  let aliceRegistration: Registration

  before(async () => {
    dir = await tempDir()
    const data = `${dir}/data`
    await mkdir(data, { recursive: true })
    await writeFile(`${dir}/tokens`, `# operators\n${TOKEN} ci-pipeline\n${OTHER}\n`)
    await writeFile(`${dir}/registrar-key`, toHex(registrar.seed) + '\n', { mode: 0o600 })
    await writeFile(`${data}/trusted-registrars`, toHex(registrar.publicKey) + '\n')
    await writeFile(`${data}/trusted-revokers`, toHex(registrar.publicKey) + '\n')
    const common = ['--api-tokens', `${dir}/tokens`, '--registrar-key', `${dir}/registrar-key`]
    relay = await startRelay(data, [...common, '--mirror-policy', 'registered'])
    strict = await startRelay(`${dir}/strict`, [
      ...common,
      '--api-rate',
      '0',
      '--api-token-rate',
      '0',
      '--api-burst',
      '3',
      '--api-max-publish-bytes',
      '4KiB',
    ])
  })

  after(async () => {
    await relay?.stop()
    await strict?.stop()
    await removeDir(dir)
  })

  it('serves its OpenAPI description without a token', async () => {
    const reply = await call(relay, 'GET', '/api/v1/openapi.json')
    assert.equal(reply.status, 200)
    assert.equal(reply.body.openapi, '3.1.0')
    const paths = Object.keys(reply.body.paths as object)
    for (const p of ['/names/{name}/register', '/sites/{site}/publish', '/sites/{site}/stats'])
      assert.ok(paths.includes(p), p)
  })

  it('answers the same 401 to a missing or wrong token on every path, whatever the name', async () => {
    const endpoints: Array<[string, string, unknown?]> = [
      ['GET', '/api/v1/registrar'],
      ['GET', `/api/v1/names/${name}`],
      ['GET', '/api/v1/names/nobody-has-this:test'],
      ['POST', `/api/v1/names/${name}/register`, { owner: toHex(alice.publicKey) }],
      ['POST', `/api/v1/names/${name}/renew`, {}],
      ['POST', `/api/v1/names/${name}/transfer`, { owner: toHex(bob.publicKey) }],
      ['POST', `/api/v1/names/${name}/revoke`, {}],
      ['POST', `/api/v1/sites/${name}/publish`, {}],
      ['GET', `/api/v1/sites/${name}/stats`],
      ['GET', '/api/v1/no-such-endpoint'],
    ]
    const bodies = new Set<string>()
    for (const [method, path, json] of endpoints) {
      for (const token of [undefined, WRONG, '', `${TOKEN} `.repeat(2)]) {
        const reply = await call(relay, method, path, { token, json })
        assert.equal(reply.status, 401, `${method} ${path} with ${String(token)}`)
        assert.equal(reply.headers['www-authenticate'], 'Bearer realm="alternet-relay"')
        bodies.add(JSON.stringify(reply.body))
      }
    }
    assert.equal(bodies.size, 1)
    assert.equal(JSON.parse([...bodies][0]).error, 'unauthorized')
  })

  it('names its registrar key with a good token', async () => {
    const reply = await call(relay, 'GET', '/api/v1/registrar', { token: TOKEN })
    assert.equal(reply.status, 200)
    assert.equal(reply.body.registrar, toHex(registrar.publicKey))
    assert.equal(reply.body.trustedRegistrar, true)
    assert.equal(reply.body.trustedRevoker, true)
  })

  it('registers a name to an owner and refuses it to another', async () => {
    const reply = await call(relay, 'POST', `/api/v1/names/${name}/register`, {
      token: TOKEN,
      json: { owner: toHex(alice.publicKey) },
    })
    assert.equal(reply.status, 201, JSON.stringify(reply.body))
    aliceRegistration = registrationOf(reply)
    assert.ok(equals(aliceRegistration.registrar, registrar.publicKey))
    assert.ok(await verifyRegistration(name, alice.publicKey, aliceRegistration))
    const entry = await call(relay, 'GET', `/api/v1/names/${name}`, { token: TOKEN })
    assert.equal(entry.body.owner, toHex(alice.publicKey))
    const taken = await call(relay, 'POST', `/api/v1/names/${name}/register`, {
      token: TOKEN,
      json: { owner: toHex(bob.publicKey) },
    })
    assert.equal(taken.status, 409)
    assert.equal(taken.body.error, 'name-registered')
    const bad = await call(relay, 'POST', `/api/v1/names/${name}/register`, {
      token: TOKEN,
      json: { owner: 'zz' },
    })
    assert.equal(bad.body.error, 'bad-owner')
    assert.equal(typeof bad.body.message, 'string')
  })

  it('publishes a record with its blocks: mirrored, served and counted', async () => {
    const site = await packSite({
      'index.html': new TextEncoder().encode('<h1>from the API</h1>'),
      'data.bin': new Uint8Array(300_000).map((_, i) => i % 251),
    })
    const record = encodeRecord(
      await createRecord(
        { type: 'root', name, seq: 1, content: site.manifest.cid, registration: aliceRegistration },
        alice,
      ),
    )
    const reply = await call(relay, 'POST', `/api/v1/sites/${name}/publish`, {
      token: TOKEN,
      body: await carOf(record, site),
    })
    assert.equal(reply.status, 201, JSON.stringify(reply.body))
    assert.equal(reply.body.root, site.manifest.cid.toString())
    assert.equal(reply.body.received, site.blocks.length)

    const visitor = await startVisitor([relay.tcp])
    try {
      const bytes = await visitor.file(name, site.manifest.cid, '/data.bin', [
        peerIdFromString(relay.peerId),
      ])
      assert.equal(bytes.length, 300_000)
    } finally {
      await visitor.stop()
    }
    const before = await call(relay, 'GET', `/api/v1/sites/${name}/stats`, { token: TOKEN })
    assert.ok((before.body.requests as number) >= 2, JSON.stringify(before.body))
    assert.ok((before.body.bytesServed as number) >= 300_000)
    // Gateway requests count too, every answer (HEAD, 304, a missing path), with the site's bytes sent.
    const host = `${toOriginLabel(name)}.alt`
    const page = await gatewayRequest(relay.http, host, '/index.html')
    assert.equal(page.status, 200)
    assert.equal(page.body.toString(), '<h1>from the API</h1>')
    const head = await gatewayRequest(relay.http, host, '/index.html', { method: 'HEAD' })
    assert.equal(head.status, 200)
    const unchanged = await gatewayRequest(relay.http, host, '/index.html', {
      headers: { 'if-none-match': String(page.headers.etag) },
    })
    assert.equal(unchanged.status, 304)
    const missing = await gatewayRequest(relay.http, host, '/nothing-here')
    assert.equal(missing.status, 404)
    const stats = await call(relay, 'GET', `/api/v1/sites/${name}/stats`, { token: TOKEN })
    assert.equal(stats.status, 200)
    assert.equal(
      stats.body.requests,
      (before.body.requests as number) + 4,
      JSON.stringify(stats.body),
    )
    assert.equal(stats.body.bytesServed, (before.body.bytesServed as number) + page.body.length)
    assert.equal(typeof stats.body.lastServed, 'string')
    assert.ok((stats.body.mirrors as string[]).includes(relay.peerId))
    assert.equal((stats.body.record as { content: string }).content, site.manifest.cid.toString())
  })

  it('refuses a record with a forged owner signature, and writes none of its blocks', async () => {
    const site = await packSite({ 'index.html': new TextEncoder().encode('forged') })
    const genuine = await createRecord(
      { type: 'root', name, seq: 9, content: site.manifest.cid, registration: aliceRegistration },
      alice,
    )
    // Alice's body, signed by another key.
    const forged = encodeEnvelope({
      body: genuine.bodyBytes,
      sig: await sign(generateKeyPair().seed, recordSigningBytes(genuine.bodyBytes)),
    })
    const reply = await call(relay, 'POST', `/api/v1/sites/${name}/publish`, {
      token: TOKEN,
      body: await carOf(forged, site),
    })
    assert.equal(reply.status, 422)
    assert.equal(reply.body.error, 'record-refused')
    assert.equal(reply.body.reason, 'forged')
    assert.ok(!/[A-Z][a-z]+Error\b/.test(String(reply.body.message)), String(reply.body.message))
    for (const cid of [site.manifest.cid, ...site.blocks.map((b) => b.cid)].map(String))
      assert.ok(!existsSync(join(relay.dataDir, 'mirror', 'blocks', cid.slice(-2), cid)), cid)
    const stats = await call(relay, 'GET', `/api/v1/sites/${name}/stats`, { token: TOKEN })
    assert.equal((stats.body.record as { seq: number }).seq, 1)
  })

  it('refuses an unregistered name, missing blocks and a tampered block', async () => {
    const other = uniqueName('unregistered')
    const site = await packSite({ 'a.bin': new Uint8Array(200_000).fill(7) })
    const unregistered = encodeRecord(
      await createRecord({ type: 'root', name: other, seq: 1, content: site.manifest.cid }, alice),
    )
    const refused = await call(relay, 'POST', `/api/v1/sites/${other}/publish`, {
      token: TOKEN,
      body: await carOf(unregistered, site),
    })
    assert.equal(refused.status, 422)
    assert.equal(refused.body.reason, 'unregistered')
    const words = String(refused.body.message)
    assert.ok(!/[A-Z][a-z]+Error\b/.test(words), `no error name in the words: ${words}`)

    const record = encodeRecord(
      await createRecord(
        { type: 'root', name, seq: 2, content: site.manifest.cid, registration: aliceRegistration },
        alice,
      ),
    )
    const missing = await call(relay, 'POST', `/api/v1/sites/${name}/publish`, {
      token: TOKEN,
      body: await carOf(record, site, []),
    })
    assert.equal(missing.status, 400)
    assert.equal(missing.body.error, 'missing-blocks')
    assert.equal((missing.body.missing as string[]).length, site.blocks.length)

    const tampered = site.blocks.map((b, i) =>
      i === 0 ? { cid: b.cid, bytes: b.bytes.map((x, j) => (j === 5 ? x ^ 1 : x)) } : b,
    )
    const bad = await call(relay, 'POST', `/api/v1/sites/${name}/publish`, {
      token: TOKEN,
      body: await carOf(record, site, tampered),
    })
    assert.equal(bad.status, 400)
    assert.equal(bad.body.error, 'bad-block')
    const stats = await call(relay, 'GET', `/api/v1/sites/${name}/stats`, { token: TOKEN })
    assert.equal((stats.body.record as { seq: number }).seq, 1)
  })

  it('refuses a JSON body over its bound', async () => {
    const reply = await call(relay, 'POST', `/api/v1/names/${name}/renew`, {
      token: TOKEN,
      json: { pad: 'x'.repeat(64 * 1024) },
    })
    assert.equal(reply.status, 413)
    assert.equal(reply.body.error, 'too-large')
  })

  it('answers every path of its OpenAPI description (none is missing from the router)', async () => {
    const doc = (await call(relay, 'GET', '/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>
    }
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        const concrete = path
          .replace('{name}', 'nobody-here:test')
          .replace('{site}', 'nobody-here:test')
        const reply = await call(relay, method.toUpperCase(), `/api/v1${concrete}`, {
          token: TOKEN,
          ...(method === 'post' && !concrete.endsWith('/publish') ? { json: {} } : {}),
        })
        assert.ok(
          reply.body.error !== 'not-found' && reply.body.error !== 'method-not-allowed',
          `${method} ${path}: ${JSON.stringify(reply.body)}`,
        )
      }
    }
  })

  it('renews a registration and transfers the name to a new holder', async () => {
    const before = (await call(relay, 'GET', `/api/v1/names/${name}`, { token: TOKEN })).body
    const renewed = await call(relay, 'POST', `/api/v1/names/${name}/renew`, {
      token: TOKEN,
      json: {},
    })
    assert.equal(renewed.status, 200, JSON.stringify(renewed.body))
    assert.ok((renewed.body.expires as number) > (before.expires as number))
    assert.equal(renewed.body.owner, toHex(alice.publicKey))

    const moved = await call(relay, 'POST', `/api/v1/names/${name}/transfer`, {
      token: TOKEN,
      json: { owner: toHex(bob.publicKey) },
    })
    assert.equal(moved.status, 200, JSON.stringify(moved.body))
    assert.equal(moved.body.owner, toHex(bob.publicKey))
    const bobRegistration = registrationOf(moved)
    assert.ok(await verifyRegistration(name, bob.publicKey, bobRegistration))
    // Bob's record now replaces Alice's live one on the relay.
    const site = await packSite({ 'index.html': new TextEncoder().encode('bob') })
    const record = encodeRecord(
      await createRecord(
        { type: 'root', name, seq: 1, content: site.manifest.cid, registration: bobRegistration },
        bob,
      ),
    )
    const published = await call(relay, 'POST', `/api/v1/sites/${name}/publish`, {
      token: TOKEN,
      body: await carOf(record, site),
    })
    assert.equal(published.status, 201, JSON.stringify(published.body))
    const unknown = await call(relay, 'POST', `/api/v1/names/${uniqueName('none')}/renew`, {
      token: TOKEN,
      json: {},
    })
    assert.equal(unknown.status, 404)
    assert.equal(unknown.body.error, 'not-registered')
  })

  it('revokes a name with the registrar key', async () => {
    const reply = await call(relay, 'POST', `/api/v1/names/${name}/revoke`, {
      token: TOKEN,
      json: {},
    })
    assert.equal(reply.status, 200, JSON.stringify(reply.body))
    assert.equal(reply.body.fresh, true)
    const revocation = await fetch(`${relay.http}/revocations/${name}`)
    assert.equal(revocation.status, 200)
    const stats = await call(relay, 'GET', `/api/v1/sites/${name}/stats`, { token: TOKEN })
    assert.equal(stats.body.record, null)
    assert.deepEqual(stats.body.mirrors, [])
  })

  it('limits requests per client address and per token, with Retry-After', async () => {
    // `strict` allows a burst of 3 per address and per token and earns nothing back.
    const statuses: number[] = []
    for (let i = 0; i < 4; i++)
      statuses.push((await call(strict, 'GET', '/api/v1/registrar', { token: TOKEN })).status)
    assert.deepEqual(statuses, [200, 200, 200, 429])
    const byAddress = await call(strict, 'GET', '/api/v1/registrar')
    assert.equal(byAddress.status, 429)
    assert.equal(byAddress.body.error, 'rate-limited')
    assert.ok(byAddress.headers['retry-after'] !== undefined)
    // Another address: its own budget, but the token has spent its own.
    const other = { from: '127.0.0.2' }
    const byToken = await call(strict, 'GET', '/api/v1/registrar', { token: TOKEN, ...other })
    assert.equal(byToken.status, 429)
    assert.equal(byToken.body.error, 'rate-limited')
    assert.equal((await call(strict, 'GET', '/api/v1/registrar', other)).status, 401)
  })

  it('refuses an upload over --api-max-publish-bytes', async () => {
    const site = await packSite({ 'big.bin': new Uint8Array(20_000).fill(1) })
    const record = encodeRecord(
      await createRecord({ type: 'root', name, seq: 3, content: site.manifest.cid }, alice),
    )
    // A fresh address and another token: budgets of their own on `strict`.
    const reply = await call(strict, 'POST', `/api/v1/sites/${name}/publish`, {
      token: OTHER,
      from: '127.0.0.3',
      body: await carOf(record, site),
    })
    assert.equal(reply.status, 413)
    assert.equal(reply.body.error, 'too-large')
  })
})
