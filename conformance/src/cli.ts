/**
 * `cta-conformance`: lists and runs the conformance vectors against an implementation.
 *
 * Exit codes: 0 every claimed profile conformant, 1 failures, 2 configuration or suite error,
 * 3 nothing failed but a claimed profile is not proven (some of its MUST cases were not tested) or,
 * in live mode, partially tested (some of its live-testable MUST requirements were not shown).
 */
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  brokenSdkImplementation,
  VERIFICATION_STEPS,
  type VerificationStep,
} from './adapters/broken-sdk.js'
import { sdkImplementation } from './adapters/sdk.js'
import { HarnessError, stdioImplementation } from './adapters/stdio.js'
import { ReportError } from './report/sign.js'
import { REPORT_USAGE, runReportCommand, writeReports } from './report/command.js'
import { buildReport, type Report } from './report/report.js'
import { FORMATS, type Format } from './report/render.js'
import { loadSutManifest, SutError } from './live/sut.js'
import {
  CONTROL_API_DOCS,
  exitCodeOf,
  matchesAny,
  notProven,
  partiallyTested,
  runVectors,
  selectVectors,
  type ExpectationEntry,
  type RunResult,
} from './run.js'
import { PROFILES, type Implementation, type Profile } from './types.js'
import { loadVectors, suiteVersion } from './vectors.js'

/** A mistake in how the suite was invoked or configured: exit code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

const USAGE = `Usage: cta-conformance <command> [options]

Commands:
  list                         List the vectors a run would include
  vectors                      Run the static vectors against an implementation
  live                         Play the peer of a running tool (--sut <manifest.json>)
  report                       verify | sign | render a saved report (cta-conformance report help)
  help                         Show this help

Options:
  --harness <spec>             direct (the TypeScript SDK in-process) | stdio:<command>
                               (a JSON-lines harness, see conformance/README.md)
  --profile <p>[,<p>]          Profiles to evaluate (${PROFILES.join(', ')}); default all
  --level must|should|may      Lowest requirement level to run; default may (everything)
  --only <glob|ID>             Run only vectors whose ID or requirement matches (repeatable)
  --exclude <glob|ID>          Leave out matching vectors (repeatable); they count as untested
  --fail-on must|should        Exit 1 on failures at or above this level; default must
  --reporter <format>:<path>   Write a report: ${FORMATS.join(', ')}; path - for stdout (repeatable)
  --expectations <file>        Known failures: {"expectations":[{id,reason,link,expires}]}
  --timeout <ms>               Per-vector timeout of a stdio harness; default 10000
  --sut <file>                 (live) The SUT manifest: the tool's origin, profiles, control API
  --patience <ms>              (live) How long to wait for the tool to act; default 10000
  --sign-with <jwk.json>       Sign each json report with this private JWK (a detached JWS
                               written next to it as <name>.jws)
  --json                       (list) print JSON

Exit codes: 0 every claimed profile conformant at the chosen level; 1 a vector or case failed or
errored; 2 configuration or suite error; 3 nothing failed, but a claimed profile is "not-proven":
some of its MUST cases were not tested (filtered out, skipped by the harness, or, in live mode,
needing the control API: ${CONTROL_API_DOCS}), or, in live mode, "partially-tested": some of its
live-testable MUST requirements had no case that ran and passed (--only/--exclude, or no case yet).`

function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')
}

function parseProfiles(values: readonly string[] | undefined): Profile[] {
  const profiles = splitList(values)
  for (const p of profiles) {
    if (!(PROFILES as readonly string[]).includes(p)) {
      throw new ConfigError(`unknown profile "${p}"; expected one of ${PROFILES.join(', ')}`)
    }
  }
  return profiles as Profile[]
}

function parseChoice<T extends string>(
  name: string,
  value: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback
  const lower = value.toLowerCase()
  if (!(choices as readonly string[]).includes(lower)) {
    throw new ConfigError(`--${name} must be one of ${choices.join(', ')}, not "${value}"`)
  }
  return lower as T
}

function parseReporters(values: readonly string[] | undefined): { format: Format; path: string }[] {
  return (values ?? []).map((value) => {
    const colon = value.indexOf(':')
    const format = (colon < 0 ? value : value.slice(0, colon)) as Format
    const path = colon < 0 ? '-' : value.slice(colon + 1)
    if (!FORMATS.includes(format)) {
      throw new ConfigError(
        `unknown reporter "${format}"; expected one of ${FORMATS.join(', ')} (format:path)`,
      )
    }
    if (path === '') throw new ConfigError(`--reporter ${value}: a path is missing`)
    return { format, path }
  })
}

async function parseExpectations(path: string | undefined): Promise<ExpectationEntry[]> {
  if (path === undefined) return []
  let data: unknown
  try {
    data = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new ConfigError(
      `cannot read expectations file ${path}: ${err instanceof Error ? err.message : String(err)}`,
    )
  }
  const list = (data as { expectations?: unknown } | null)?.expectations
  if (!Array.isArray(list)) throw new ConfigError(`${path}: expected {"expectations": [...]}`)
  return list.map((entry: unknown, i) => {
    const e = entry as Partial<Record<keyof ExpectationEntry, unknown>>
    for (const field of ['id', 'reason', 'link', 'expires'] as const) {
      if (typeof e[field] !== 'string' || e[field] === '') {
        throw new ConfigError(`${path}: expectations[${i}] needs a non-empty "${field}"`)
      }
    }
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(e.expires as string) ||
      Number.isNaN(Date.parse(e.expires as string))
    ) {
      throw new ConfigError(`${path}: expectations[${i}].expires must be a date (YYYY-MM-DD)`)
    }
    return e as ExpectationEntry
  })
}

/** Builds the implementation a `--harness` value names. */
export function implementationFor(
  harness: string,
  options: { timeoutMs?: number; suiteVersion?: string } = {},
): Implementation {
  if (harness === 'direct') return sdkImplementation()
  if (harness.startsWith('direct:broken=')) {
    const step = harness.slice('direct:broken='.length)
    if (!(VERIFICATION_STEPS as readonly string[]).includes(step)) {
      throw new ConfigError(
        `unknown step "${step}"; expected one of ${VERIFICATION_STEPS.join(', ')}`,
      )
    }
    return brokenSdkImplementation(step as VerificationStep)
  }
  if (harness.startsWith('stdio:')) {
    const command = harness.slice('stdio:'.length).trim()
    if (command === '') throw new ConfigError('--harness stdio:<command> needs a command')
    return stdioImplementation(command, options)
  }
  throw new ConfigError(`unknown harness "${harness}"; expected direct or stdio:<command>`)
}

interface Io {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  try {
    return await dispatch(argv, io)
  } catch (err) {
    if (err instanceof ConfigError || err instanceof HarnessError || err instanceof SutError) {
      io.stderr(`cta-conformance: ${err.message}\n`)
      return 2
    }
    if (err instanceof ReportError) {
      io.stderr(`cta-conformance: ${err.code}: ${err.message}\n`)
      return 2
    }
    io.stderr(
      `cta-conformance: suite error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    )
    return 2
  }
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  if (argv[0] === 'report') return runReportCommand(argv.slice(1), io)
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        harness: { type: 'string' },
        profile: { type: 'string', multiple: true },
        level: { type: 'string' },
        only: { type: 'string', multiple: true },
        exclude: { type: 'string', multiple: true },
        'fail-on': { type: 'string' },
        reporter: { type: 'string', multiple: true },
        expectations: { type: 'string' },
        timeout: { type: 'string' },
        sut: { type: 'string' },
        patience: { type: 'string' },
        'sign-with': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (err) {
    throw new ConfigError(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`)
  }
  const { values, positionals } = parsed
  const command = positionals[0] ?? 'help'
  if (command === 'help' || values.help === true) {
    io.stdout(`${USAGE}\n\n${REPORT_USAGE}\n`)
    return 0
  }
  if (command === 'live') return live(values, argv, io)
  if (command !== 'list' && command !== 'vectors') {
    throw new ConfigError(`unknown command "${command}"\n\n${USAGE}`)
  }
  const profiles = parseProfiles(values.profile)
  const level = parseChoice('level', values.level, ['must', 'should', 'may'] as const, 'may')
  const only = splitList(values.only)
  const exclude = splitList(values.exclude)
  const { vectors, digest } = await loadVectors()
  if (vectors.length === 0) throw new ConfigError('no vector files found: is the package complete?')
  const selected = selectVectors(vectors, { profiles, level })

  if (command === 'list') {
    const listed = selected.filter(
      ({ vector: v }) => (only.length === 0 || matchesAny(v, only)) && !matchesAny(v, exclude),
    )
    if (values.json === true) {
      io.stdout(
        `${JSON.stringify(
          listed.map(({ file, vector: v }) => ({
            id: v.id,
            title: v.title,
            file: `vectors/${file}`,
            operation: v.operation,
            level: v.level,
            profiles: v.profiles,
            requirements: v.requirements,
          })),
          null,
          2,
        )}\n`,
      )
    } else {
      for (const { vector: v } of listed) {
        io.stdout(
          `${v.id}\t${v.level}\t${v.profiles.join(',')}\t${v.requirements.join(',')}\t${v.title}\n`,
        )
      }
      io.stderr(`${listed.length} of ${vectors.length} vectors (digest ${digest})\n`)
    }
    return 0
  }

  const harness = values.harness
  if (harness === undefined)
    throw new ConfigError('vectors needs --harness direct or --harness "stdio:<command>"')
  const failOn = parseChoice('fail-on', values['fail-on'], ['must', 'should'] as const, 'must')
  const reporters = parseReporters(values.reporter)
  const expectations = await parseExpectations(values.expectations)
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout)
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new ConfigError('--timeout must be a positive number of milliseconds')
  }
  if (selected.length === 0) throw new ConfigError('no vectors match --profile and --level')
  const version = await suiteVersion()
  const implementation = implementationFor(harness, {
    suiteVersion: version,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  })
  const startedAt = new Date().toISOString()
  const info = await implementation.start()
  let result
  try {
    result = await runVectors(implementation, info, selected, {
      harness,
      profiles,
      level,
      only,
      exclude,
      expectations,
    })
  } finally {
    await implementation.stop()
  }
  return finish(result, {
    io,
    failOn,
    reporters,
    signWith: values['sign-with'],
    mode: 'vectors',
    harness,
    argv,
    startedAt,
    options: {
      profiles,
      level,
      only,
      exclude,
      failOn,
      ...(values.expectations === undefined ? {} : { expectations: values.expectations }),
    },
  })
}

/** Builds the report of a run, writes every reporter, prints the summary; returns the exit code. */
async function finish(
  result: RunResult,
  run: {
    io: Io
    failOn: 'must' | 'should'
    reporters: { format: Format; path: string }[]
    signWith: string | undefined
    mode: 'vectors' | 'live'
    harness: string
    argv: readonly string[]
    startedAt: string
    options: Report['options']
  },
): Promise<number> {
  const { io, failOn, reporters, harness } = run
  const { vectors, digest } = await loadVectors()
  const exitCode = exitCodeOf(result, failOn)
  const conformant = exitCode === 0
  const report = buildReport(result, {
    suite: {
      name: '@cta-interop/conformance',
      version: await suiteVersion(),
      vectorsDigest: digest,
      vectorCount: vectors.length,
    },
    mode: run.mode,
    harness,
    command: ['cta-conformance', ...run.argv].join(' '),
    startedAt: run.startedAt,
    options: run.options,
    conformant,
  })
  await writeReports(report, reporters, io, {
    ...(run.signWith === undefined ? {} : { signWith: run.signWith }),
  })
  const info = result.implementation
  const s = result.summary
  const unit = run.mode === 'live' ? 'live cases' : 'vectors'
  const lines = [
    `${info.name} ${info.version} via ${harness}: ${s.total} ${unit} in ${(result.durationMs / 1000).toFixed(2)} s`,
    `  ${s.passed} passed, ${s.failed} failed, ${s.errored} errored, ${s['expected-fail']} expected-fail, ${s.inapplicable} inapplicable, ${s.untested} untested`,
    ...result.verdicts.map(
      (v) =>
        `  ${v.profile.padEnd(24)} ${v.verdict}${v.mustFailures > 0 ? ` (${v.mustFailures} MUST failures)` : ''}${v.verdict === 'not-proven' ? ` (${v.mustUntested} of ${v.mustUntested + v.counts.passed + v.counts.failed + v.counts.errored + v.counts['expected-fail']} MUST ${unit} untested)` : ''}${v.verdict === 'partially-tested' ? ` (${v.untestedRequirements.length} MUST requirements not tested live${v.mustUntested > 0 ? `, ${v.mustUntested} MUST ${unit} left out` : ''})` : ''}` +
        (v.claimed && v.untestedRequirements.length > 0 && v.verdict !== 'not-conformant'
          ? `\n    not tested: ${v.untestedRequirements.join(', ')}`
          : ''),
    ),
    ...result.tests
      .filter((t) => t.status === 'failed' || t.status === 'errored')
      .map(
        (t) =>
          `  ${t.status.toUpperCase()} ${t.id} [${t.requirements.join(', ')}]: ${t.message ?? ''}\n    ${t.repro}`,
      ),
    ...result.warnings.map((w) => `  warning: ${w}`),
    ...notProvenLines(result, run.mode),
  ]
  const toStdout = reporters.some((r) => r.path === '-')
  ;(toStdout ? io.stderr : io.stdout)(`${lines.join('\n')}\n`)
  return exitCode
}

/**
 * What to tell the user when a claimed profile is not proven or partially tested: which, and how
 * to prove it.
 */
function notProvenLines(result: RunResult, mode: 'vectors' | 'live'): string[] {
  const profiles = notProven(result)
  const partial = partiallyTested(result)
  if (profiles.length + partial.length === 0) return []
  const untested = result.tests.filter((t) => t.status === 'untested' && t.level === 'MUST')
  const needControl = untested.some((t) => /control API|does not support/.test(t.message ?? ''))
  return [
    ...(profiles.length === 0
      ? []
      : [
          `  NOT PROVEN: ${profiles.map((v) => v.profile).join(', ')}: a claimed profile is proven only when every MUST case ran (exit code 3).`,
        ]),
    ...(partial.length === 0
      ? []
      : [
          `  PARTIALLY TESTED: ${partial.map((v) => v.profile).join(', ')}: a claimed profile is conformant only when every live-testable MUST requirement of it was shown by a case that ran and passed (exit code 3).`,
        ]),
    ...(mode === 'live' && needControl
      ? [
          `    The untested cases need the tool's test-only control API: mount it and name it in the SUT manifest's "control"; see ${CONTROL_API_DOCS}.`,
        ]
      : []),
    ...(untested.some((t) => /--only|--exclude/.test(t.message ?? ''))
      ? [
          '    Some cases were left out with --only or --exclude: run without them to prove the profile.',
        ]
      : []),
    ...(untested.some((t) => /skipped it|does not support/.test(t.message ?? ''))
      ? [
          '    Some cases were skipped by the implementation: each counts as untested, never as passed.',
        ]
      : []),
  ]
}

type Values = Record<string, string | boolean | string[] | boolean[] | undefined>

/** `cta-conformance live --sut <manifest.json>`: plays the peer of a running tool. */
async function live(values: Values, argv: readonly string[], io: Io): Promise<number> {
  const sutPath = values['sut']
  if (typeof sutPath !== 'string') throw new ConfigError('live needs --sut <manifest.json>')
  const sut = await loadSutManifest(sutPath)
  const profiles = parseProfiles(values['profile'] as string[] | undefined)
  const level = parseChoice(
    'level',
    values['level'] as string | undefined,
    ['must', 'should', 'may'] as const,
    'may',
  )
  const failOn = parseChoice(
    'fail-on',
    values['fail-on'] as string | undefined,
    ['must', 'should'] as const,
    'must',
  )
  const only = splitList(values['only'] as string[] | undefined)
  const exclude = splitList(values['exclude'] as string[] | undefined)
  const reporters = parseReporters(values['reporter'] as string[] | undefined)
  const expectationsPath =
    (values['expectations'] as string | undefined) ??
    (sut.expectations === undefined ? undefined : resolve(dirname(sutPath), sut.expectations))
  const expectations = await parseExpectations(expectationsPath)
  const patience = values['patience'] === undefined ? undefined : Number(values['patience'])
  if (patience !== undefined && !(Number.isInteger(patience) && patience > 0)) {
    throw new ConfigError('--patience must be a positive number of milliseconds')
  }
  const startedAt = new Date().toISOString()
  // Loaded only for live runs: it brings oidc-provider, which the other commands do not need.
  const { runLive } = await import('./live/run-live.js')
  const result = await runLive(sut, {
    profiles,
    level,
    only,
    exclude,
    expectations,
    sutPath,
    ...(patience === undefined ? {} : { patience }),
  })
  return finish(result, {
    io,
    failOn,
    reporters,
    signWith: values['sign-with'] as string | undefined,
    mode: 'live',
    harness: `live:${sut.endpoints.origin}`,
    argv,
    startedAt,
    options: {
      profiles,
      level,
      only,
      exclude,
      failOn,
      sut: sutPath,
      ...(expectationsPath === undefined ? {} : { expectations: expectationsPath }),
    },
  })
}
