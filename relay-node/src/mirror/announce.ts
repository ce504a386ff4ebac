/**
 * What a mirror tells the DHT: that it provides the content roots it holds, and the records of
 * the sites it holds, put again to the relays closest to their keys.
 * @module
 */
import { CID } from 'multiformats/cid'
import { dhtKey } from '@alternet/core/records'
import { isServable, type MirrorState } from './mirror-state.ts'

/** Announces this relay as a provider of `root`. */
export async function provide(state: MirrorState, root: CID): Promise<void> {
  try {
    for await (const event of state.init.node.services.dht.provide(root, { signal: state.signal }))
      void event
  } catch (err) {
    state.log.debug('provider record not announced', { root: root.toString(), error: err })
  }
}

/** Puts a record this relay holds to the DHT peers closest to its key. */
export async function spread(state: MirrorState, site: string, value: Uint8Array): Promise<void> {
  try {
    const key = await dhtKey(site)
    for await (const event of state.init.node.services.dht.put(key, value, {
      signal: state.signal,
    }))
      void event
  } catch (err) {
    state.log.debug('record not spread', { site, error: err })
  }
}

/** Announces again every servable content root held (provider records expire). */
export async function provideAll(state: MirrorState): Promise<void> {
  for (const entry of state.disk.sites()) {
    if (state.signal.aborted) return
    if (isServable(state, entry.site, entry.root)) await provide(state, CID.parse(entry.root))
  }
}
