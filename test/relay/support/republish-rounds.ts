/**
 * A relay's republish rounds as it logs them (`records republished`, relay-node/src/republish.ts),
 * for the republish specs.
 * @module
 */
import type { RelayProcess } from './relay-process.ts'

/** One republish round as the relay logs it. */
export interface Round {
  records: number
  put: number
  skipped: number
  /** Of `put`: records a peer not among the key's closest servers put since the last round. */
  outsiders: number
  /** Of `put`: records re-put only because the rounds before skipped them as often as a relay may. */
  capped: number
  failed: number
}

/** The most rounds in a row, among `held`, that skipped a record. */
export function longestSkipRun(held: readonly Round[]): number {
  let run = 0
  let longest = 0
  for (const round of held) {
    run = round.skipped > 0 ? run + 1 : 0
    longest = Math.max(longest, run)
  }
  return longest
}

/** The republish rounds `relay` logged that found at least one record. */
export function rounds(relay: RelayProcess): Round[] {
  return relay
    .stderr()
    .split('\n')
    .filter((line) => line.includes('"msg":"records republished"'))
    .map((line) => JSON.parse(line) as Round)
    .filter((round) => round.records > 0)
}
