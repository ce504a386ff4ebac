/**
 * The gateway shares one DHT look-up among the requests for a name at the same time, and a
 * request that goes away (its visitor closed the connection) stops waiting at once without
 * failing the others; the look-up itself stops only when no request waits on it any more. A
 * real signed record; the DHT look-up is given as one that answers when released.
 */
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import type { NetworkAnswer } from '../../relay-node/src/root-lookup.ts'
import { openResolver } from './support/open-resolver.ts'
import { generateKeyPair, rootRecord, uniqueName } from './support/records.ts'

/** A resolver whose DHT look-up waits until released, counting look-ups and their aborts. */
function heldResolver() {
  const stats = { lookups: 0, aborted: 0 }
  let answers: NetworkAnswer[] = []
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const resolver = openResolver({
    local: async () => undefined,
    network: async () => [],
    answers: async (_key, signal) => {
      stats.lookups++
      signal.addEventListener('abort', () => stats.aborted++, { once: true })
      await Promise.race([
        gate,
        new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true })),
      ])
      return answers
    },
  })
  return {
    resolver,
    stats,
    answer: (value: Uint8Array) => (answers = [{ value, server: 'p1', block: 'ip4:10.0.0.0/24' }]),
    release: () => release(),
  }
}

/** Lets pending promise callbacks run a few rounds. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
}

describe('the gateway’s shared name look-ups', () => {
  it('a request that goes away stops waiting at once and does not fail the others', async () => {
    const site = uniqueName('gwshare')
    const held = heldResolver()
    const content = CID.createV1(0x71, await sha256.digest(new TextEncoder().encode(site)))
    held.answer(await rootRecord(site, generateKeyPair(), { content }))
    const leaving = new AbortController()
    const first = held.resolver.resolve(site, leaving.signal)
    const second = held.resolver.resolve(site, new AbortController().signal)
    await settle()
    assert.equal(held.stats.lookups, 1, 'one look-up for both requests')
    leaving.abort(new Error('the visitor closed the connection'))
    const err = (await assert.rejects(first)) as Error
    assert.match(err.message, /closed the connection/)
    assert.equal(held.stats.aborted, 0, 'the look-up goes on for the request still waiting')
    held.release()
    const answer = await second
    assert.equal(answer.site, site)
    assert.equal(answer.record.body.content?.toString(), content.toString())
  })

  it('stops the look-up when every request waiting on it has gone', async () => {
    const site = uniqueName('gwgone')
    const held = heldResolver()
    const a = new AbortController()
    const b = new AbortController()
    const first = held.resolver.resolve(site, a.signal)
    const second = held.resolver.resolve(site, b.signal)
    await settle()
    a.abort(new Error('gone'))
    b.abort(new Error('gone too'))
    assert.equal(((await assert.rejects(first)) as Error).message, 'gone')
    assert.equal(((await assert.rejects(second)) as Error).message, 'gone too')
    await settle()
    assert.equal(held.stats.lookups, 1)
    assert.equal(held.stats.aborted, 1, 'nobody waits: the look-up stops')
    // The next request starts a look-up of its own.
    const third = held.resolver.resolve(site, new AbortController().signal)
    await settle()
    assert.equal(held.stats.lookups, 2)
    held.release()
    await assert.rejects(third, 'NameNotFoundError')
  })
})
