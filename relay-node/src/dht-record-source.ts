/**
 * `dhtRecordSource`: where a relay finds a name's record, its own store's and the DHT's, for the
 * record policy (judging root names it does not hold and subdomains) and the gateway. The
 * network answer is one value per answering peer, with the address block the peer answered
 * from, so the policy can count one vote per block (docs/PROTOCOL.md, "Counting servers").
 * @module
 */
import { UNKNOWN_BLOCK } from '@alternet/core/contracts'
import type { PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { Libp2pRecord } from '@libp2p/record'
import { Key, type Datastore } from 'interface-datastore'
import { base32 } from 'multiformats/bases/base32'
import { DHT_RECORD_PREFIX } from './constants.ts'
import type { NetworkAnswer, NetworkSurvey, RootRecordSource } from './root-lookup.ts'

/** The path index kad-dht gives the events of the corrections its `get` puts after the query. */
const CORRECTION_PATH = -1

/** The datastore key kad-dht keeps the record of a DHT key under. */
export function recordDsKey(key: Uint8Array): Key {
  return new Key(DHT_RECORD_PREFIX + base32.baseEncode(key), false)
}

/**
 * The records `store` holds and the ones `dht`'s peers return. `canAsk` says whether the DHT
 * knows any server to ask: with none (a lone relay) the network answer is empty at once, where a
 * DHT query would wait its whole timeout for a server to appear. `blockOf` gives the address
 * block a peer answers from (`connectionBlock` of its connections), read as its answer arrives;
 * without it every peer is in one block.
 */
export function dhtRecordSource(
  dht: Pick<KadDHT, 'get'>,
  store: Datastore,
  canAsk: () => boolean = () => true,
  blockOf: (peer: PeerId) => string = () => UNKNOWN_BLOCK,
): RootRecordSource {
  const survey = async (key: Uint8Array, signal: AbortSignal): Promise<NetworkSurvey> => {
    // One value per answering peer: the look-up counts votes per holder.
    const found: NetworkAnswer[] = []
    const without: NetworkSurvey['without'] = []
    if (!canAsk()) return { answers: found, without, complete: true }
    const answered = new Set<string>()
    let complete = true
    try {
      for await (const event of dht.get(key, { signal })) {
        // kad-dht's get ends by putting its selector's pick (by `created`, not the vote) to every
        // peer that answered otherwise, outside the query's paths (index -1). A look-up here
        // only reads: it stops before the first of those puts is sent.
        if (event.path?.index === CORRECTION_PATH) break
        if (event.name !== 'PEER_RESPONSE') continue
        const from = event.from.toString()
        if (answered.has(from)) continue
        answered.add(from)
        if (event.record == null) without.push({ server: from, block: blockOf(event.from) })
        else found.push({ value: event.record.value, server: from, block: blockOf(event.from) })
      }
    } catch {
      // Timed out, or nobody holds it (kad-dht's "not found" ends a query that did run to its
      // end): what was found so far.
      complete = !signal.aborted
    }
    return { answers: found, without, complete }
  }
  return {
    local: async (key) => {
      try {
        return Libp2pRecord.deserialize(await store.get(recordDsKey(key))).value
      } catch {
        return undefined
      }
    },
    network: async (key, signal) => (await survey(key, signal)).answers.map((a) => a.value),
    answers: async (key, signal) => (await survey(key, signal)).answers,
    survey,
  }
}
