// import-time: how long `import('@cta-interop/sdk')` (the core entry, built) takes in a fresh Node
// process, against `import('jose')` (a small, well-kept library the SDK itself depends on) in the
// same run. Each round starts one child process per side, in alternating order, and the child times
// its own dynamic import with performance.now() (process start-up is the same for both, so it is
// left out). A second figure gives the whole child's wall time (spawn to exit) for the same rounds.
//
// The bytes each import loads come from a separate, untimed child per side whose module loader
// hook records every file it loads (the hook itself costs time, so it never runs in a timed child).
import { spawnSync } from 'node:child_process'
import { statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { alternate, roundsResult, type Bench, type Measured } from './lib/measure.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const ROUNDS = 9
const SDK = '@cta-interop/sdk'
const JOSE = 'jose'

/** Runs `code` as an ES module in a fresh Node process at the repository root; returns stdout. */
function child(code: string, args: readonly string[] = []): { out: string; wallMs: number } {
  const start = performance.now()
  const r = spawnSync(process.execPath, [...args, '--input-type=module', '-e', code], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  const wallMs = performance.now() - start
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`)
  return { out: r.stdout.trim(), wallMs }
}

function timeImport(specifier: string): { importMs: number; wallMs: number } {
  const { out, wallMs } = child(
    `const t = performance.now(); await import(${JSON.stringify(specifier)}); ` +
      'console.log(performance.now() - t)',
  )
  return { importMs: Number(out), wallMs }
}

// A loader hook that lists every file: URL the import loads.
const HOOK = `data:text/javascript,${encodeURIComponent(
  'export async function load(url, context, next) { ' +
    "if (url.startsWith('file:')) process.stderr.write('LOADED ' + url + '\\n'); " +
    'return next(url, context) }',
)}`

/** Files and bytes loaded by importing `specifier`. */
function loaded(specifier: string): { files: number; bytes: number } {
  const code =
    `import { register } from 'node:module'; register(${JSON.stringify(HOOK)}); ` +
    `await import(${JSON.stringify(specifier)})`
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`)
  const urls = new Set(
    r.stderr
      .split('\n')
      .filter((line) => line.startsWith('LOADED '))
      .map((line) => line.slice('LOADED '.length)),
  )
  let bytes = 0
  for (const url of urls) bytes += statSync(fileURLToPath(url)).size
  return { files: urls.size, bytes }
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`

export const run: Bench = async () => {
  const side = (specifier: string) => (): Measured => timeImport(specifier).importMs
  // One unrecorded warm-up of each (file system cache), then alternating rounds.
  const measured = await alternate(side(SDK), side(JOSE), { rounds: ROUNDS, warmup: true })
  // Whole-process wall time, in rounds of its own.
  const wallRounds = await alternate(
    () => timeImport(SDK).wallMs,
    () => timeImport(JOSE).wallMs,
    { rounds: ROUNDS },
  )
  const sdk = loaded(SDK)
  const jose = loaded(JOSE)
  const range = (xs: readonly number[]): string => {
    const s = [...xs].sort((a, b) => a - b)
    return `${(s[0] ?? 0).toFixed(1)} / ${(s[Math.floor(s.length / 2)] ?? 0).toFixed(1)} / ${(s.at(-1) ?? 0).toFixed(1)}`
  }
  const notes =
    `import ms min/median/max: sdk ${range(measured.rounds.map((r) => r.value))}, ` +
    `jose ${range(measured.rounds.map((r) => r.baselineValue))}; ` +
    `whole child wall ms: sdk ${range(wallRounds.rounds.map((r) => r.value))}, ` +
    `jose ${range(wallRounds.rounds.map((r) => r.baselineValue))}; ` +
    `loaded: sdk ${sdk.files} files ${kib(sdk.bytes)}, jose ${jose.files} files ${kib(jose.bytes)}; ` +
    `${ROUNDS} alternating rounds, a fresh process per import, the built dist (run npm run build first)`
  return [
    roundsResult(
      {
        name: 'import-time',
        unit: `ms to import ${SDK} (core entry, fresh process)`,
        baseline: `import('${JOSE}') in a fresh process`,
        target: null,
        higherIsBetter: false,
        notes,
      },
      measured,
    ),
    roundsResult(
      {
        name: 'import-wall',
        unit: `ms wall for node -e "import('${SDK}')"`,
        baseline: `node -e "import('${JOSE}')"`,
        target: null,
        higherIsBetter: false,
        notes,
      },
      wallRounds,
    ),
  ]
}
