// @ts-check
/**
 * `npm run bench`: runs every benchmark part in Node and, where a part has a browser half, in
 * headless Chromium, in one run. Prints one table (each figure beside its ceiling or baseline)
 * and writes bench/results/latest.json.
 *
 * Options: `--only PART[,PART]` (core, relay, …).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { globSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { runInChromium } from './bench-browser.mjs'

const { values } = parseArgs({ options: { only: { type: 'string' } } })
const only = values.only ? new Set(values.only.split(',')) : null

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

// The table: one line per figure, its baseline beside it and the ratio.
const header = ['part', 'runtime', 'metric', 'value', 'unit', 'baseline', 'baseline value', 'ratio']
const table = rows.map((r) => [
  r.part,
  r.runtime,
  r.metric,
  fmt(r.value),
  r.unit,
  r.baseline?.label ?? '',
  r.baseline ? fmt(r.baseline.value) : '',
  r.baseline && r.baseline.value !== 0 ? fmt(r.value / r.baseline.value) : '',
])
const widths = header.map((h, i) =>
  Math.max(h.length, ...table.map((row) => String(row[i]).length)),
)
const line = (/** @type {string[]} */ cells) =>
  cells.map((c, i) => String(c).padEnd(widths[i])).join('  ')
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`)
for (const row of table) console.log(line(row))

mkdirSync('bench/results', { recursive: true })
const out = { date: new Date().toISOString(), node: process.version, rows }
writeFileSync('bench/results/latest.json', JSON.stringify(out, null, 2) + '\n')
console.log('\nWritten: bench/results/latest.json')
