// The live mutation gate: every plant of the catalogue (conformance/mutation/plants/*.ts) is started
// in a tool of its own child process, the live suite runs against it from this process, with the
// workspace's own, unplanted SDK, and the plant is caught when at least one case comes out red
// (failed or errored) that is green against the same tool without the plant.
//
//   npx tsx conformance/mutation/run-gate.ts [--only <id>[,<id>…]] [--out <file>] [--concurrency <n>]
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { copyFile, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { LiveCase } from '../src/live/case.js'
import { LIVE_CASES } from '../src/live/cases/index.js'
import { runLive } from '../src/live/run-live.js'
import { parseSutManifest } from '../src/live/sut.js'
import { PROFILES, type Profile } from '../src/types.js'
import { applyEdit, countEdit } from './bundled-edit.js'
import { PLANTED_TOOLS, type Plant } from './plant.js'
import { SUT_LINE, switchPlantsOf } from './serve-tool.js'

const HERE = dirname(fileURLToPath(import.meta.url))
/** The repository's root. */
export const REPO = resolve(HERE, '../..')
const SDK = join(REPO, 'sdk')
/** Where planted SDK copies are kept between runs (inside the repo, so bare imports resolve). */
export const MUTANT_CACHE = join(REPO, 'node_modules/.cache/cta-mutants')
/** The catalogue's directory. */
export const PLANTS_DIR = join(HERE, 'plants')
/** Where the CLI writes its results by default. */
export const DEFAULT_OUT = join(HERE, 'results/latest.json')
const SERVE_TOOL = join(HERE, 'serve-tool.ts')
const DASHBOARD_TEMPLATE = join(MUTANT_CACHE, 'dashboard-template')
/** Plants run at a time, by default. */
export const DEFAULT_CONCURRENCY = 4
const USE_MUTANT = join(HERE, 'use-mutant-sdk.mjs')

/**
 * What became of one plant:
 * - `caught`: at least one case that passes against the unplanted tool came out red;
 * - `missed`: no such case: the suite cannot tell the planted tool from a conformant one;
 * - `stale`: the plant cannot be applied (its `find` occurs nowhere in sdk/dist, or the tool offers
 *   no such switch);
 * - `invalid`: the plant's description is wrong (unknown tool or profile, requirement not in the
 *   spec, duplicate id);
 * - `imprecise`: a switch plant of a reference fixture made other cases red than its PLANTS map
 *   says (within the profiles run): the fixture, the plant or the suite changed unnoticed;
 * - `error`: the planted tool did not start, or the run could not be carried out.
 */
export type PlantStatus = 'caught' | 'missed' | 'imprecise' | 'stale' | 'invalid' | 'error'

/** One plant's outcome. */
export interface PlantResult {
  readonly id: string
  readonly file: string
  readonly tool: string
  readonly profiles: readonly string[]
  readonly requirements: readonly string[]
  readonly kind: 'switch' | 'sdk'
  readonly status: PlantStatus
  /** The red cases that are green without the plant. */
  readonly caughtBy: readonly string[]
  /** Red cases that are also red, or flaky, without the plant (they prove nothing about it). */
  readonly redWithoutPlant: readonly string[]
  /** For `sdk` plants: the dist files edited and the occurrences replaced. */
  readonly edited?: { readonly files: readonly string[]; readonly occurrences: number }
  /** For switch plants of the reference fixtures: the cases their PLANTS map says must fail. */
  readonly expectedCases?: readonly string[]
  /** Why it is not caught, or what went wrong. */
  readonly detail?: string
  readonly durationMs: number
  /** Where the time went, in ms: starting the planted tool, the live run, stopping the tool. */
  readonly phases?: { readonly start: number; readonly run: number; readonly stop?: number }
}

/** A plants file the gate could not use, or a defect of the catalogue as a whole. */
export interface CatalogueProblem {
  readonly file: string
  readonly problem: string
}

/** The unplanted run of one tool: the cases each plant of that tool is compared with. */
export interface BaselineResult {
  readonly tool: string
  readonly profiles: readonly string[]
  readonly passed: number
  /** Cases red against the unplanted tool, twice: a defect of the suite or of the tool. */
  readonly red: readonly string[]
  /** Cases red in the first unplanted run and not in a second one: they catch no plant. */
  readonly flaky?: readonly string[]
  readonly detail?: string
  readonly durationMs: number
}

/** Everything one run of the gate found. */
export interface GateResult {
  readonly startedAt: string
  readonly durationMs: number
  readonly plants: readonly PlantResult[]
  readonly baselines: readonly BaselineResult[]
  readonly problems: readonly CatalogueProblem[]
  /** Caught plants over all plants of the run. */
  readonly score: { readonly caught: number; readonly total: number }
  /** Every plant caught, no catalogue problem, every baseline green. */
  readonly ok: boolean
}

/** Options of {@link runGate}. */
export interface GateOptions {
  /** The plants to run; default the catalogue in `plants/`. */
  readonly plants?: readonly (Plant & { readonly file?: string })[]
  /** Only these plant ids. */
  readonly only?: readonly string[]
  /**
   * Plants run at a time. Default 4: most of a live run is waiting (for a retry, for a delivery
   * that must not come), so four runs keep two cores busy where two leave them half idle.
   */
  readonly concurrency?: number
  /** The live suite's patience, in ms. Default 3000. */
  readonly patience?: number
  /** Told each plant's result as it comes. */
  readonly onResult?: (result: PlantResult) => void
}

/** A plant as loaded, with the file it came from. */
export type LoadedPlant = Plant & { readonly file: string }

/**
 * Loads every `plants/*.ts` file's `PLANTS`. A file that does not load, or exports no list, is
 * reported as a problem; the plants of the other files still run.
 *
 * @see conformance/README.md, section "The live mutation gate"
 */
export async function loadCatalogue(
  dir: string = PLANTS_DIR,
): Promise<{ plants: LoadedPlant[]; problems: CatalogueProblem[] }> {
  const plants: LoadedPlant[] = []
  const problems: CatalogueProblem[] = []
  const files = existsSync(dir)
    ? (await readdir(dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort()
    : []
  for (const name of files) {
    const file = relative(REPO, join(dir, name))
    try {
      const module = (await import(pathToFileURL(join(dir, name)).href)) as { PLANTS?: unknown }
      if (!Array.isArray(module.PLANTS)) {
        problems.push({ file, problem: 'exports no PLANTS list' })
        continue
      }
      for (const plant of module.PLANTS as Plant[]) plants.push({ ...plant, file })
    } catch (err) {
      problems.push({
        file,
        problem: `does not load: ${err instanceof Error ? err.message : String(err)}`,
      })
    }
  }
  return { plants, problems }
}

/** The requirement ids the spec defines (`<a id="…">` anchors in spec/*.md). */
async function specRequirements(): Promise<Set<string>> {
  const ids = new Set<string>()
  const dir = join(REPO, 'spec')
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.md')) continue
    const text = await readFile(join(dir, name), 'utf8')
    for (const m of text.matchAll(/<a id="([A-Z]+-[A-Z]+-\d{3})"><\/a>/g)) ids.add(m[1] as string)
  }
  return ids
}

/** What is wrong with a plant's description, if anything. */
function invalidity(
  plant: Plant,
  requirements: Set<string>,
  seen: Set<string>,
): string | undefined {
  // A plants file is data written by hand: every field is checked as if it were untyped.
  const raw = plant as unknown as Record<string, unknown>
  const { id, tool, profiles, requirements: breaks } = raw
  if (typeof id !== 'string' || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(id)) {
    return `the id ${JSON.stringify(id)} is not <profile>.<what> in kebab case`
  }
  if (seen.has(id)) return 'another plant has the same id'
  if (typeof tool !== 'string' || !(PLANTED_TOOLS as readonly string[]).includes(tool)) {
    return `unknown tool ${JSON.stringify(tool)}`
  }
  if (!Array.isArray(profiles) || profiles.length === 0) return 'no profiles'
  const unknown = profiles.filter((p) => !(PROFILES as readonly unknown[]).includes(p))
  if (unknown.length > 0) return `unknown profiles: ${unknown.map(String).join(', ')}`
  if (!Array.isArray(breaks) || breaks.length === 0) return 'no requirements'
  const missing = breaks.filter((r) => typeof r !== 'string' || !requirements.has(r))
  if (missing.length > 0) return `requirements not in the spec: ${missing.map(String).join(', ')}`
  const how = plant.plant as { switch?: unknown; sdk?: { find?: unknown; replace?: unknown } }
  if (typeof how.switch !== 'string' && typeof how.sdk?.find !== 'string') {
    return 'plant is neither { switch } nor { sdk: { find, replace } }'
  }
  if (how.sdk !== undefined && (how.sdk.find === '' || typeof how.sdk.replace !== 'string')) {
    return 'an sdk plant needs a non-empty find and a replace'
  }
  if (how.sdk !== undefined && how.sdk.find === how.sdk.replace) {
    return 'an sdk plant whose replace equals its find changes nothing'
  }
  return undefined
}

/** The built SDK: its package.json and dist/*.js, and a hash of them all. */
interface BuiltSdk {
  readonly manifest: string
  readonly files: ReadonlyMap<string, string>
  readonly hash: string
}

async function readBuiltSdk(): Promise<BuiltSdk> {
  const manifest = await readFile(join(SDK, 'package.json'), 'utf8')
  const files = new Map<string, string>()
  const hash = createHash('sha256').update(manifest)
  for (const name of (await readdir(join(SDK, 'dist'))).filter((f) => f.endsWith('.js')).sort()) {
    const text = await readFile(join(SDK, 'dist', name), 'utf8')
    files.set(name, text)
    hash.update(`\0${name}\0`).update(text)
  }
  if (!files.has('index.js')) throw new Error('sdk/dist/index.js is missing: run npm run build')
  return { manifest, files, hash: hash.digest('hex') }
}

/**
 * Prepares the planted copy of the SDK for an `sdk` plant (or reuses the one a previous run made
 * from the same build and edit): `<cache>/<id>/package.json`, `dist/*.js` with the edit applied,
 * and `node_modules` pointing at sdk/node_modules, so that every import resolves as the original's.
 */
async function prepareMutant(
  sdk: BuiltSdk,
  id: string,
  edit: { readonly find: string; readonly replace: string },
): Promise<{ root: string; files: string[]; occurrences: number }> {
  const files: string[] = []
  let occurrences = 0
  for (const [name, text] of sdk.files) {
    const n = countEdit(text, edit)
    if (n > 0) {
      files.push(name)
      occurrences += n
    }
  }
  const root = join(MUTANT_CACHE, id)
  if (occurrences === 0) return { root, files, occurrences }
  const stamp = createHash('sha256')
    .update(sdk.hash)
    .update('\0')
    .update(edit.find)
    .update('\0')
    .update(edit.replace)
    .digest('hex')
  const stampFile = join(root, '.stamp')
  if ((await readFile(stampFile, 'utf8').catch(() => '')) === stamp) {
    return { root, files, occurrences }
  }
  await rm(root, { recursive: true, force: true })
  await mkdir(join(root, 'dist'), { recursive: true })
  await writeFile(join(root, 'package.json'), sdk.manifest)
  for (const [name, text] of sdk.files) {
    await writeFile(join(root, 'dist', name), applyEdit(text, edit))
  }
  if (existsSync(join(SDK, 'node_modules'))) {
    await symlink(join(SDK, 'node_modules'), join(root, 'node_modules'), 'dir')
  }
  await writeFile(stampFile, stamp)
  return { root, files, occurrences }
}

/** A tool started in a child process. */
interface Child {
  readonly sut: Record<string, unknown>
  /** The file the child resolved `@cta-interop/sdk` to. */
  readonly sdk: string
  stop(): Promise<void>
}

/**
 * How children run `serve-tool.ts`: from a bundle built once per gate run (esbuild, every package
 * left external so that `@cta-interop/sdk` still goes through the resolve hook), which starts a
 * tool in a third of the CPU time that tsx's loader takes; through tsx when esbuild is missing.
 */
interface Launcher {
  readonly bundle?: string
  readonly tsx: string
}

/** Bundles `serve-tool.ts` into `dir` (with the files the tools load next to their modules). */
async function prepareLauncher(dir: string): Promise<Launcher> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  try {
    const { build } = (await import('esbuild')) as typeof import('esbuild')
    await rm(dir, { recursive: true, force: true })
    await build({
      entryPoints: [SERVE_TOOL],
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      logLevel: 'silent',
    })
    // The dashboard starts its database's worker from a file next to its module.
    await copyFile(
      join(REPO, 'examples/dashboard/create-database.mjs'),
      join(dir, 'create-database.mjs'),
    )
    return { bundle: join(dir, 'serve-tool.mjs'), tsx }
  } catch {
    return { tsx }
  }
}

/** The tools that read files next to their modules, so that they cannot run from the bundle. */
const UNBUNDLED: readonly string[] = ['dashboard']

/**
 * Starts `serve-tool.ts` for `tool`, with a switch plant or a planted SDK copy: from the bundle,
 * or through tsx for a tool that cannot run bundled (and for one that failed to start bundled).
 */
async function startChild(
  launcher: Launcher,
  tool: string,
  options: { plant?: string; mutant?: string },
): Promise<Child> {
  if (launcher.bundle !== undefined && !UNBUNDLED.includes(tool)) {
    try {
      return await spawnChild([], launcher.bundle, tool, options)
    } catch {
      // Started through tsx below, which reports its own failure.
    }
  }
  return spawnChild(['--import', launcher.tsx], SERVE_TOOL, tool, options)
}

/** Spawns node with `imports` on `entry` (the bundle or serve-tool.ts), and waits for its SUT. */
async function spawnChild(
  imports: readonly string[],
  entry: string,
  tool: string,
  options: { plant?: string; mutant?: string },
): Promise<Child> {
  const args = [
    ...imports,
    ...(options.mutant === undefined ? [] : ['--import', pathToFileURL(USE_MUTANT).href]),
    entry,
    '--tool',
    tool,
    ...(options.plant === undefined ? [] : ['--plant', options.plant]),
  ]
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: {
      ...process.env,
      CTA_DASHBOARD_TEMPLATE: DASHBOARD_TEMPLATE,
      ...(options.mutant === undefined ? {} : { CTA_MUTANT_SDK: options.mutant }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | null>((done) => {
    child.on('exit', (code) => {
      done(code)
    })
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
      }, 8_000)
      await exited
      clearTimeout(timer)
    }
  }
  const ready = await new Promise<{ sut: Record<string, unknown>; sdk: string } | string>(
    (done) => {
      let out = ''
      // A guard against a tool that hangs, not a measure: PGlite's start takes seconds of CPU,
      // and on a loaded machine a minute was seen to be too short.
      const timer = setTimeout(() => {
        done('did not start within 180 s')
      }, 180_000)
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const line = out.split('\n').find((l) => l.startsWith(SUT_LINE))
        if (line === undefined || !out.includes('\n', out.indexOf(SUT_LINE))) return
        clearTimeout(timer)
        try {
          done(
            JSON.parse(line.slice(SUT_LINE.length)) as {
              sut: Record<string, unknown>
              sdk: string
            },
          )
        } catch {
          done(`printed an unreadable SUT line: ${line.slice(0, 200)}`)
        }
      })
      void exited.then((code) => {
        clearTimeout(timer)
        done(`exited with ${String(code)} before it was ready`)
      })
    },
  )
  if (typeof ready === 'string') {
    await stop()
    throw new Error(
      `the ${tool} tool ${ready}${stderr === '' ? '' : `: ${stderr.trim().slice(-1500)}`}`,
    )
  }
  return { sut: ready.sut, sdk: ready.sdk, stop }
}

/** The live suite against a started child: the ids of red cases and of passed ones. */
async function judge(
  child: Child,
  profiles: readonly Profile[],
  patience: number,
  cases?: readonly LiveCase[],
): Promise<{ red: string[]; passed: string[] }> {
  const result = await runLive(parseSutManifest(child.sut), {
    sutPath: 'mutation-gate.sut.json',
    profiles,
    patience,
    ...(cases === undefined ? {} : { cases }),
  })
  return {
    red: result.tests
      .filter((t) => t.status === 'failed' || t.status === 'errored')
      .map((t) => t.id),
    passed: result.tests.filter((t) => t.status === 'passed').map((t) => t.id),
  }
}

/** A promise with its resolve function. */
interface Deferred<T> {
  readonly promise: Promise<T>
  readonly resolve: (value: T) => void
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

/**
 * Runs the gate: every plant in its own planted tool, the live suite against it, and one unplanted
 * run per tool to compare with.
 *
 * @returns What each plant came to, the baselines, the catalogue's problems and the score; `ok`
 *   only when every plant is caught, every baseline is green and the catalogue has no problem.
 * @throws {Error} When sdk/dist is missing (build first).
 * @see conformance/README.md, section "The live mutation gate"
 */
export async function runGate(options: GateOptions = {}): Promise<GateResult> {
  const startedAt = new Date().toISOString()
  const t0 = performance.now()
  const patience = options.patience ?? 3000
  const catalogue =
    options.plants === undefined
      ? await loadCatalogue()
      : {
          plants: options.plants.map((p) => ({ ...p, file: p.file ?? '(given)' })),
          problems: [],
        }
  const problems = [...catalogue.problems]
  const chosen =
    options.only === undefined
      ? catalogue.plants
      : catalogue.plants.filter((p) => options.only?.includes(p.id) === true)
  for (const id of options.only ?? []) {
    if (!catalogue.plants.some((p) => p.id === id)) {
      problems.push({ file: '(--only)', problem: `no plant ${id}` })
    }
  }
  const requirements = await specRequirements()
  const sdk = await readBuiltSdk()
  const launcherDir = join(MUTANT_CACHE, `serve-tool-${String(process.pid)}-${String(Date.now())}`)
  const launcher = await prepareLauncher(launcherDir)
  const results = new Map<string, PlantResult>()
  const seen = new Set<string>()
  const runnable: LoadedPlant[] = []
  const record = (result: PlantResult) => {
    results.set(result.id, result)
    options.onResult?.(result)
  }
  const base = (plant: LoadedPlant) => ({
    id: plant.id,
    file: plant.file,
    tool: plant.tool,
    profiles: Array.isArray(plant.profiles) ? plant.profiles : [],
    requirements: Array.isArray(plant.requirements) ? plant.requirements : [],
    kind: 'switch' in plant.plant ? ('switch' as const) : ('sdk' as const),
    caughtBy: [],
    redWithoutPlant: [],
    durationMs: 0,
  })
  for (const plant of chosen) {
    const invalid = invalidity(plant, requirements, seen)
    seen.add(plant.id)
    if (invalid !== undefined) {
      record({
        ...base(plant),
        id: `${plant.id}@${plant.file}`,
        status: 'invalid',
        detail: invalid,
      })
      continue
    }
    if ('switch' in plant.plant && !switchPlantsOf(plant.tool).includes(plant.plant.switch)) {
      record({
        ...base(plant),
        status: 'stale',
        detail: `the ${plant.tool} tool offers no switch plant "${plant.plant.switch}"`,
      })
      continue
    }
    runnable.push(plant)
  }

  // One unplanted run per tool, over every profile its plants test, in the same way as a plant.
  const tools = [...new Set(runnable.map((p) => p.tool))]
  const profilesOf = (tool: string) => [
    ...new Set(runnable.filter((p) => p.tool === tool).flatMap((p) => p.profiles)),
  ]
  const baselines = new Map<string, Deferred<BaselineResult>>(
    tools.map((tool) => [tool, deferred<BaselineResult>()]),
  )
  const baselineOf = (tool: string): Promise<BaselineResult> =>
    (baselines.get(tool) as Deferred<BaselineResult>).promise

  // Each job is launched (planted copy prepared, tool started) one job ahead of its lane's
  // current live run, so that starting a tool overlaps with waiting for another; the baselines
  // come first, so that every plant compares with a finished one.
  type Job = { readonly baseline: string } | { readonly plant: LoadedPlant }
  type Launched =
    | { readonly child: Child; readonly started: number; readonly startMs: number }
    | { readonly failed: Partial<PlantResult> & { readonly status: PlantStatus } }
  interface Pending {
    readonly job: Job
    readonly launched: Promise<Launched>
    readonly edited?: PlantResult['edited']
  }
  const queue: Job[] = [
    ...tools.map((tool) => ({ baseline: tool })),
    ...runnable.map((plant) => ({ plant })),
  ]
  const launch = (): Pending | undefined => {
    const job = queue.shift()
    if (job === undefined) return undefined
    const started = performance.now()
    const edits: { value?: PlantResult['edited'] } = {}
    const launched = (async (): Promise<Launched> => {
      let mutant: string | undefined
      if ('plant' in job && 'sdk' in job.plant.plant) {
        let prepared
        try {
          prepared = await prepareMutant(sdk, job.plant.id, job.plant.plant.sdk)
        } catch (err) {
          return {
            failed: { status: 'error', detail: `cannot prepare the planted SDK: ${message(err)}` },
          }
        }
        if (prepared.occurrences === 0) {
          return {
            failed: { status: 'stale', detail: 'its find text occurs in no sdk/dist/*.js file' },
          }
        }
        mutant = prepared.root
        edits.value = { files: prepared.files, occurrences: prepared.occurrences }
      }
      try {
        const tool = 'plant' in job ? job.plant.tool : job.baseline
        const child = await startChild(launcher, tool, {
          ...('plant' in job && 'switch' in job.plant.plant
            ? { plant: job.plant.plant.switch }
            : {}),
          ...(mutant === undefined ? {} : { mutant }),
        })
        if (mutant !== undefined && !fileURLToPath(child.sdk).startsWith(`${mutant}/`)) {
          await child.stop()
          return {
            failed: {
              status: 'error',
              detail: `the tool loaded ${child.sdk}, not the planted copy`,
            },
          }
        }
        return { child, started, startMs: performance.now() - started }
      } catch (err) {
        return { failed: { status: 'error', detail: message(err) } }
      }
    })()
    return {
      job,
      launched,
      get edited() {
        return edits.value
      },
    }
  }

  const finishBaseline = async (tool: string, launched: Launched): Promise<void> => {
    const profiles = profilesOf(tool)
    const done = baselines.get(tool) as Deferred<BaselineResult>
    if ('failed' in launched) {
      done.resolve({
        tool,
        profiles,
        passed: 0,
        red: [],
        detail: launched.failed.detail ?? '',
        durationMs: 0,
      })
      return
    }
    try {
      const first = await judge(launched.child, profiles, patience)
      await launched.child.stop()
      // A case red without any plant is run again, all of them in a fresh tool: red only if red
      // both times; red once is flaky, and neither kind can count as catching a plant.
      let red = first.red
      let flaky: string[] = []
      if (red.length > 0) {
        const again = await startChild(launcher, tool, {})
        try {
          const second = await judge(again, profiles, patience)
          flaky = red.filter((id) => !second.red.includes(id))
          red = red.filter((id) => second.red.includes(id))
        } finally {
          await again.stop()
        }
      }
      done.resolve({
        tool,
        profiles,
        passed: first.passed.length,
        red,
        ...(flaky.length === 0 ? {} : { flaky }),
        durationMs: performance.now() - launched.started,
      })
    } catch (err) {
      done.resolve({
        tool,
        profiles,
        passed: 0,
        red: [],
        detail: `the live run failed: ${message(err)}`,
        durationMs: performance.now() - launched.started,
      })
    } finally {
      await launched.child.stop()
    }
  }

  const finishPlant = async (pending: Pending, plant: LoadedPlant, launched: Launched) => {
    const edited = pending.edited
    const expectedCases =
      'switch' in plant.plant ? await expectedFailures(plant.tool, plant.plant.switch) : undefined
    const extra = {
      ...(edited === undefined ? {} : { edited }),
      ...(expectedCases === undefined ? {} : { expectedCases }),
    }
    if ('failed' in launched) {
      record({ ...base(plant), ...extra, ...launched.failed })
      return
    }
    const { child, started, startMs } = launched
    try {
      const r0 = performance.now()
      const { red } = await judge(
        child,
        plant.profiles,
        patience,
        targetedCases(plant, expectedCases),
      )
      const run = performance.now() - r0
      const baseline = await baselineOf(plant.tool)
      const unreliable = [...baseline.red, ...(baseline.flaky ?? [])]
      const caughtBy = red.filter((id) => !unreliable.includes(id))
      const redWithoutPlant = red.filter((id) => unreliable.includes(id))
      const mismatch = imprecision(expectedCases, targetedCases(plant, expectedCases), red)
      record({
        ...base(plant),
        ...extra,
        status: caughtBy.length === 0 ? 'missed' : mismatch === undefined ? 'caught' : 'imprecise',
        caughtBy,
        redWithoutPlant,
        ...(caughtBy.length > 0
          ? mismatch === undefined
            ? {}
            : { detail: mismatch }
          : {
              detail:
                baseline.detail !== undefined
                  ? `no baseline to compare with: ${baseline.detail}`
                  : red.length > 0
                    ? 'only cases that are red without the plant too came out red'
                    : 'every case citing its requirements passed',
            }),
        durationMs: startMs + run,
        phases: { start: startMs, run },
      })
    } catch (err) {
      record({
        ...base(plant),
        ...extra,
        status: 'error',
        detail: `the live run failed: ${message(err)}`,
        durationMs: performance.now() - started,
      })
    } finally {
      await child.stop()
    }
  }

  const lane = async () => {
    let current = launch()
    while (current !== undefined) {
      const ahead = launch()
      const launched = await current.launched
      if ('baseline' in current.job) await finishBaseline(current.job.baseline, launched)
      else await finishPlant(current, current.job.plant, launched)
      current = ahead
    }
  }
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY) }, lane),
    )
  } finally {
    await rm(launcherDir, { recursive: true, force: true })
  }

  const plants = [...results.values()]
  const baselineResults = await Promise.all([...baselines.values()].map((b) => b.promise))
  const caught = plants.filter((p) => p.status === 'caught').length
  return {
    startedAt,
    durationMs: performance.now() - t0,
    plants,
    baselines: baselineResults,
    problems,
    score: { caught, total: plants.length },
    ok:
      plants.length > 0 &&
      caught === plants.length &&
      problems.length === 0 &&
      baselineResults.every((b) => b.red.length === 0 && b.detail === undefined),
  }
}

/**
 * The cases a plant is judged by: those of its profiles that cite one of the requirements it
 * breaks (and, for a fixture switch, the cases its map lists). A plant is caught only when a case
 * about what it breaks turns red, so its declared requirements are proven enforced, and each run
 * stays short.
 */
function targetedCases(plant: Plant, expected: readonly string[] | undefined): LiveCase[] {
  return LIVE_CASES.filter(
    (c) =>
      plant.profiles.includes(c.profile) &&
      (c.requirements.some((r) => plant.requirements.includes(r)) ||
        (expected ?? []).includes(c.id)),
  )
}

/**
 * How the red cases of a switch plant differ from those its fixture's PLANTS map lists, within the
 * profiles run; `undefined` when they are the same (or the plant has no such list).
 */
function imprecision(
  expected: readonly string[] | undefined,
  cases: readonly LiveCase[],
  red: readonly string[],
): string | undefined {
  if (expected === undefined) return undefined
  const want = expected.filter((id) => cases.some((c) => c.id === id))
  const missing = want.filter((id) => !red.includes(id))
  const extra = red.filter((id) => !want.includes(id))
  if (missing.length === 0 && extra.length === 0) return undefined
  return [
    missing.length > 0 ? `listed but not red: ${missing.join(', ')}` : '',
    extra.length > 0 ? `red but not listed: ${extra.join(', ')}` : '',
  ]
    .filter((part) => part !== '')
    .join('; ')
}

/** The cases a reference fixture's PLANTS map says a switch plant must fail. */
async function expectedFailures(tool: string, name: string): Promise<string[] | undefined> {
  if (tool === 'reference') {
    const { PLANTS } = await import('../test/fixtures/reference-tool.js')
    return [...((PLANTS as Record<string, readonly string[]>)[name] ?? [])]
  }
  if (tool === 'relying') {
    const { RELYING_PLANTS } = await import('../test/fixtures/reference-relying-tool.js')
    return [...((RELYING_PLANTS as Record<string, readonly string[]>)[name] ?? [])]
  }
  return undefined
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** The result as a plain-text table, the baselines, the problems and the score. */
export function formatGate(result: GateResult): string {
  const rows = result.plants.map((p) => [
    p.id,
    p.tool,
    p.requirements.join(' '),
    p.status === 'caught'
      ? `caught by ${p.caughtBy[0] ?? ''}${p.caughtBy.length > 1 ? ` (+${p.caughtBy.length - 1})` : ''}`
      : `${p.status.toUpperCase()}: ${p.detail ?? ''}`,
    seconds(p.durationMs),
  ])
  const header = ['plant', 'tool', 'requirements', 'result', 'time']
  const widths = header.map((h, i) =>
    Math.min(i === 3 ? 90 : 60, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))),
  )
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '']
  for (const b of result.baselines) {
    out.push(
      `baseline ${b.tool} (${b.profiles.join(', ')}): ${b.passed} passed` +
        (b.red.length === 0 ? '' : `, RED WITHOUT ANY PLANT: ${b.red.join(', ')}`) +
        (b.flaky === undefined ? '' : `, red once only (flaky): ${b.flaky.join(', ')}`) +
        (b.detail === undefined ? '' : `, ERROR: ${b.detail}`) +
        ` (${seconds(b.durationMs)})`,
    )
  }
  for (const p of result.problems) out.push(`catalogue problem: ${p.file} ${p.problem}`)
  out.push(
    `mutation score: ${result.score.caught}/${result.score.total} caught` +
      ` in ${seconds(result.durationMs)}${result.ok ? '' : ' (GATE FAILS)'}`,
  )
  return out.join('\n')
}

/** The CLI: runs the gate, prints the table, writes the JSON, exits 1 unless `ok`. */
async function main(argv: readonly string[]): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name)
    return i < 0 ? undefined : argv[i + 1]
  }
  const only = arg('--only')
  const out = resolve(arg('--out') ?? DEFAULT_OUT)
  const concurrency = arg('--concurrency')
  const result = await runGate({
    ...(only === undefined ? {} : { only: only.split(',').filter((s) => s !== '') }),
    ...(concurrency === undefined ? {} : { concurrency: Number(concurrency) }),
    onResult: (r) => {
      process.stderr.write(
        `  ${r.status.padEnd(7)} ${r.id}${r.status === 'caught' ? '' : ` ${r.detail ?? ''}`}\n`,
      )
    },
  })
  process.stdout.write(`${formatGate(result)}\n`)
  await mkdir(dirname(out), { recursive: true })
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`)
  process.stdout.write(`results: ${relative(process.cwd(), out)}\n`)
  return result.ok ? 0 : 1
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(
        `mutation gate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      )
      process.exit(2)
    },
  )
}
