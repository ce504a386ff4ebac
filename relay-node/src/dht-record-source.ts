/**
 * `dhtRecordSource`: where a relay finds a name's record, its own store's and the DHT's, for the
 * record policy (judging root names it does not hold and subdomains) and the gateway. The
 * network answer is one value per answering peer, so the policy can count peers per holder.
 * @module
 */
import type { KadDHT } from '@libp2p/kad-dht'
import { Libp2pRecord } from '@libp2p/record'
import { Key, type Datastore } from 'interface-datastore'
import { base32 } from 'multiformats/bases/base32'
import { DHT_RECORD_PREFIX } from './constants.ts'
import type { RootRecordSource } from './record-policy.ts'

/** The datastore key kad-dht keeps the record of a DHT key under. */
export function recordDsKey(key: Uint8Array): Key {
  return new Key(DHT_RECORD_PREFIX + base32.baseEncode(key), false)
}

/**
 * The records `store` holds and the ones `dht`'s peers return. `canAsk` says whether the DHT
 * knows any server to ask: with none (a lone relay) the network answer is empty at once, where a
 * DHT query would wait its whole timeout for a server to appear.
 */
export function dhtRecordSource(
  dht: Pick<KadDHT, 'get'>,
  store: Datastore,
  canAsk: () => boolean = () => true,
): RootRecordSource {
  return {
    local: async (key) => {
      try {
        return Libp2pRecord.deserialize(await store.get(recordDsKey(key))).value
      } catch {
        return undefined
      }
    },
    network: async (key, signal) => {
      // One value per answering peer: the look-up counts peers per holder. kad-dht's get ends
      // by putting its selector's pick to peers that answered otherwise; those answers are not
      // counted again.
      const values: Uint8Array[] = []
      if (!canAsk()) return values
      const answered = new Set<string>()
      try {
        for await (const event of dht.get(key, { signal })) {
          if (event.name !== 'PEER_RESPONSE' || event.record == null) continue
          const from = event.from.toString()
          if (answered.has(from)) continue
          answered.add(from)
          values.push(event.record.value)
        }
      } catch {
        // Timed out, or nobody holds it: what was found so far.
      }
      return values
    },
  }
}
