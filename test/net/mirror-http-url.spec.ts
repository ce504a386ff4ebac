/**
 * Which HTTP origins a mirror's answer may send the page to: https anywhere, http only on this
 * machine (no mixed content on an https page, no blocks in the clear), and only an origin.
 */
import { usableBlocksUrl } from '../../src/net/mirror/http-url.ts'
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'

describe('HTTP block origins from mirror answers', () => {
  it('takes https origins and http ones on loopback, as origins', () => {
    assert.equal(usableBlocksUrl('https://relay.example.org'), 'https://relay.example.org')
    assert.equal(
      usableBlocksUrl('https://relay.example.org:8443/x?y'),
      'https://relay.example.org:8443',
    )
    assert.equal(usableBlocksUrl('http://127.0.0.1:8781'), 'http://127.0.0.1:8781')
    assert.equal(usableBlocksUrl('http://an.localhost:8780'), 'http://an.localhost:8780')
    assert.equal(usableBlocksUrl('http://localhost'), 'http://localhost')
    assert.equal(usableBlocksUrl('http://[::1]:9000'), 'http://[::1]:9000')
  })

  it('refuses http beyond loopback, other schemes, credentials and what is not a URL', () => {
    for (const value of [
      'http://relay.example.org',
      'http://192.168.1.4:8780',
      'http://127.0.0.1.example.org',
      'ftp://relay.example.org',
      'javascript:alert(1)',
      'https://user:pass@relay.example.org',
      'relay.example.org',
      42,
      undefined,
    ])
      assert.equal(usableBlocksUrl(value), undefined, String(value))
  })
})
