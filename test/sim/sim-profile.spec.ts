/**
 * `SimProfile`, which `npm run sim -- --profile` uses to say where the real time went: it times
 * what libp2p's traced functions return (async generators to their last event, promises until
 * they settle) and counts how each call ended.
 */
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { SimProfile } from '../../bench/sim/sim-profile.ts'

class ShortReadError extends Error {
  override name = 'ShortReadError'
}

describe('simulation profile', () => {
  it('times a traced generator until its last event and keeps every event', async () => {
    const profile = new SimProfile()
    const events = profile.wrap(
      (args) => `sendRequest ${String(args[0])}`,
      async function* (type: string) {
        yield `${type} sent`
        await new Promise((resolve) => setTimeout(resolve, 20))
        yield `${type} answered`
      },
    )
    const seen: string[] = []
    for await (const e of events('FIND_NODE')) seen.push(e)
    assert.deepEqual(seen, ['FIND_NODE sent', 'FIND_NODE answered'])
    const line = profile.format().split('\n')[1]
    assert.match(line, /^ {2}sendRequest FIND_NODE +1 /)
    const meanMs = Number(line.trim().split(/ +/)[4])
    assert.ok(meanMs >= 15, line)
  })

  it('counts the errors calls end with, by name, and passes them on', async () => {
    const profile = new SimProfile()
    const failing = profile.wrap(
      () => 'get',
      async () => {
        throw new ShortReadError('stream ended')
      },
    )
    await assert.rejects(failing(), 'ShortReadError')
    await assert.rejects(
      profile.time('phase', async () => failing()),
      'ShortReadError',
    )
    const table = profile.format()
    assert.match(table, /get +2 .*ShortReadError 2/)
    assert.match(table, /phase +1 .*ShortReadError 1/)
  })

  it('counts a request that fails as an event as failed, and a query’s peer failures as not its own', async () => {
    const profile = new SimProfile()
    const failure = { name: 'QUERY_ERROR', error: new ShortReadError('stream reset') }
    const events = async function* (): AsyncGenerator<{ name: string }> {
      yield { name: 'SEND_QUERY' }
      yield failure
    }
    const request = profile.wrap(() => 'sendRequest PUT_VALUE', events, { failedEvent: true })
    const query = profile.wrap(() => 'getClosestPeers', events)
    for await (const e of request()) void e
    for await (const e of query()) void e
    const table = profile.format()
    assert.match(table, /sendRequest PUT_VALUE +1 .*ShortReadError 1/)
    assert.match(table, /getClosestPeers +1 .* 0 +$/m)
  })

  it('lists the calls under way, the oldest first, until each ends', async () => {
    const profile = new SimProfile()
    let answer = (): void => undefined
    const pending = profile.wrap(
      () => 'sendRequest FIND_NODE',
      () => new Promise<void>((resolve) => (answer = resolve)),
    )
    const first = pending()
    const phase = profile.time('table refresh', () => pending())
    assert.deepEqual(
      profile.underWay().map((c) => c.label),
      ['sendRequest FIND_NODE', 'table refresh', 'sendRequest FIND_NODE'],
    )
    answer()
    await phase
    assert.deepEqual(
      profile.underWay().map((c) => c.label),
      ['sendRequest FIND_NODE'],
    )
    void first
  })
})
