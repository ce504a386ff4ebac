/**
 * A lone relay's `.alt` resolver (its DHT knows no other server): a name its store does not hold
 * is answered NXDOMAIN at once, not after a DHT look-up that waits its whole timeout for a
 * server to appear. The relay's look-up timeout is set far above the client's, so a relay that
 * waits on the look-up leaves the client without an answer. A real relay process; node's own
 * DNS resolver over UDP.
 */
import { Resolver } from 'node:dns/promises'
import { toOriginLabel } from '../../src/core/names/index.ts'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { uniqueName } from './support/records.ts'
import { removeDir, startRelay, tempDir, type RelayProcess } from './support/relay-process.ts'

/** The relay's longest DHT look-up of a name. */
const RELAY_LOOKUP = '120s'
/** How long the client waits for an answer, in ms: far below the relay's look-up timeout. */
const CLIENT_TIMEOUT_MS = 20_000

describe('the .alt resolver of a lone relay', () => {
  let dir: string
  let relay: RelayProcess & { dns?: number }

  before(async () => {
    dir = await tempDir()
    relay = await startRelay(`${dir}/relay`, [
      '--mirror-policy',
      'none',
      '--dns-port',
      '0',
      '--dns-answer',
      '127.0.0.1',
      '--dns-lookup-timeout',
      RELAY_LOOKUP,
    ])
  })

  after(async () => {
    await relay?.stop()
    await removeDir(dir)
  })

  it('answers NXDOMAIN for a name nobody published without waiting on the DHT', async () => {
    const resolver = new Resolver({ timeout: CLIENT_TIMEOUT_MS, tries: 1 })
    resolver.setServers([`127.0.0.1:${relay.dns!}`])
    const name = `${toOriginLabel(uniqueName('nobody'))}.alt`
    const error = await resolver.resolve4(name).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    )
    assert.equal(error?.code, 'ENOTFOUND', `NXDOMAIN, not ${error?.code}`)
  })
})
