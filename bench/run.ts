// `npm run bench`: runs every bench/*.bench.ts (or those named on the command line), prints a
// table, and writes bench/results/<name>.json for each figure.
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { environment, type Bench, type BenchResult } from './lib/measure.js'

const dir = new URL('./', import.meta.url)
const only = process.argv.slice(2)
const files = (await readdir(dir))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((name) => f.startsWith(name)))
  .sort()

const env = environment()
const results: BenchResult[] = []
for (const file of files) {
  const { run } = (await import(new URL(file, dir).href)) as { run: Bench }
  process.stderr.write(`running ${file}…\n`)
  results.push(...(await run()))
}

await mkdir(new URL('results/', dir), { recursive: true })
for (const r of results) {
  await writeFile(
    new URL(`results/${r.name}.json`, dir),
    `${JSON.stringify({ ...r, environment: env }, null, 2)}\n`,
  )
}

const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3))
const rows = results.map((r) => {
  const met =
    r.target === null
      ? 'report'
      : (r.higherIsBetter ? r.ratio >= r.target : r.ratio <= r.target)
        ? 'met'
        : 'MISSED'
  return [
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    `${fmt(r.baselineValue)} (${r.baseline})`,
    fmt(r.ratio),
    r.target === null ? '-' : `${r.higherIsBetter ? '≥' : '≤'} ${r.target}`,
    met,
  ]
})
const header = ['benchmark', 'value', 'baseline', 'ratio', 'target', '']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')
console.log(`Node ${String(env['node'])}, ${String(env['cpu'])}, ${String(env['cores'])} cores\n`)
console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'))
