import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { generateKeyPair } from '../../src/core/crypto/ed25519.ts'
import { findRevocation } from '../../src/net/naming/revocations.ts'

/** An HTTP server answering every `/revocations/…` with the next status of `statuses` (the last repeats). */
async function relayAnswering(
  statuses: number[],
): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0
  const server = createServer((_req, res) => {
    const status = statuses[Math.min(hits, statuses.length - 1)]
    hits++
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, hits: () => hits, server }
}

describe('revocation check against relays that answer with errors', () => {
  const servers: Server[] = []
  const revoker = generateKeyPair().publicKey
  const source = (urls: string[]) => ({
    trustedRevokers: () => [revoker],
    connectedRelayUrls: () => urls,
  })
  const relay = async (statuses: number[]) => {
    const r = await relayAnswering(statuses)
    servers.push(r.server)
    return r
  }
  after(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve))
  })

  it('fails closed with RevocationCheckFailedError when every relay answers an error, after asking each once more', async () => {
    const a = await relay([431])
    const b = await relay([500])
    await assert.rejects(
      findRevocation(source([a.url, b.url]), 'site:test'),
      'RevocationCheckFailedError',
    )
    assert.equal(a.hits(), 2)
    assert.equal(b.hits(), 2)
  })

  it('counts a relay that answers on its second try', async () => {
    const a = await relay([431, 404])
    assert.equal(await findRevocation(source([a.url]), 'site:test'), undefined)
    assert.equal(a.hits(), 2)
  })

  it('is not revoked when one relay says so (404) and another fails', async () => {
    const a = await relay([503])
    const b = await relay([404])
    assert.equal(await findRevocation(source([a.url, b.url]), 'site:test'), undefined)
  })
})
