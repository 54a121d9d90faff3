/**
 * The runner: selects vectors, hands each to an implementation, compares what it produced with
 * what the vector expects, and computes outcomes and per-profile verdicts. Every output format is
 * rendered from the {@link Report} this returns.
 */
import { isDeepStrictEqual } from 'node:util'
import type {
  Actual,
  Expectation,
  Implementation,
  ImplementationInfo,
  Level,
  Profile,
  SingleActual,
  SingleExpectation,
  Vector,
} from './types.js'
import { PROFILES } from './types.js'
import type { LoadedVector } from './vectors.js'
import type { Exchange } from './live/wire.js'

/** The outcome of one vector. A skip is never a pass. */
export type Status = 'passed' | 'failed' | 'errored' | 'expected-fail' | 'inapplicable' | 'untested'

/** A known failure the implementation declares, from its expectations file. */
export interface ExpectationEntry {
  /** A vector ID or a glob over IDs (`*` matches anything). */
  readonly id: string
  readonly reason: string
  /** Where the failure is tracked (an issue URL). */
  readonly link: string
  /** The date (YYYY-MM-DD) after which the entry no longer applies. */
  readonly expires: string
}

/** How the run was chosen. */
export interface RunOptions {
  /** Profiles to evaluate; empty means all. */
  readonly profiles?: readonly Profile[]
  /** The lowest level to run: `must` runs MUST vectors only, `should` adds SHOULD, `may` all. */
  readonly level?: 'must' | 'should' | 'may'
  /** Run only vectors whose ID or a cited requirement matches one of these globs. */
  readonly only?: readonly string[]
  /** Leave out vectors whose ID or a cited requirement matches one of these globs. */
  readonly exclude?: readonly string[]
  readonly expectations?: readonly ExpectationEntry[]
  /** The harness, as written on the command line (for reproduction commands). */
  readonly harness: string
  /** "Today", to expire expectations. */
  readonly today?: Date
}

/** One vector's result. */
export interface TestResult {
  readonly id: string
  readonly title: string
  readonly file: string
  readonly requirements: readonly string[]
  readonly profiles: readonly Profile[]
  readonly level: Level
  readonly operation: string
  readonly status: Status
  readonly message?: string
  /** What the vector expects; in live mode, what the case checked for. */
  readonly expected: Expectation | Readonly<Record<string, unknown>>
  readonly actual?: Actual | Readonly<Record<string, unknown>>
  readonly durationMs: number
  /** A command that runs this vector alone. */
  readonly repro: string
  readonly expectation?: ExpectationEntry & { readonly unexpectedPass?: boolean }
  /** Live mode: every HTTP exchange of the test, in order. */
  readonly transcript?: readonly Exchange[]
}

/**
 * A profile's verdict. `not-proven`: the profile is claimed and nothing failed, but some of its
 * MUST vectors or live cases were not tested (filtered out, skipped by the harness, or needing a
 * control API the tool does not offer), so the run proves nothing about them; the CLI exits 3.
 */
export type VerdictValue =
  'conformant+recommended' | 'conformant' | 'not-conformant' | 'not-proven' | 'not-claimed'

/** The verdict of a claimed profile with untested MUST cases (and no failure). */
export const NOT_PROVEN: VerdictValue = 'not-proven'

/** A profile's verdict, computed over the vectors that ran for it. */
export interface ProfileVerdict {
  readonly profile: Profile
  readonly claimed: boolean
  readonly verdict: VerdictValue
  readonly counts: Readonly<Record<Status, number>>
  /** Failed, errored or expected-fail MUST vectors. */
  readonly mustFailures: number
  readonly shouldFailures: number
  /** MUST vectors or live cases that did not run: they keep a claimed profile `not-proven`. */
  readonly mustUntested: number
}

export interface Summary extends Readonly<Record<Status, number>> {
  readonly total: number
}

export interface RunResult {
  readonly implementation: ImplementationInfo
  readonly tests: readonly TestResult[]
  readonly verdicts: readonly ProfileVerdict[]
  readonly summary: Summary
  readonly warnings: readonly string[]
  readonly durationMs: number
}

/** Levels from the strongest: a filter `must` keeps rank 0, `should` ranks 0–1, `may` all. */
const LEVEL_RANK: Record<Level, number> = { MUST: 0, SHOULD: 1, MAY: 2 }
const FILTER_RANK = { must: 0, should: 1, may: 2 } as const

/** `*` matches any run of characters; matching is exact otherwise. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${body}$`)
}

/** What selection and skipping look at: a vector or a live case. */
export interface Selectable {
  readonly id: string
  readonly requirements: readonly string[]
  readonly profiles: readonly Profile[]
  readonly level: Level
  readonly requires?: readonly string[]
}

/** Whether a glob matches the item's ID or one of the requirements it cites. */
export function matchesAny(
  item: Pick<Selectable, 'id' | 'requirements'>,
  globs: readonly string[],
): boolean {
  return globs.some((glob) => {
    const re = globToRegExp(glob)
    return re.test(item.id) || item.requirements.some((r) => re.test(r))
  })
}

/** Whether an item belongs to the chosen profiles (empty: all) and levels. */
export function inSelection(
  item: Pick<Selectable, 'profiles' | 'level'>,
  options: Pick<RunOptions, 'profiles' | 'level'>,
): boolean {
  const profiles = options.profiles ?? []
  return (
    (profiles.length === 0 || item.profiles.some((p) => profiles.includes(p))) &&
    LEVEL_RANK[item.level] <= FILTER_RANK[options.level ?? 'may']
  )
}

/** The vectors a run includes at all: those of the chosen profiles and levels. */
export function selectVectors(
  vectors: readonly LoadedVector[],
  options: Pick<RunOptions, 'profiles' | 'level'>,
): LoadedVector[] {
  return vectors.filter(({ vector }) => inSelection(vector, options))
}

/**
 * Why an item is not run: `untested` when `--only` leaves it out or `--exclude` names it,
 * `inapplicable` when the implementation claims none of its profiles or lacks a feature it
 * requires; `undefined` when it runs.
 */
export function skipReason(
  item: Selectable,
  info: Pick<ImplementationInfo, 'profiles' | 'features'>,
  options: Pick<RunOptions, 'only' | 'exclude'>,
): { readonly status: 'untested' | 'inapplicable'; readonly message: string } | undefined {
  if ((options.only ?? []).length > 0 && !matchesAny(item, options.only ?? [])) {
    return { status: 'untested', message: 'untested: not selected by --only' }
  }
  if (matchesAny(item, options.exclude ?? [])) {
    return { status: 'untested', message: 'untested: excluded by --exclude' }
  }
  if (!item.profiles.some((p) => info.profiles.includes(p))) {
    return {
      status: 'inapplicable',
      message: `inapplicable: profile not claimed (${item.profiles.join(', ')})`,
    }
  }
  const missing = (item.requires ?? []).filter((f) => !info.features.includes(f))
  if (missing.length > 0) {
    return {
      status: 'inapplicable',
      message: `inapplicable: feature not declared (${missing.join(', ')})`,
    }
  }
  return undefined
}

/**
 * Applies the expectations file to an outcome: a failure it covers becomes `expected-fail`; a pass
 * it covers is kept, with a warning to remove the entry.
 */
export function settle(
  id: string,
  outcome: { readonly status: Status; readonly message: string | undefined },
  expectations: readonly ExpectationEntry[],
  today: Date,
  warnings: string[],
): { status: Status; message: string | undefined; expectation?: TestResult['expectation'] } {
  const entry = activeExpectation({ id }, expectations, today, warnings)
  if (entry === undefined) return { ...outcome }
  if (outcome.status === 'failed' || outcome.status === 'errored') {
    return {
      status: 'expected-fail',
      message: `known failure: ${entry.reason} (${entry.link}); ${outcome.message ?? ''}`,
      expectation: entry,
    }
  }
  if (outcome.status === 'passed') {
    warnings.push(
      `unexpected pass: ${id} passes although expected to fail (${entry.link}); remove the expectation`,
    )
    return { ...outcome, expectation: { ...entry, unexpectedPass: true } }
  }
  return { ...outcome }
}

function compareSingle(expected: SingleExpectation, actual: SingleActual): string | undefined {
  if ('valid' in expected) {
    if (!('valid' in actual)) return `expected acceptance as ${expected.kind}, got ${actual.error}`
    if (actual.kind !== expected.kind) {
      return `expected kind ${expected.kind}, got ${actual.kind}`
    }
    for (const [name, value] of Object.entries(expected.result ?? {})) {
      if (!isDeepStrictEqual(actual.result?.[name], value)) {
        return `expected result.${name} = ${JSON.stringify(value)}, got ${JSON.stringify(actual.result?.[name])}`
      }
    }
    return undefined
  }
  if (!('error' in actual)) return `expected ${expected.error}, got acceptance as ${actual.kind}`
  if (actual.error !== expected.error) return `expected ${expected.error}, got ${actual.error}`
  const issue = expected.issue
  if (issue !== undefined && actual.issues !== undefined && actual.issues.length > 0) {
    const found = actual.issues.some(
      (i) => i.instancePath === issue.instancePath && i.keyword === issue.keyword,
    )
    if (!found) {
      return `expected an issue ${issue.keyword} at '${issue.instancePath}', got ${actual.issues
        .map((i) => `${i.keyword} at '${i.instancePath}'`)
        .join(', ')}`
    }
  }
  return undefined
}

/**
 * Compares what an implementation produced with what a vector expects. Codes are compared, never
 * messages. Returns `undefined` when they agree, or why they differ.
 */
export function compare(expected: Expectation, actual: Actual): string | undefined {
  if ('sequence' in expected) {
    if (!('sequence' in actual)) return 'expected a sequence of results'
    if (actual.sequence.length !== expected.sequence.length) {
      return `expected ${expected.sequence.length} results, got ${actual.sequence.length}`
    }
    for (let i = 0; i < expected.sequence.length; i++) {
      const e = expected.sequence[i]
      const a = actual.sequence[i]
      if (e === undefined || a === undefined) return `missing result ${i + 1}`
      const diff = compareSingle(e, a)
      if (diff !== undefined) return `delivery ${i + 1}: ${diff}`
    }
    return undefined
  }
  if ('sequence' in actual) return 'expected a single result, got a sequence'
  return compareSingle(expected, actual)
}

/** Quotes an argument for a POSIX shell when it needs it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}

/** The command line that runs one vector again through the same harness. */
export function reproCommand(harness: string, id: string): string {
  return `npx cta-conformance vectors --harness ${shellQuote(harness)} --only ${shellQuote(id)}`
}

/** The expectation entry that covers a test, if any; expired entries only add a warning. */
function activeExpectation(
  vector: Pick<Vector, 'id'>,
  expectations: readonly ExpectationEntry[],
  today: Date,
  warnings: string[],
): ExpectationEntry | undefined {
  for (const entry of expectations) {
    if (!globToRegExp(entry.id).test(vector.id)) continue
    if (Date.parse(`${entry.expires}T23:59:59Z`) < today.getTime()) {
      warnings.push(`expectation for ${entry.id} expired on ${entry.expires}: ${vector.id} counts`)
      continue
    }
    return entry
  }
  return undefined
}

export function emptyCounts(): Record<Status, number> {
  return { passed: 0, failed: 0, errored: 0, 'expected-fail': 0, inapplicable: 0, untested: 0 }
}

const BLOCKING = new Set<Status>(['failed', 'errored', 'expected-fail'])

/** Verdicts per profile, over what ran. Untested vectors keep a profile from a clean verdict. */
export function verdicts(
  tests: readonly TestResult[],
  implementation: ImplementationInfo,
  profiles: readonly Profile[],
): ProfileVerdict[] {
  const chosen = profiles.length > 0 ? profiles : PROFILES
  return chosen
    .filter((p) => tests.some((t) => t.profiles.includes(p)))
    .map((profile) => {
      const claimed = implementation.profiles.includes(profile)
      const counts = emptyCounts()
      let mustFailures = 0
      let shouldFailures = 0
      let mustUntested = 0
      let shouldRan = 0
      let shouldUntested = 0
      for (const t of tests) {
        if (!t.profiles.includes(profile)) continue
        counts[t.status]++
        const blocking = BLOCKING.has(t.status)
        if (t.level === 'MUST' && blocking) mustFailures++
        if (t.level === 'MUST' && t.status === 'untested') mustUntested++
        if (t.level === 'SHOULD') {
          if (blocking) shouldFailures++
          if (t.status === 'untested') shouldUntested++
          if (t.status === 'passed') shouldRan++
        }
      }
      const ran = counts.passed + counts.failed + counts.errored + counts['expected-fail']
      // Nothing that did not run counts as proven: a claimed profile with an untested MUST case,
      // or with nothing run at all, is `not-proven`, never `conformant`.
      const verdict: VerdictValue = !claimed
        ? 'not-claimed'
        : mustFailures > 0
          ? 'not-conformant'
          : ran === 0 || mustUntested > 0
            ? NOT_PROVEN
            : shouldRan > 0 && shouldFailures === 0 && shouldUntested === 0
              ? 'conformant+recommended'
              : 'conformant'
      return { profile, claimed, verdict, counts, mustFailures, shouldFailures, mustUntested }
    })
}

/** Runs the selected vectors through an implementation that has already been started. */
export async function runVectors(
  implementation: Implementation,
  info: ImplementationInfo,
  selected: readonly LoadedVector[],
  options: RunOptions,
): Promise<RunResult> {
  const started = performance.now()
  const warnings: string[] = []
  const today = options.today ?? new Date()
  const tests: TestResult[] = []
  for (const { file, vector } of selected) {
    const base = {
      id: vector.id,
      title: vector.title,
      file,
      requirements: vector.requirements,
      profiles: vector.profiles,
      level: vector.level,
      operation: vector.operation,
      expected: vector.expected,
      repro: reproCommand(options.harness, vector.id),
    }
    const skip = skipReason(vector, info, options)
    if (skip !== undefined) {
      tests.push({ ...base, ...skip, durationMs: 0 })
      continue
    }
    const t0 = performance.now()
    const reply = await implementation.run({
      id: vector.id,
      operation: vector.operation,
      input: vector.input,
    })
    const durationMs = performance.now() - t0
    let status: Status
    let message: string | undefined
    let actual: Actual | undefined
    if ('skipped' in reply) {
      status = 'untested'
      message = `untested: the implementation skipped it: ${reply.message}${reply.issueUrl === undefined ? '' : ` (${reply.issueUrl})`}`
    } else if ('errored' in reply) {
      status = 'errored'
      message = reply.message
    } else {
      actual = reply.actual
      message = compare(vector.expected, reply.actual)
      status = message === undefined ? 'passed' : 'failed'
    }
    const settled = settle(
      vector.id,
      { status, message },
      options.expectations ?? [],
      today,
      warnings,
    )
    tests.push({
      ...base,
      status: settled.status,
      ...(settled.message === undefined ? {} : { message: settled.message }),
      ...(actual === undefined ? {} : { actual }),
      durationMs,
      ...(settled.expectation === undefined ? {} : { expectation: settled.expectation }),
    })
  }
  const summary = { ...emptyCounts(), total: tests.length }
  for (const t of tests) summary[t.status]++
  return {
    implementation: info,
    tests,
    verdicts: verdicts(tests, info, options.profiles ?? []),
    summary,
    warnings: [...new Set(warnings)],
    durationMs: performance.now() - started,
  }
}

/** Where the control API that most live cases need is documented. */
export const CONTROL_API_DOCS =
  'conformance/README.md#control-api and conformance/control-api.openapi.yaml'

/**
 * One sentence for every report format when a claimed profile is `not-proven`: which profiles,
 * how many MUST cases did not run, and (when they needed it) where the control API is described.
 */
export function notProvenNote(result: Pick<RunResult, 'verdicts' | 'tests'>): string | undefined {
  const profiles = notProven(result)
  if (profiles.length === 0) return undefined
  const list = profiles.map((v) => `${v.profile} (${v.mustUntested} MUST untested)`).join(', ')
  const needControl = result.tests.some(
    (t) => t.status === 'untested' && /control API|does not support/.test(t.message ?? ''),
  )
  return `Not proven: ${list}. A claimed profile is proven only when every MUST case ran; untested cases never count as passed.${
    needControl
      ? ` The untested live cases need the tool's test-only control API: see ${CONTROL_API_DOCS}.`
      : ''
  }`
}

/** The claimed profiles the run could not prove: some of their MUST cases were not tested. */
export function notProven(result: Pick<RunResult, 'verdicts'>): ProfileVerdict[] {
  return result.verdicts.filter((v) => v.claimed && v.verdict === NOT_PROVEN)
}

/**
 * The exit code of a run: `1` when a vector or case failed or errored at or above `failOn`; else
 * `3` when a claimed profile is `not-proven`; else `0` (every claimed profile conforms).
 */
export function exitCodeOf(result: RunResult, failOn: 'must' | 'should'): 0 | 1 | 3 {
  if (!passesAt(result, failOn)) return 1
  return notProven(result).length > 0 ? EXIT_NOT_PROVEN : 0
}

/** The exit code of a run that failed nothing but left a claimed profile `not-proven`. */
export const EXIT_NOT_PROVEN = 3

/** Does the run pass at the chosen level? Expected failures do not fail the exit code. */
export function passesAt(result: RunResult, failOn: 'must' | 'should'): boolean {
  const maxRank = FILTER_RANK[failOn]
  return !result.tests.some(
    (t) => (t.status === 'failed' || t.status === 'errored') && LEVEL_RANK[t.level] <= maxRank,
  )
}
