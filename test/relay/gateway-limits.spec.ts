/**
 * The gateway's admission and host names without a relay: the per-client window, the total of
 * requests in progress, IPv6 clients by their /64, which Host headers are the gateway's, and
 * the gateway host's distance from the app host.
 */
import { defaultConfig } from '../../relay-node/src/config.ts'
import {
  ClientLimits,
  GatewayBusyError,
  TooManyRequestsError,
  clientOf,
  gatewayLabel,
} from '../../relay-node/src/gateway/index.ts'
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'

function refusal(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    return (error as Error).name
  }
  return 'admitted'
}

describe('gateway limits', () => {
  it('admits a client up to its rate per window, then again in the next window', () => {
    let now = 0
    const limits = new ClientLimits({
      clientRate: 3,
      maxRequests: 100,
      window: 1000,
      now: () => now,
    })
    for (let i = 0; i < 3; i++) limits.admit('10.0.0.1')()
    assert.equal(
      refusal(() => limits.admit('10.0.0.1')),
      TooManyRequestsError.name,
    )
    assert.equal(
      refusal(() => limits.admit('10.0.0.2')),
      'admitted',
      'another client',
    )
    assert.equal(limits.retryAfter('10.0.0.1'), 1)
    now = 1000
    assert.equal(
      refusal(() => limits.admit('10.0.0.1')),
      'admitted',
      'a new window',
    )
  })

  it('refuses past the total in progress, and admits again once one ends', () => {
    const limits = new ClientLimits({ clientRate: 100, maxRequests: 2 })
    const end = limits.admit('10.0.0.1')
    limits.admit('10.0.0.2')
    assert.equal(
      refusal(() => limits.admit('10.0.0.3')),
      GatewayBusyError.name,
    )
    end()
    end()
    assert.equal(
      refusal(() => limits.admit('10.0.0.3')),
      'admitted',
    )
  })

  it('counts an IPv6 /64 as one client, and a mapped IPv4 address as that address', () => {
    assert.equal(clientOf('2001:db8:1:2:aaaa::1'), clientOf('2001:db8:1:2:bbbb::2'))
    assert.notEqual(clientOf('2001:db8:1:2::1'), clientOf('2001:db8:1:3::1'))
    assert.equal(clientOf('::ffff:192.0.2.7'), '192.0.2.7')
    const limits = new ClientLimits({ clientRate: 1 })
    limits.admit('2001:db8:1:2::1')
    assert.equal(
      refusal(() => limits.admit('2001:db8:1:2::99')),
      TooManyRequestsError.name,
    )
  })
})

describe('gateway host names', () => {
  it('answers <label>.alt and <label>.<gateway host>, with a port or a final dot', () => {
    assert.equal(gatewayLabel('mysite--code.alt'), 'mysite--code')
    assert.equal(gatewayLabel('MySite--Code.ALT:8780'), 'mysite--code')
    assert.equal(gatewayLabel('mysite--code.alt.'), 'mysite--code')
    assert.equal(gatewayLabel('mysite--code.gw.example.org', 'gw.example.org'), 'mysite--code')
    assert.equal(gatewayLabel('mysite--code.gw.example.org'), undefined)
    assert.equal(gatewayLabel('a.b.alt'), undefined, 'one label only')
    assert.equal(gatewayLabel('alt'), undefined)
    assert.equal(gatewayLabel('an.localhost:8780'), undefined)
  })

  it('refuses a gateway host that is the app host, or above or under it', () => {
    for (const gatewayHost of ['an.example.org', 'example.org', 'gw.an.example.org', 'bad_host'])
      assert.equal(
        refusal(() => defaultConfig({ publicHost: 'an.example.org', gatewayHost })),
        'ConfigError',
        gatewayHost,
      )
    assert.equal(
      refusal(() => defaultConfig({ publicHost: 'an.alt' })),
      'ConfigError',
      'app under .alt',
    )
    assert.equal(
      refusal(() => defaultConfig({ publicHost: 'an.example.org', gatewayHost: 'gw.example.net' })),
      'admitted',
    )
  })
})
