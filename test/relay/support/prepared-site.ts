/**
 * A site hashed into a tab's store and its record signed, without publishing it anywhere: the
 * spec then uploads it to the relays it chooses and puts the record where it wants, in order.
 * @module
 */
import type { CID } from 'multiformats/cid'
import type { Ed25519KeyPair } from '../../../src/core/crypto/ed25519.ts'
import { createRecord, type SignedRecord } from '../../../src/core/records/index.ts'
import { createSiteHost, publishSite } from '../../../src/net/hosting/index.ts'
import { MemorySites, type MemoryStore } from '../../net/hosting-support.ts'
import type { Client } from './client.ts'

/** Hashes `files` into `store` as `site` and signs its record `seq` with `owner`, naming `tab` its host. */
export async function prepareSite(
  init: { store: MemoryStore; owner: Ed25519KeyPair; tab: Client },
  site: string,
  files: Record<string, Uint8Array>,
  seq: number,
): Promise<{ record: SignedRecord; root: CID }> {
  const { store, owner, tab } = init
  const published = await publishSite(
    {
      store,
      host: createSiteHost({ store }),
      sites: new MemorySites(),
      hostEntry: () => ({ id: tab.peerId.toMultihash().bytes, addrs: [] }),
      publish: async (fields) => ({
        record: await createRecord({ ...fields, seq }, owner),
        accepted: 0,
      }),
    },
    {
      site,
      worker: false,
      files: Object.entries(files).map(([path, content]) => ({ path, content })),
    },
  )
  return { record: published.record, root: published.root }
}
