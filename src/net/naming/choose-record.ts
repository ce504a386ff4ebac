/**
 * Which record a lookup uses among the valid ones for a name: the pinned holder's, or for a
 * visitor with no pin the holder most servers returned, so one rogue server cannot win with a
 * back-dated rival; when different holders tie, none (the person chooses). Pure. See
 * docs/PROTOCOL.md ("The name DHT").
 * @module
 */
import { equals, toHex } from '../../core/bytes.ts'
import { selectRecord, type SignedRecord } from '../../core/records/index.ts'
import type { ValidCandidate } from './candidates.ts'

/** One holder seen in a lookup and how many distinct servers returned a record of it. */
export interface HolderSeen {
  holder: Uint8Array
  servers: number
}

/** The servers disagree on who holds a name: more than one holder was returned. */
export interface NameConflict {
  /** The canonical site name. */
  site: string
  /** Each holder returned, most servers first. */
  holders: HolderSeen[]
  /** The holder the lookup chose; undefined when holders tied and none was chosen. */
  chosen?: Uint8Array
  /** Whether the choice went by a pin rather than by the servers' majority. */
  byPin: boolean
}

/** Options of `chooseRecord`. */
export interface ChooseRecordOptions {
  key: Uint8Array
  trustedRegistrars: readonly Uint8Array[]
  /** The holder pinned for the name, if any: only its records are chosen. */
  pinned?: Uint8Array
}

/** One holder's best record, offered to the person when holders tie. */
export interface HolderOffer extends HolderSeen {
  record: SignedRecord
}

/** What `chooseRecord` picked. */
export interface Choice {
  /**
   * The chosen record; undefined when a pin is set and none of the candidates is its holder,
   * or when there is no pin and different holders tie for the most servers (see `tied`).
   */
  record?: SignedRecord
  /** No pin, and these holders tie for the most servers: the person chooses, nobody is pinned. */
  tied?: HolderOffer[]
  /** Set when the candidates name more than one holder. */
  conflict?: NameConflict
}

function conflictOf(
  site: string,
  groups: ReadonlyArray<{ holder: Uint8Array; servers: Set<string> }>,
  chosen: Uint8Array | undefined,
  byPin: boolean,
): NameConflict {
  return {
    site,
    holders: groups.map((g) => ({ holder: g.holder, servers: g.servers.size })),
    ...(chosen === undefined ? {} : { chosen }),
    byPin,
  }
}

function select(records: readonly SignedRecord[], options: ChooseRecordOptions): SignedRecord {
  return records[
    selectRecord(
      records.map((r) => r.bytes),
      { key: options.key, trustedRegistrars: options.trustedRegistrars },
    )
  ]
}

/**
 * Picks the record to use among valid candidates for one name.
 *
 * - With a pin: the best record of the pinned holder (`selectRecord`), none if it is absent.
 * - Without one, when the candidates name several holders: the holder returned by the most
 *   distinct servers wins. So one server returning a back-dated rival cannot outvote the
 *   others. When different holders tie, no record is chosen and `tied` lists each one's best
 *   record: an earlier `created` never decides between different holders.
 *
 * Whenever more than one holder appears, `conflict` describes the disagreement.
 */
export function chooseRecord(
  site: string,
  candidates: readonly ValidCandidate[],
  options: ChooseRecordOptions,
): Choice {
  if (candidates.length === 0) return {}
  const byHolder = new Map<
    string,
    { holder: Uint8Array; servers: Set<string>; records: SignedRecord[] }
  >()
  for (const { record, servers } of candidates) {
    const id = toHex(record.holder)
    let group = byHolder.get(id)
    if (group === undefined) {
      group = { holder: record.holder, servers: new Set(), records: [] }
      byHolder.set(id, group)
    }
    for (const server of servers) group.servers.add(server)
    group.records.push(record)
  }
  const groups = [...byHolder.values()].sort((a, b) => b.servers.size - a.servers.size)
  let record: SignedRecord | undefined
  if (options.pinned !== undefined) {
    const pinned = options.pinned
    const group = groups.find((g) => equals(g.holder, pinned))
    record = group === undefined ? undefined : select(group.records, options)
  } else {
    const most = groups[0].servers.size
    const tied = groups.filter((g) => g.servers.size === most)
    if (tied.length > 1) {
      return {
        tied: tied.map((g) => ({
          holder: g.holder,
          servers: g.servers.size,
          record: select(g.records, options),
        })),
        conflict: conflictOf(site, groups, undefined, false),
      }
    }
    record = select(tied[0].records, options)
  }
  if (groups.length < 2) return { record }
  return {
    record,
    conflict: conflictOf(
      site,
      groups,
      record?.holder ?? groups[0].holder,
      options.pinned !== undefined,
    ),
  }
}
