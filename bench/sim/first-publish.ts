/**
 * How far owners' first publishes of brand-new names reach: right after each name's first put,
 * the honest servers whose store holds the owner's record. A first put refused by the servers
 * around a name (a rival answered by Sybils outvoting an owner the network holds nowhere, or a
 * look-up that failed) leaves the name to whoever is offered it next.
 * @module
 */
import { Libp2pRecord } from '@libp2p/record'
import { toHex } from '../../src/core/bytes.ts'
import { decodeRecord } from '../../src/core/records/index.ts'
import { recordDsKey } from '../../relay-node/src/dht-record-source.ts'
import type { GuardedDatastore } from '../../relay-node/src/record-store.ts'

/** First publishes' reach: honest servers holding the owner's record right after its first put. */
export interface FirstPublishResult {
  names: number
  /** Honest servers holding it, median over the names. */
  honestP50?: number
  /** Names whose first put no honest server took. */
  heldByNoHonest: number
  /** The eclipsed name's count (`--eclipse`). */
  eclipsed?: number
}

/** How many of `stores` hold a record of `key` by `holder` (its public key). */
export async function honestHolding(
  stores: readonly GuardedDatastore[],
  key: Uint8Array,
  holder: Uint8Array,
): Promise<number> {
  const want = toHex(holder)
  let held = 0
  for (const store of stores) {
    const bytes = await store.get(recordDsKey(key)).catch(() => undefined)
    if (bytes === undefined) continue
    const value = Libp2pRecord.deserialize(bytes).value
    if (toHex(decodeRecord(value).holder) === want) held++
  }
  return held
}

/** The figures of `reach` (one count per name, the eclipsed name first when `eclipse`). */
export function firstPublishResult(reach: number[], eclipse: boolean): FirstPublishResult {
  return {
    names: reach.length,
    ...(reach.length === 0
      ? {}
      : { honestP50: [...reach].sort((a, b) => a - b)[Math.ceil(reach.length / 2) - 1] }),
    heldByNoHonest: reach.filter((n) => n === 0).length,
    ...(eclipse && reach.length > 0 ? { eclipsed: reach[0] } : {}),
  }
}

/** The result table's row for `r`. */
export function firstPublishRow(r: FirstPublishResult): [string, string, string] {
  return [
    "owners' first publishes held",
    `p50 ${r.honestP50 ?? '–'} honest`,
    `honest servers holding the owner's record right after a new name's first put; ${r.heldByNoHonest} of ${r.names} names held by none${r.eclipsed === undefined ? '' : `; the eclipsed name by ${r.eclipsed}`}`,
  ]
}
