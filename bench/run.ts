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
  // With alternating rounds, `ratio` is the median of the per-round ratios: the target is checked
  // against it, and the table shows min / median / max beside it.
  const met =
    r.target === null
      ? 'report'
      : (r.higherIsBetter ? r.ratio >= r.target : r.ratio <= r.target)
        ? 'met'
        : 'MISSED'
  const ratio =
    r.rounds === undefined || r.ratioMin === undefined || r.ratioMax === undefined
      ? `${fmt(r.ratio)} (1 run)`
      : `${fmt(r.ratioMin)} / ${fmt(r.ratio)} / ${fmt(r.ratioMax)} (${r.rounds.length} rounds)`
  const unit = r.p99Unit ?? ''
  const p99 =
    r.p99 === undefined
      ? '-'
      : `${fmt(r.p99)}${unit === '' ? '' : ` ${unit}`}` +
        (r.baselineP99 === undefined ? '' : ` (baseline ${fmt(r.baselineP99)})`)
  return [
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    `${fmt(r.baselineValue)} (${r.baseline})`,
    ratio,
    p99,
    r.target === null ? '-' : `${r.higherIsBetter ? '≥' : '≤'} ${fmt(r.target)}`,
    met,
  ]
})
const header = [
  'benchmark',
  'value (median)',
  'baseline (median)',
  'ratio min / median / max',
  'p99',
  'target (on the median)',
  '',
]
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')
console.log(`Node ${String(env['node'])}, ${String(env['cpu'])}, ${String(env['cores'])} cores\n`)
console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'))
console.log(
  '\nWith rounds, subject and baseline alternate (the baseline is not always first); value and ' +
    'baseline are medians over the rounds, the target is checked against the median ratio, and ' +
    'bench/results/<name>.json keeps every round.',
)
