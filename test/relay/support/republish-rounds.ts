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
  failed: number
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
