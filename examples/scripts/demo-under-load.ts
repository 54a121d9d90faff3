// `npm run demo:busy`: runs the demo (`examples/demo.ts`: documents, the scenario, the conformance
// suite live) several times in a row while other processes keep every core busy, and exits 1 if any
// run fails. The demo must pass on a busy machine: a check that depends on timing, or on which of
// two legitimate paths wins a race, shows up here.
//
//   npm run demo:busy                      10 runs, one CPU burner per core (at least 2)
//   npm run demo:busy -- --runs 3 --burners 4
//
// Each run's output goes to test-results/demo-under-load/run-<n>.log. The burners are ended when
// this script ends, however it ends; they also end themselves if it is killed outright.
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const demo = fileURLToPath(new URL('../demo.ts', import.meta.url))
const burnCpu = fileURLToPath(new URL('./burn-cpu.mjs', import.meta.url))
const logDir = fileURLToPath(new URL('../../test-results/demo-under-load/', import.meta.url))

/** A positive integer option, `--name N`. */
function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  if (at === -1) return fallback
  const value = Number(process.argv[at + 1])
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} needs a positive integer`)
    process.exit(2)
  }
  return value
}
const runs = option('runs', 10)
const burnerCount = option('burners', Math.max(2, availableParallelism()))
/** A run that takes longer than this is stopped and counts as failed. */
const RUN_TIMEOUT_MS = 10 * 60_000

const children = new Set<ChildProcess>()
/** Ends every process this script started (by their ids, and the demo's process group). */
function endChildren(): void {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue
    try {
      // The demo runs in its own process group with the conformance suite it starts.
      process.kill(child.spawnargs.includes(demo) ? -child.pid : child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}
process.on('exit', endChildren)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    endChildren()
    process.exit(signal === 'SIGINT' ? 130 : 143)
  })
}

const burners = Array.from({ length: burnerCount }, () => {
  const burner = spawn(process.execPath, [burnCpu], { stdio: 'ignore' })
  children.add(burner)
  return burner
})

/** Runs the demo once; resolves with its exit code (or `timeout`), its duration and its log. */
async function runDemo(
  n: number,
): Promise<{ code: number | string; seconds: number; log: string }> {
  const log = `${logDir}run-${String(n).padStart(2, '0')}.log`
  const out = createWriteStream(log)
  const started = Date.now()
  // process.execArgv carries tsx's loader, so the child runs the TypeScript demo as this one runs.
  const child = spawn(process.execPath, [...process.execArgv, demo], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  children.add(child)
  child.stdout.pipe(out)
  child.stderr.pipe(out)
  const timer = setTimeout(() => {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
  }, RUN_TIMEOUT_MS)
  const code = await new Promise<number | string>((resolve) => {
    child.once('close', (exitCode, signal) => {
      resolve(exitCode ?? `killed (${String(signal)})`)
    })
  })
  clearTimeout(timer)
  children.delete(child)
  await new Promise((resolve) => out.end(resolve))
  return { code, seconds: (Date.now() - started) / 1000, log }
}

await mkdir(logDir, { recursive: true })
console.log(
  `Running the demo ${runs} times while ${burnerCount} processes keep the ${availableParallelism()} cores busy.\n`,
)
const results: { passed: boolean; seconds: number }[] = []
for (let n = 1; n <= runs; n++) {
  const idle = burners.filter((b) => b.exitCode !== null || b.signalCode !== null)
  if (idle.length > 0) {
    console.error(`${idle.length} burner(s) stopped: the machine is no longer kept busy.`)
    process.exit(1)
  }
  const { code, seconds, log } = await runDemo(n)
  const passed = code === 0
  results.push({ passed, seconds })
  const load = loadavg()[0]?.toFixed(1) ?? '?'
  console.log(
    `run ${String(n).padStart(2)}/${runs}: ${passed ? 'passed' : `FAILED (exit ${String(code)})`}` +
      ` in ${seconds.toFixed(1)} s, load ${load}${passed ? '' : `; see ${log}`}`,
  )
}
endChildren()

const passed = results.filter((r) => r.passed).length
const times = results.map((r) => r.seconds).sort((a, b) => a - b)
const median = times[Math.floor(times.length / 2)] ?? 0
console.log(
  `\n${passed}/${runs} runs passed under load; ` +
    `${(times[0] ?? 0).toFixed(1)} s fastest, ${median.toFixed(1)} s median, ` +
    `${(times.at(-1) ?? 0).toFixed(1)} s slowest.`,
)
process.exitCode = passed === runs ? 0 : 1
