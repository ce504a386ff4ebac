/**
 * Which record a lookup uses among the valid ones for a name: the pinned holder's, or for a
 * visitor with no pin the holder the servers' address blocks voted for (each block one vote,
 * `countHolderVotes`), so neither one rogue server with a back-dated rival nor many servers in
 * one block can win; when different holders tie, none (the person chooses). Pure. See
 * docs/PROTOCOL.md ("The name DHT", "Counting servers").
 * @module
 */
import { equals, toHex } from '../../core/bytes.ts'
import { countHolderVotes, selectRecord, type SignedRecord } from '../../core/records/index.ts'
import type { ValidCandidate } from './candidates.ts'

/** One holder seen in a lookup, how many distinct servers returned a record of it, and how many address blocks voted for it. */
export interface HolderSeen {
  holder: Uint8Array
  servers: number
  votes: number
}

/** The servers disagree on who holds a name: more than one holder was returned. */
export interface NameConflict {
  /** The canonical site name. */
  site: string
  /** Each holder returned, most votes first. */
  holders: HolderSeen[]
  /** The holder the lookup chose; undefined when holders tied and none was chosen. */
  chosen?: Uint8Array
  /** Whether the choice went by a pin rather than by the servers' vote. */
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
   * or when there is no pin and different holders tie for the most votes (see `tied`).
   */
  record?: SignedRecord
  /** No pin, and these holders tie for the most votes: the person chooses, nobody is pinned. */
  tied?: HolderOffer[]
  /** Set when the candidates name more than one holder. */
  conflict?: NameConflict
}

/** A holder's records and count. */
interface Group {
  holder: Uint8Array
  servers: number
  votes: number
  records: SignedRecord[]
}

function conflictOf(
  site: string,
  groups: readonly Group[],
  chosen: Uint8Array | undefined,
  byPin: boolean,
): NameConflict {
  return {
    site,
    holders: groups.map((g) => ({ holder: g.holder, servers: g.servers, votes: g.votes })),
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
 * - Without one, when the candidates name several holders: each address block votes for the
 *   holder most of its servers returned, and the holder with the most votes wins. So neither
 *   one server returning a back-dated rival nor many servers of one block can outvote the
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
  const byHolder = new Map<string, { holder: Uint8Array; records: SignedRecord[] }>()
  const answers: Array<{ holder: string; server: string; block: string }> = []
  for (const { record, servers, blocks } of candidates) {
    const id = toHex(record.holder)
    let group = byHolder.get(id)
    if (group === undefined) {
      group = { holder: record.holder, records: [] }
      byHolder.set(id, group)
    }
    servers.forEach((server, i) =>
      answers.push({ holder: id, server, block: blocks?.[i] ?? server }),
    )
    group.records.push(record)
  }
  const { counts, winner } = countHolderVotes(answers)
  // Holders with no server (a cached copy alone) count after the others.
  const groups: Group[] = [...byHolder].map(([id, g]) => {
    const count = counts.find((c) => c.holder === id)
    return { ...g, servers: count?.servers ?? 0, votes: count?.votes ?? 0 }
  })
  groups.sort((a, b) => b.votes - a.votes || b.servers - a.servers)
  let record: SignedRecord | undefined
  if (options.pinned !== undefined) {
    const pinned = options.pinned
    const group = groups.find((g) => equals(g.holder, pinned))
    record = group === undefined ? undefined : select(group.records, options)
  } else if (winner !== undefined || groups.length === 1) {
    record = select((groups.find((g) => toHex(g.holder) === winner) ?? groups[0]).records, options)
  } else {
    const most = groups[0].votes
    const tied = groups.filter((g) => g.votes === most)
    return {
      tied: tied.map((g) => ({
        holder: g.holder,
        servers: g.servers,
        votes: g.votes,
        record: select(g.records, options),
      })),
      conflict: conflictOf(site, groups, undefined, false),
    }
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
