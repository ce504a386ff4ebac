/**
 * The shape every benchmark part reports in, so `npm run bench` can print one table and write
 * one JSON file for all parts (Node and browser).
 * @module
 */

/** One measured figure. */
export interface BenchRow {
  /** Which part of the product: 'core', 'relay', 'peer', 'app'. */
  part: string
  /** Where it ran: 'node' or 'chromium'. */
  runtime: string
  /** What was measured, e.g. 'records verified'. */
  metric: string
  /** The figure. */
  value: number
  /** Its unit, e.g. 'ops/s', 'MB/s', 'ms'. */
  unit: string
  /** The ceiling or baseline measured in the same run, shown side by side. */
  baseline?: { label: string; value: number }
  /** Anything a reader needs to interpret the row. */
  note?: string
}

/** A benchmark part: measures and reports rows, bounded in time, then returns. */
export type BenchPart = (report: (row: BenchRow) => void) => Promise<void>
