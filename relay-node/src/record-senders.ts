/**
 * Who sent each stored record: the peer and its source (address block), known while an inbound
 * DHT stream is handled (`runAsSender`) and kept beside each record in a sidecar entry, so the
 * store's quotas still charge the right sender after a restart.
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { AbortOptions } from '@libp2p/interface'
import { Key, type Datastore } from 'interface-datastore'
import { DHT_RECORD_PREFIX, RELAY_STATE_PREFIX } from './constants.ts'

/** Prefix of the sidecar entries naming the peer that sent each stored record. */
const SENDER_PREFIX = `${RELAY_STATE_PREFIX}sender/`

/** Who sent a write: the peer and its source (see source-subnet.ts). */
export interface Sender {
  peer: string
  source: string
}

/** Who sent the write being handled: set around inbound DHT streams (see `runAsSender`). */
const sender = new AsyncLocalStorage<Sender>()

/** Runs `fn` with `who` as the sender of every store write it causes. */
export function runAsSender<T>(who: Sender, fn: () => T): T {
  return sender.run(who, fn)
}

/** Who sent the write being handled now, when an inbound DHT stream caused it. */
export function currentSender(): Sender | undefined {
  return sender.getStore()
}

/** The sidecar key of a record's datastore key. */
export function senderKey(recordKey: string): Key {
  return new Key(SENDER_PREFIX + recordKey.slice(DHT_RECORD_PREFIX.length), false)
}

/** Writes who sent the record stored under the datastore key `recordKey`. */
export async function putSender(
  store: Datastore,
  recordKey: string,
  who: Sender,
  options?: AbortOptions,
): Promise<void> {
  await store.put(
    senderKey(recordKey),
    new TextEncoder().encode(`${who.peer}\n${who.source}`),
    options,
  )
}

/** Every sidecar entry: the record's datastore key → its sender, as stored. */
export async function readSenders(
  store: Datastore,
  options?: AbortOptions,
): Promise<Map<string, { peer?: string; source?: string }>> {
  const senders = new Map<string, { peer?: string; source?: string }>()
  for await (const { key, value } of store.query({ prefix: SENDER_PREFIX }, options)) {
    const [peer, source] = new TextDecoder().decode(value).split('\n')
    senders.set(DHT_RECORD_PREFIX + key.toString().slice(SENDER_PREFIX.length), { peer, source })
  }
  return senders
}
