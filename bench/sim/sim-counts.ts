/**
 * `SimCounts`: what the honest servers' record policy cost over a run, counted. A server that is
 * offered a root record of a name it does not hold looks the name up in the DHT first (a "root
 * look-up", relay-node/src/root-lookup.ts); these counts set those look-ups beside the puts that
 * caused them, so a run shows the look-ups each put costs.
 * @module
 */
import type { RootLookupShare } from '../../relay-node/src/root-lookup.ts'

/** The operations of a run that the per-operation real-time bound can cut (`RunBound.guard`). */
export const OPERATIONS = [
  'lookup',
  'put',
  'table refresh',
  'republish',
  'attack',
  'join',
  'stop',
] as const
export type Operation = (typeof OPERATIONS)[number]

/** Counts shared by every node of one simulation. */
export class SimCounts {
  /** DHT puts started (holders, servers' republish rounds, Sybils' pushes); each reaches up to K servers. */
  puts = 0
  /** Records the servers' republish rounds re-put, and those they skipped (put to them since). */
  republished = 0
  republishSkipped = 0
  /** Of `republished`: records re-put only because their holder had skipped them as often in a row as it may. */
  republishCapped = 0
  /** Record writes honest servers received from other peers. */
  writesReceived = 0
  /** Root look-ups honest servers started (each a DHT query). */
  rootLookups = 0
  /**
   * Operations the real-time bound on one operation ended, by kind: each failed, whatever it
   * still waited for (a starved or stuck process, not a DHT outcome).
   */
  readonly cut: Record<Operation, number> = Object.fromEntries(
    OPERATIONS.map((op) => [op, 0]),
  ) as Record<Operation, number>
  /** (server, DHT key) pairs looked up at least once. */
  private readonly pairs = new Set<string>()
  /** Writes judged without a look-up of their own, by how. */
  readonly shared: Record<RootLookupShare, number> = {
    'cached-found': 0,
    'cached-not-found': 0,
    'in-flight': 0,
  }

  /** Notes that `server` looked `key` up. */
  lookedUp(server: string, key: Uint8Array): void {
    this.pairs.add(`${server} ${Buffer.from(key).toString('base64')}`)
  }

  /** The figures, for a run's result. */
  snapshot(): SimCountsResult {
    return {
      puts: this.puts,
      republished: this.republished,
      republishSkipped: this.republishSkipped,
      republishCapped: this.republishCapped,
      writesReceived: this.writesReceived,
      rootLookups: this.rootLookups,
      distinctLookups: this.pairs.size,
      shared: { ...this.shared },
      cut: { ...this.cut },
    }
  }
}

/** `SimCounts` as plain figures. */
export interface SimCountsResult {
  puts: number
  republished: number
  republishSkipped: number
  republishCapped: number
  writesReceived: number
  rootLookups: number
  /** (server, name) pairs among them: the rest looked a name up again. */
  distinctLookups: number
  shared: Record<RootLookupShare, number>
  /** Operations the real-time bound on one operation ended, by kind. */
  cut: Record<Operation, number>
}
