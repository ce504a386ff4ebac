/**
 * A datastore that passes everything to the relay's guarded store and tells the mirror about
 * each record that store accepted: kad-dht keeps records by writing to its datastore (PUT from
 * a peer, its own puts), and this is where a relay sees them arrive without changing kad-dht.
 * @module
 */
import type { AbortOptions } from '@libp2p/interface'
import { BaseDatastore } from 'datastore-core'
import type { Datastore, Key, KeyQuery, Query } from 'interface-datastore'

/** `inner` with `onStored(key, value)` called after each successful put. */
export class RecordWatch extends BaseDatastore {
  private readonly inner: Datastore
  private readonly onStored: (key: string, value: Uint8Array) => void

  constructor(inner: Datastore, onStored: (key: string, value: Uint8Array) => void) {
    super()
    this.inner = inner
    this.onStored = onStored
  }

  override async put(key: Key, val: Uint8Array, options?: AbortOptions): Promise<Key> {
    const out = await this.inner.put(key, val, options)
    this.onStored(key.toString(), val)
    return out
  }

  override get(key: Key, options?: AbortOptions): ReturnType<Datastore['get']> {
    return this.inner.get(key, options)
  }

  override has(key: Key, options?: AbortOptions): ReturnType<Datastore['has']> {
    return this.inner.has(key, options)
  }

  override delete(key: Key, options?: AbortOptions): ReturnType<Datastore['delete']> {
    return this.inner.delete(key, options)
  }

  override query(q: Query, options?: AbortOptions): ReturnType<Datastore['query']> {
    return this.inner.query(q, options)
  }

  override queryKeys(q: KeyQuery, options?: AbortOptions): ReturnType<Datastore['queryKeys']> {
    return this.inner.queryKeys(q, options)
  }
}
