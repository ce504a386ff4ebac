/**
 * What a relay's store holds at start: every record and provider record with its size, sender
 * and protection, oldest first, for the guarded store's accounting (record-store.ts).
 * @module
 */
import type { AbortOptions } from '@libp2p/interface'
import { Libp2pRecord } from '@libp2p/record'
import type { Datastore } from 'interface-datastore'
import { DHT_PROVIDER_PREFIX, DHT_RECORD_PREFIX } from './constants.ts'
import { readSenders } from './record-senders.ts'
import type { Entry } from './store-accounting.ts'
import type { RecordPolicy } from './store-types.ts'

/** The entries `store` holds, oldest first (by time received; provider records by their time). */
export async function storedEntries(
  store: Datastore,
  policy: Pick<RecordPolicy, 'protectedUntil'>,
  options?: AbortOptions,
): Promise<Array<{ key: string; time: number; entry: Entry }>> {
  const senders = await readSenders(store, options)
  const found: Array<{ key: string; time: number; entry: Entry }> = []
  for await (const { key, value } of store.query({ prefix: DHT_RECORD_PREFIX }, options)) {
    const k = key.toString()
    let time = 0
    let protectedUntil: number | undefined
    try {
      const record = Libp2pRecord.deserialize(value)
      time = record.timeReceived.getTime()
      protectedUntil = policy.protectedUntil(record.key, record.value)
    } catch {
      // An unreadable entry is still counted, and evicted first.
    }
    found.push({
      key: k,
      time,
      entry: {
        size: k.length + value.length,
        peer: senders.get(k)?.peer,
        ...(senders.get(k)?.source ? { source: senders.get(k)?.source } : {}),
        protectedUntil,
      },
    })
  }
  for await (const { key, value } of store.query({ prefix: DHT_PROVIDER_PREFIX }, options)) {
    const k = key.toString()
    found.push({
      key: k,
      time: readVarint(value),
      entry: { size: k.length + value.length, peer: k.slice(k.lastIndexOf('/') + 1) },
    })
  }
  found.sort((a, b) => a.time - b.time)
  return found
}

/** An unsigned varint (a provider record's time). */
function readVarint(bytes: Uint8Array): number {
  let value = 0
  let scale = 1
  for (const b of bytes) {
    value += (b & 0x7f) * scale
    if ((b & 0x80) === 0) break
    scale *= 128
  }
  return value
}
