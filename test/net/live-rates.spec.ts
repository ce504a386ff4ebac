/**
 * The live validator's rates, with its clock in hand: a neighbour past its burst is ignored
 * (`rate`) before anything is judged; fresh peer IDs from one source address block share the
 * block's rate (`source-rate`), so making IDs does not multiply a flooder's; and a neighbour
 * that keeps sending over its rate is reported for a penalty every `penaltyEvery` refusals.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Message } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, it } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { encodeLiveMessage, liveTopic } from '../../src/core/records/index.ts'
import { liveValidator, type LiveJudgement } from '../../src/net/live/index.ts'

const BURST = 6
const SOURCE_BURST = 10
const PENALTY_EVERY = 3

async function freshPeer(): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

function setUp() {
  const reasons: string[] = []
  const penalized: string[] = []
  const judged: string[] = []
  const validator = liveValidator(
    {
      judge: async (_type, _bytes, _key, from): Promise<LiveJudgement> => {
        judged.push(from.toString())
        return { verdict: 'accept', reason: 'judged' }
      },
    },
    {
      rate: { perSecond: 1, burst: BURST, now: () => 0, penaltyEvery: PENALTY_EVERY },
      sourceRate: { perSecond: 1, burst: SOURCE_BURST, now: () => 0 },
      sourceOf: () => 'one-block',
      onOverRate: (peer) => penalized.push(peer),
      onJudged: (j) => reasons.push(j.reason),
    },
  )
  return { validator, reasons, penalized, judged }
}

const count = (reasons: string[], reason: string): number =>
  reasons.filter((r) => r === reason).length

describe('live message rates', () => {
  it('ignores a neighbour past its burst unjudged, and reports it for a penalty', async () => {
    const { validator, reasons, penalized, judged } = setUp()
    const peer = await freshPeer()
    const topic = await liveTopic('rates:code')
    const data = encodeLiveMessage({ t: 'record', v: new Uint8Array([1, 2, 3]) })
    for (let i = 0; i < BURST + 2 * PENALTY_EVERY; i++)
      await validator(peer, { type: 'unsigned', topic, data } as Message)
    assert.equal(count(reasons, 'judged'), BURST)
    assert.equal(count(reasons, 'rate'), 2 * PENALTY_EVERY)
    assert.equal(judged.length, BURST)
    assert.deepEqual(penalized, [peer.toString(), peer.toString()])
  })

  it('makes fresh peer IDs from one block share the block’s rate', async () => {
    const { validator, reasons } = setUp()
    const topic = await liveTopic('rates:code')
    const data = encodeLiveMessage({ t: 'record', v: new Uint8Array([1, 2, 3]) })
    for (let n = 0; n < 3; n++) {
      const peer = await freshPeer()
      for (let i = 0; i < BURST; i++)
        await validator(peer, { type: 'unsigned', topic, data } as Message)
    }
    assert.equal(count(reasons, 'judged'), SOURCE_BURST)
    assert.equal(count(reasons, 'source-rate'), 3 * BURST - SOURCE_BURST)
    assert.equal(count(reasons, 'rate'), 0)
  })
})
