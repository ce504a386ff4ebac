/**
 * Two relay processes that mirror for each other (the second bootstraps from the first, both
 * scanning for sites to mirror every `scanInterval`), and what a visitor's DHT lookup says of a
 * name: the set-up the keep-alive and pre-signed record specs share.
 * @module
 */
import { dhtKey, validateRecord } from '../../../src/core/records/index.ts'
import { dhtGet } from './client.ts'
import { getJson, startRelay, waitFor, type RelayProcess } from './relay-process.ts'
import type { Visitor } from './site-publisher.ts'

/** Starts two mirroring relays under `dir` (`r1`, `r2`) and waits until each sees the other. */
export async function startMirrorPair(
  dir: string,
  scanInterval: string,
): Promise<[RelayProcess, RelayProcess]> {
  const r1 = await startRelay(`${dir}/r1`, ['--mirror-scan-interval', scanInterval])
  const r2 = await startRelay(`${dir}/r2`, [
    '--mirror-scan-interval',
    scanInterval,
    '--bootstrap',
    r1.tcp,
  ])
  await waitFor('relays see each other', async () => {
    const health = await Promise.all([r1, r2].map((r) => getJson(r, '/health')))
    return health.every((h) => (h.peers as number) >= 1)
  })
  return [r1, r2]
}

/** The `seq` of the valid record the DHT gives `visitor` for `site`; undefined when none. */
export async function resolvedSeq(visitor: Visitor, site: string): Promise<number | undefined> {
  const bytes = await dhtGet(visitor.node, await dhtKey(site), 5000)
  if (bytes === undefined) return undefined
  try {
    return (await validateRecord(bytes)).body.seq
  } catch {
    return undefined
  }
}
