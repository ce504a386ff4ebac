/**
 * Who holds a name, by the servers' answers, when they disagree: each address block casts one
 * vote, for the holder most of its servers returned, so many peer IDs on one machine or network
 * cannot outvote servers elsewhere. Used by the relay (a name it does not hold, a subdomain's
 * root) and by a visitor with no pin. Pure. See docs/PROTOCOL.md, "Counting servers".
 * @module
 */

/** One server's answer: the holder its record names, and the address block it answered from. */
export interface HolderAnswer {
  /** The holder's key, as text (hex). */
  holder: string
  /** The answering server (peer ID text). */
  server: string
  /** The server's address block (`addressBlock`); each server its own when unknown to the caller. */
  block: string
}

/** One holder's count. */
export interface HolderCount {
  holder: string
  /** Distinct servers that returned it. */
  servers: number
  /** Address blocks whose vote went to it. */
  votes: number
}

/** The outcome of a vote. */
export interface HolderVoteResult {
  /** Every holder returned, the most votes first (then the most servers). */
  counts: HolderCount[]
  /** The holder with more votes than any other; undefined when none has (a tie, or no vote cast). */
  winner?: string
}

/**
 * Counts the answers: within each block, the holder most of its distinct servers returned gets
 * the block's vote (a block split evenly casts none); the holder with the most votes wins.
 */
export function countHolderVotes(answers: Iterable<HolderAnswer>): HolderVoteResult {
  /** block → holder → servers */
  const blocks = new Map<string, Map<string, Set<string>>>()
  const servers = new Map<string, Set<string>>()
  for (const { holder, server, block } of answers) {
    let inBlock = blocks.get(block)
    if (inBlock === undefined) blocks.set(block, (inBlock = new Map()))
    let set = inBlock.get(holder)
    if (set === undefined) inBlock.set(holder, (set = new Set()))
    set.add(server)
    let all = servers.get(holder)
    if (all === undefined) servers.set(holder, (all = new Set()))
    all.add(server)
  }
  const votes = new Map<string, number>()
  for (const inBlock of blocks.values()) {
    let best: string | undefined
    let most = 0
    let tie = false
    for (const [holder, set] of inBlock) {
      if (set.size > most) [best, most, tie] = [holder, set.size, false]
      else if (set.size === most) tie = true
    }
    if (best !== undefined && !tie) votes.set(best, (votes.get(best) ?? 0) + 1)
  }
  const counts = [...servers].map(([holder, set]) => ({
    holder,
    servers: set.size,
    votes: votes.get(holder) ?? 0,
  }))
  counts.sort((a, b) => b.votes - a.votes || b.servers - a.servers)
  const [first, second] = counts
  const winner =
    first !== undefined && first.votes > 0 && (second === undefined || second.votes < first.votes)
      ? first.holder
      : undefined
  return { counts, ...(winner === undefined ? {} : { winner }) }
}
