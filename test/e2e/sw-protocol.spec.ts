/**
 * The runtime-neutral parts of site origins, in Node: where a site lives, which requests the
 * shell accepts from a bridge, Location rewriting, failure pages, and responses across a real
 * MessageChannel in both body modes (with backpressure in chunk mode).
 * @module
 */
import { describe, it } from '../support/spec.ts'
import { deepEqual, equal, ok, throws } from '../support/assert.ts'
import { CHUNK_CREDIT, MAX_CHUNK_BYTES } from '../../src/origins/shared/constants.ts'
import { handOver } from '../../src/core/owned-bytes.ts'
import {
  receiveResponse,
  sendResponse,
  sendResponseError,
} from '../../src/origins/shared/port-stream.ts'
import {
  addressOfSiteUrl,
  appOriginOf,
  requestAnUrl,
  rewriteLocation,
  siteOfOrigin,
  siteOrigin,
  siteUrl,
  viewerUrl,
} from '../../src/origins/shared/site-origin.ts'
import { describeFailure, failurePage } from '../../sw/site/failure-page.ts'

const APP = 'http://an.localhost:8780'

describe('site origins: addresses', () => {
  it('puts each site on one label under the app host, and back', () => {
    equal(siteOrigin('api.mysite:code', APP), 'http://api-mysite--code.an.localhost:8780')
    equal(
      siteOrigin('my-site:code', 'https://an.example.org'),
      'https://my---site--code.an.example.org',
    )
    equal(appOriginOf('http://api-mysite--code.an.localhost:8780'), APP)
    equal(siteOfOrigin('http://api-mysite--code.an.localhost:8780'), 'api.mysite:code')
    equal(
      siteUrl('web+an:API.MySite:Code/docs/?q#f', APP),
      'http://api-mysite--code.an.localhost:8780/docs/?q#f',
    )
    equal(
      addressOfSiteUrl('http://api-mysite--code.an.localhost:8780/docs/?q'),
      'an://api.mysite:code/docs/?q',
    )
    equal(viewerUrl(APP, 'mysite:code', '/a/?b'), `${APP}/#/view/an://mysite:code/a/?b`)
  })

  it('rewrites an:// Locations to site origins and keeps relative ones', () => {
    equal(
      rewriteLocation('an://mysite:code/docs/', APP),
      'http://mysite--code.an.localhost:8780/docs/',
    )
    equal(rewriteLocation('an://other:code/', APP), 'http://other--code.an.localhost:8780/')
    equal(rewriteLocation('/docs/', APP), '/docs/')
  })

  it('builds the an:// URL from the bound site only, refusing paths that leave it', () => {
    equal(requestAnUrl('mysite:code', '/docs/a.html?x=1'), 'an://mysite:code/docs/a.html?x=1')
    equal(requestAnUrl('mysite:code', '/a/../b'), 'an://mysite:code/b')
    for (const path of [
      '//other:code/',
      'an://other:code/',
      'http://evil.example/',
      'docs',
      '',
      '/\\evil',
      '/__an/bridge.html',
      '/x#y',
      42,
      '/' + 'a'.repeat(3000),
    ]) {
      throws(() => requestAnUrl('mysite:code', path), 'BadRequestPathError')
    }
  })
})

describe('site origins: failure pages', () => {
  it('maps each typed error to a failure a person understands', () => {
    const kinds = Object.fromEntries(
      [
        'NameNotFoundError',
        'NameRevokedError',
        'HostUnreachableError',
        'BlockVerificationError',
        'RequestTimeoutError',
        'OwnerKeyChangedError',
        'NoBridgeError',
        'NodeUnavailableError',
        'SomethingNew',
      ].map((name) => [name, describeFailure(name).kind]),
    )
    deepEqual(kinds, {
      NameNotFoundError: 'name-not-found',
      NameRevokedError: 'name-revoked',
      HostUnreachableError: 'no-host',
      BlockVerificationError: 'verification-failed',
      RequestTimeoutError: 'timed-out',
      OwnerKeyChangedError: 'owner-key-changed',
      NoBridgeError: 'not-in-app',
      NodeUnavailableError: 'no-host',
      SomethingNew: 'unknown',
    })
  })

  it('says a name was revoked only for NameRevokedError, never for a reason a host sent', async () => {
    equal(describeFailure('NameRevokedError').kind, 'name-revoked')
    for (const name of ['RevokedError', 'SiteRevokedError'])
      equal(describeFailure(name).kind, 'unknown', `${name} is no error of ours`)
    // x-an-reason comes from the remote host's route response: a host answering "revoked" is still only an unreachable host.
    const forged = failurePage({
      errorName: 'RouteStatusError',
      reason: 'revoked',
      status: 502,
      site: 'mysite:code',
      path: '/',
      viewerUrl: `${APP}/#/view/an://mysite:code/`,
    })
    const html = await forged.text()
    ok(html.includes('data-an-failure="no-host"'), 'the page says no host is reachable')
    ok(
      !html.includes('revoked</h1>') && !html.includes('This name was revoked'),
      'and not that the name was revoked',
    )
    const revoked = await failurePage({
      errorName: 'NameRevokedError',
      status: 410,
      site: 'mysite:code',
      path: '/',
      viewerUrl: `${APP}/#/view/an://mysite:code/`,
    }).text()
    ok(
      revoked.includes('data-an-failure="name-revoked"') &&
        revoked.includes('This name was revoked'),
    )
  })

  it('renders an accessible page with a retry, escaping what it echoes', async () => {
    const response = failurePage({
      errorName: 'OwnerKeyChangedError',
      status: 409,
      site: 'mysite:code',
      path: '/"><script>x</script>',
      viewerUrl: `${APP}/#/view/an://mysite:code/`,
    })
    equal(response.status, 409)
    equal(response.headers.get('x-an-error'), 'OwnerKeyChangedError')
    const html = await response.text()
    ok(html.includes('<h1 id="title">The owner’s key changed</h1>'))
    ok(
      html.includes('role="alert"') &&
        html.includes('name="viewport"') &&
        html.includes('>Try again</a>'),
    )
    ok(!html.includes('<script>'), 'echoed text is escaped')
    ok(html.includes('>Open in Alternet</a>'), 'opened on its own, the page links to the app')
  })

  it('keeps the status code for the response, not in the words a person reads', async () => {
    const response = failurePage({
      errorName: 'NameNotFoundError',
      reason: 'not-found',
      status: 404,
      site: 'mysite:code',
      path: '/',
      viewerUrl: `${APP}/#/view/an://mysite:code/`,
    })
    equal(response.status, 404)
    const words = (await response.text())
      .replace(/<style>[\s\S]*?<\/style>/, '')
      .replace(/<[^>]*>/g, ' ')
    ok(!/\b404\b|Status|not-found/.test(words), `no status code or reason in: ${words}`)
  })

  it('leaves out the link to the app when shown in the app’s own frame', async () => {
    const response = failurePage({
      errorName: 'NameNotFoundError',
      status: 404,
      site: 'mysite:code',
      path: '/',
      viewerUrl: `${APP}/#/view/an://mysite:code/`,
      framed: true,
    })
    const html = await response.text()
    ok(!html.includes('>Try again</a>'), 'no retry for a name nobody published')
    ok(!html.includes('Open in Alternet'))
  })

  it('offers to publish a name nobody published, in the app, instead of a retry', async () => {
    const html = await failurePage({
      errorName: 'NameNotFoundError',
      status: 404,
      site: 'mysite:code',
      path: '/',
      viewerUrl: `${APP}/#/view/an://mysite:code/`,
    }).text()
    ok(!html.includes('>Try again</a>'))
    ok(html.includes(`href="${APP}/#/publish/mysite%3Acode" target="_top">Publish this name</a>`))
  })
})

function bytesStream(total: number, chunk: number, onPull: () => void): ReadableStream<Uint8Array> {
  let sent = 0
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        onPull()
        if (sent >= total) return controller.close()
        const n = Math.min(chunk, total - sent)
        controller.enqueue(Uint8Array.from({ length: n }, (_, i) => (sent + i) & 0xff))
        sent += n
      },
    },
    { highWaterMark: 0 },
  )
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(body).arrayBuffer())
}

describe('site origins: responses across a MessagePort', () => {
  for (const mode of ['stream', 'chunks'] as const) {
    it(`carries status, headers and every body byte (${mode})`, async () => {
      const { port1, port2 } = new MessageChannel()
      const total = 3 * MAX_CHUNK_BYTES + 123
      sendResponse(
        port1,
        new Response(
          bytesStream(total, 100_000, () => {}),
          { status: 206, headers: { 'content-range': `bytes 0-${total - 1}/9999999` } },
        ),
        mode,
      )
      const received = await receiveResponse(port2, { timeout: 5000 })
      equal(received.status, 206)
      equal(received.headers.get('content-range'), `bytes 0-${total - 1}/9999999`)
      const bytes = await readAll(received.body!)
      equal(bytes.length, total)
      ok(bytes.every((b, i) => b === (i & 0xff)))
    })
  }

  it('sends no body for a response without one', async () => {
    const { port1, port2 } = new MessageChannel()
    sendResponse(port1, new Response(null, { status: 304, headers: { etag: '"x"' } }), 'chunks')
    const received = await receiveResponse(port2, { timeout: 5000 })
    deepEqual(
      { status: received.status, etag: received.headers.get('etag'), body: received.body },
      { status: 304, etag: '"x"', body: null },
    )
  })

  it('stops reading the source while the receiver does not read (chunk mode backpressure)', async () => {
    const { port1, port2 } = new MessageChannel()
    const chunk = 64 * 1024
    const total = 2 * CHUNK_CREDIT * MAX_CHUNK_BYTES + chunk
    let pulls = 0
    sendResponse(port1, new Response(bytesStream(total, chunk, () => pulls++)), 'chunks')
    const received = await receiveResponse(port2, { timeout: 5000 })
    await new Promise((r) => setTimeout(r, 300))
    const ahead = (CHUNK_CREDIT * MAX_CHUNK_BYTES) / chunk + 2
    ok(pulls <= ahead, `the sender read ${pulls} chunks ahead of a reader that read none`)
    const bytes = await readAll(received.body!)
    equal(bytes.length, total)
    ok(pulls > ahead)
  })

  it('keeps several messages in flight by default, without a round trip per chunk', async () => {
    const { port1, port2 } = new MessageChannel()
    const chunk = 64 * 1024
    let pulls = 0
    sendResponse(port1, new Response(bytesStream(4 * MAX_CHUNK_BYTES, chunk, () => pulls++)))
    const received = await receiveResponse(port2, { timeout: 5000 })
    await new Promise((r) => setTimeout(r, 300))
    // Nothing was read yet: the sender went on while its credit lasted.
    ok(pulls * chunk >= 2 * MAX_CHUNK_BYTES, `the sender read ${pulls} chunks ahead of the reader`)
    equal((await readAll(received.body!)).length, 4 * MAX_CHUNK_BYTES)
  })

  it('packs the chunks its source has ready into messages of up to MAX_CHUNK_BYTES', async () => {
    const { port1, port2 } = new MessageChannel()
    const total = 2 * MAX_CHUNK_BYTES + 5000
    sendResponse(port1, new Response(bytesStream(total, 1024, () => {})))
    const received = await receiveResponse(port2, { timeout: 5000 })
    const sizes: number[] = []
    const reader = received.body!.getReader()
    for (let r = await reader.read(); !r.done; r = await reader.read()) sizes.push(r.value.length)
    equal(
      sizes.reduce((a, b) => a + b, 0),
      total,
    )
    ok(sizes.length <= 6, `${sizes.length} messages for ${total} bytes in 1 KiB chunks`)
    ok(Math.max(...sizes) <= MAX_CHUNK_BYTES)
  })

  it('transfers a chunk handed over whole as it is, and copies any other chunk first', async () => {
    const { port1, port2 } = new MessageChannel()
    const size = 256 * 1024
    const whole = handOver(Uint8Array.from({ length: size }, (_, i) => i & 0xff))
    const held = Uint8Array.from({ length: size }, (_, i) => (i + 1) & 0xff)
    const parts = [whole, held]
    sendResponse(
      port1,
      new Response(
        new ReadableStream<Uint8Array>({
          pull: (controller) =>
            parts.length > 0 ? controller.enqueue(parts.shift()!) : controller.close(),
        }),
      ),
    )
    const received = await receiveResponse(port2, { timeout: 5000 })
    const bytes = await readAll(received.body!)
    equal(bytes.length, 2 * size)
    ok(bytes.every((b, i) => b === (i < size ? i & 0xff : (i - size + 1) & 0xff)))
    // The handed-over buffer went with its message (detached here); the other stayed whole.
    equal(whole.buffer.byteLength, 0)
    equal(held.buffer.byteLength, size)
    ok(held.every((b, i) => b === ((i + 1) & 0xff)))
  })

  it('passes a failure before any response as a typed error, and times out when nothing comes', async () => {
    const a = new MessageChannel()
    const failure = Object.assign(new Error('no host'), { name: 'HostUnreachableError' })
    sendResponseError(a.port1, failure)
    const error = await receiveResponse(a.port2, { timeout: 5000 }).then(
      () => undefined,
      (e: Error) => e,
    )
    deepEqual(
      { name: error?.name, message: error?.message },
      { name: 'HostUnreachableError', message: 'no host' },
    )
    const b = new MessageChannel()
    const timeout = await receiveResponse(b.port2, { timeout: 50 }).then(
      () => undefined,
      (e: Error) => e.name,
    )
    equal(timeout, 'ResponseTimeoutError')
    b.port1.close()
  })
})
