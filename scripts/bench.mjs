// @ts-check
/**
 * `npm run bench`: runs every benchmark part in Node and, where a part has a browser half, in
 * headless Chromium, in one run. Prints one table (each figure beside its ceiling or baseline,
 * as the median of the repeats with their min–max) and writes bench/results/latest.json and a
 * dated copy, with the machine and its load before and after.
 *
 * Options: `--only PART[,PART]` (core, relay, …), `--repeat N` (whole runs of each part;
 * default 1).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { globSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { runInChromium } from './bench-browser.mjs'

const { values } = parseArgs({
  options: { only: { type: 'string' }, repeat: { type: 'string', default: '1' } },
})
const only = values.only ? new Set(values.only.split(',')) : null
const repeats = Math.max(1, Number.parseInt(values.repeat ?? '1', 10) || 1)

/** The machine, and its load (1-minute average) when the run starts and ends. */
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  loadBefore: loadavg()[0],
  loadAfter: 0,
}

/** @type {import('../bench/types.ts').BenchRow[]} */
const rows = []
/** @param {import('../bench/types.ts').BenchRow} row */
const report = (row) => {
  rows.push(row)
  const base = row.baseline
    ? `  (${row.baseline.label}: ${fmt(row.baseline.value)} ${row.unit})`
    : ''
  console.log(`  ${row.part}/${row.runtime}  ${row.metric}: ${fmt(row.value)} ${row.unit}${base}`)
}

/** @param {number} n */
function fmt(n) {
  if (!Number.isFinite(n)) return String(n)
  if (Math.abs(n) >= 100) return n.toFixed(0)
  if (Math.abs(n) >= 10) return n.toFixed(1)
  return n.toFixed(2)
}

const parts = globSync('bench/*.bench.ts').sort()
for (let round = 1; round <= repeats; round++) {
  if (repeats > 1) console.log(`\n== run ${round} of ${repeats} (load ${loadavg()[0].toFixed(2)})`)
  for (const file of parts) {
    const part = basename(file, '.bench.ts')
    if (only && !only.has(part)) continue
    console.log(`\n${part} (Node)`)
    const mod = await import(pathToFileURL(join(process.cwd(), file)).href)
    await mod.run(report)
    if (mod.browser === true) {
      console.log(`${part} (Chromium)`)
      await runInChromium(file, report)
    }
  }
}
machine.loadAfter = loadavg()[0]

/**
 * One figure over the repeats: the median of its values (and of its baseline's), with min–max.
 * @typedef {{ row: import('../bench/types.ts').BenchRow, values: number[], baselines: number[] }} Figure
 */
/** @type {Map<string, Figure>} */
const figures = new Map()
for (const row of rows) {
  const key = `${row.part}\u0000${row.runtime}\u0000${row.metric}`
  const figure = figures.get(key) ?? { row, values: [], baselines: [] }
  figure.values.push(row.value)
  if (row.baseline) figure.baselines.push(row.baseline.value)
  figures.set(key, figure)
}
/** @param {number[]} xs */
const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
/** @param {number[]} xs */
const spread = (xs) => (xs.length > 1 ? ` [${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}]` : '')
const summary = [...figures.values()].map(({ row, values: vs, baselines }) => ({
  part: row.part,
  runtime: row.runtime,
  metric: row.metric,
  unit: row.unit,
  median: median(vs),
  min: Math.min(...vs),
  max: Math.max(...vs),
  runs: vs.length,
  baseline:
    row.baseline && baselines.length > 0
      ? {
          label: row.baseline.label,
          median: median(baselines),
          min: Math.min(...baselines),
          max: Math.max(...baselines),
        }
      : undefined,
  note: row.note,
}))

// The table: one line per figure (median [min–max] over the repeats), its baseline beside it
// and the ratio of the medians.
const header = ['part', 'runtime', 'metric', 'value', 'unit', 'baseline', 'baseline value', 'ratio']
const table = [...figures.values()].map(({ row, values: vs, baselines }) => [
  row.part,
  row.runtime,
  row.metric,
  fmt(median(vs)) + spread(vs),
  row.unit,
  row.baseline?.label ?? '',
  baselines.length > 0 ? fmt(median(baselines)) + spread(baselines) : '',
  baselines.length > 0 && median(baselines) !== 0 ? fmt(median(vs) / median(baselines)) : '',
])
const widths = header.map((h, i) =>
  Math.max(h.length, ...table.map((row) => String(row[i]).length)),
)
const line = (/** @type {string[]} */ cells) =>
  cells.map((c, i) => String(c).padEnd(widths[i])).join('  ')
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`)
for (const row of table) console.log(line(row))

console.log(
  `\nMachine: ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB; ` +
    `load ${machine.loadBefore.toFixed(2)} before, ${machine.loadAfter.toFixed(2)} after`,
)

mkdirSync('bench/results', { recursive: true })
const date = new Date().toISOString()
const out = { date, node: process.version, repeats, machine, summary, rows }
const json = JSON.stringify(out, null, 2) + '\n'
const dated = `bench/results/${date.slice(0, 19).replaceAll(':', '-')}.json`
writeFileSync('bench/results/latest.json', json)
writeFileSync(dated, json)
console.log(`\nWritten: bench/results/latest.json and ${dated}`)
