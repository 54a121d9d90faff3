/**
 * The runner: selects vectors, hands each to an implementation, compares what it produced with
 * what the vector expects, and computes outcomes and per-profile verdicts. Every output format is
 * rendered from the {@link Report} this returns.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
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
import { SUITE_DIR, type LoadedVector } from './vectors.js'
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
 * A profile's verdict. Two verdicts say that nothing failed but the run proved less than the
 * profile asks; both exit 3, and neither is ever `conformant`:
 *
 * - `not-proven`: some MUST vectors or live cases the run selected were not tested: skipped by
 *   the harness, needing a control action the tool does not offer, or (vectors mode) left out by
 *   `--only`/`--exclude`.
 * - `partially-tested` (live mode): every case the run selected ran, and none failed, but some
 *   live-testable MUST of the profile (per the requirements registry: a MUST of the profile with
 *   no `*Not testable live:*` paragraph) has no case that ran and passed in this run: the run was
 *   narrowed with `--only`/`--exclude`, or the suite has no case for it.
 *
 * Either way {@link ProfileVerdict.untestedRequirements} lists the requirements not shown.
 * @see https://w3id.org/cta/spec/#proving-conformance
 */
export type VerdictValue =
  | 'conformant+recommended'
  | 'conformant'
  | 'not-conformant'
  | 'not-proven'
  | 'partially-tested'
  | 'not-claimed'

/** The verdict of a claimed profile with untested MUST cases (and no failure). */
export const NOT_PROVEN: VerdictValue = 'not-proven'
/** The verdict of a claimed profile whose live-testable MUSTs were not all shown by a passing case. */
export const PARTIALLY_TESTED: VerdictValue = 'partially-tested'

/** Messages of items left out by the run's own filters (not by the implementation). */
export const ONLY_MESSAGE = 'untested: not selected by --only'
export const EXCLUDE_MESSAGE = 'untested: excluded by --exclude'

/** A requirement as the live verdict needs it: an entry of `conformance/requirements.json`. */
export interface RegistryRequirement {
  readonly id: string
  readonly level: Level | null
  readonly profiles: readonly string[]
  /** Present when the spec says live mode cannot observe the requirement. */
  readonly live?: { readonly testable: false; readonly reason: string }
}

/** Where the requirements registry is, in the suite's directory. */
export const REGISTRY_FILE = join(SUITE_DIR, 'requirements.json')

/**
 * The requirements of the registry (`conformance/requirements.json`, written by
 * `npm run requirements`): what a live run must show for each claimed profile.
 * @throws {Error} when the file is missing, not JSON or not a registry: a live run cannot judge
 *   conformance without it.
 */
export function loadRegistry(file: string = REGISTRY_FILE): RegistryRequirement[] {
  let data: { requirements?: unknown }
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as { requirements?: unknown }
  } catch (err) {
    throw new Error(
      `cannot read the requirements registry ${file} (npm run requirements writes it): ${err instanceof Error ? err.message : String(err)}`,
    )
  }
  if (!Array.isArray(data.requirements)) throw new Error(`${file} is not a requirements registry`)
  return data.requirements as RegistryRequirement[]
}

/**
 * The requirements live mode must show for a profile other than `core`: its MUSTs (they bind a
 * running tool) that the spec does not mark `*Not testable live:*`. None for `core`.
 * @see https://w3id.org/cta/spec/#proving-conformance
 */
export function liveTestable(
  registry: readonly RegistryRequirement[],
  profile: Profile,
): RegistryRequirement[] {
  // Core binds documents, which the vectors prove; a MUST of Core and another profile is owed
  // through that other profile.
  if (profile === 'core') return []
  return registry.filter(
    (r) => r.level === 'MUST' && r.profiles.includes(profile) && r.live === undefined,
  )
}

/** A profile's verdict, computed over the vectors that ran for it. */
export interface ProfileVerdict {
  readonly profile: Profile
  readonly claimed: boolean
  readonly verdict: VerdictValue
  readonly counts: Readonly<Record<Status, number>>
  /** Failed, errored or expected-fail MUST vectors. */
  readonly mustFailures: number
  readonly shouldFailures: number
  /** MUST vectors or live cases that did not run: they keep a claimed profile from `conformant`. */
  readonly mustUntested: number
  /**
   * Requirements of the profile this run did not show, sorted. Live mode: every live-testable MUST
   * of the profile with no case that ran and passed. Vectors mode: requirements cited by MUST
   * vectors that did not run and by none that passed. Empty for a profile that is not claimed.
   */
  readonly untestedRequirements: readonly string[]
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
    return { status: 'untested', message: ONLY_MESSAGE }
  }
  if (matchesAny(item, options.exclude ?? [])) {
    return { status: 'untested', message: EXCLUDE_MESSAGE }
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

const FILTERED = new Set([ONLY_MESSAGE, EXCLUDE_MESSAGE])
/** Whether the run's own filters left the item out (rather than the implementation not running it). */
const filtered = (t: TestResult): boolean =>
  t.status === 'untested' && FILTERED.has(t.message ?? '')

const sorted = (ids: Iterable<string>): string[] =>
  [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

/** The requirements of a profile that the run did not show (see {@link ProfileVerdict}). */
function untestedRequirementsOf(
  tests: readonly TestResult[],
  profile: Profile,
  registry: readonly RegistryRequirement[] | undefined,
): string[] {
  const passed = new Set(tests.filter((t) => t.status === 'passed').flatMap((t) => t.requirements))
  if (registry === undefined) {
    return sorted(
      tests
        .filter(
          (t) => t.profiles.includes(profile) && t.level === 'MUST' && t.status === 'untested',
        )
        .flatMap((t) => t.requirements)
        .filter((id) => !passed.has(id)),
    )
  }
  // A requirement every citing case of which needs a feature the tool does not declare does not
  // apply to the tool; one that no case cites at all is still owed.
  const notApplicable = (id: string): boolean => {
    const citing = tests.filter((t) => t.requirements.includes(id))
    return citing.length > 0 && citing.every((t) => t.status === 'inapplicable')
  }
  return sorted(
    liveTestable(registry, profile)
      .map((r) => r.id)
      .filter((id) => !passed.has(id) && !notApplicable(id)),
  )
}

/**
 * Verdicts per profile, over what ran. Untested vectors keep a profile from a clean verdict. With
 * `registry` (live mode), a claimed profile is `conformant` only when every case of it that the run
 * selected ran and passed AND every live-testable MUST of the profile was shown by a case that ran
 * and passed in this run; otherwise, with no failure, it is `not-proven` (a selected case did not
 * run) or `partially-tested` (see {@link VerdictValue}).
 * @see https://w3id.org/cta/spec/#proving-conformance
 */
export function verdicts(
  tests: readonly TestResult[],
  implementation: ImplementationInfo,
  profiles: readonly Profile[],
  registry?: readonly RegistryRequirement[],
): ProfileVerdict[] {
  const chosen = profiles.length > 0 ? profiles : PROFILES
  return (
    chosen
      // In live mode a claimed profile the run has no case for at all still gets a verdict: its
      // live-testable MUSTs are owed all the same.
      .filter(
        (p) =>
          tests.some((t) => t.profiles.includes(p)) ||
          (registry !== undefined &&
            implementation.profiles.includes(p) &&
            liveTestable(registry, p).length > 0),
      )
      .map((profile) => {
        const claimed = implementation.profiles.includes(profile)
        const counts = emptyCounts()
        let mustFailures = 0
        let shouldFailures = 0
        let mustUntested = 0
        let mustFiltered = 0
        let shouldRan = 0
        let shouldUntested = 0
        for (const t of tests) {
          if (!t.profiles.includes(profile)) continue
          counts[t.status]++
          const blocking = BLOCKING.has(t.status)
          if (t.level === 'MUST' && blocking) mustFailures++
          if (t.level === 'MUST' && t.status === 'untested') mustUntested++
          if (t.level === 'MUST' && filtered(t)) mustFiltered++
          if (t.level === 'SHOULD') {
            if (blocking) shouldFailures++
            if (t.status === 'untested') shouldUntested++
            if (t.status === 'passed') shouldRan++
          }
        }
        const ran = counts.passed + counts.failed + counts.errored + counts['expected-fail']
        const untestedRequirements = claimed ? untestedRequirementsOf(tests, profile, registry) : []
        // Nothing that did not run counts as proven: a claimed profile with an untested MUST case,
        // or with nothing run at all, is `not-proven`, never `conformant`. In live mode, a case left
        // out by the run's own filters, or a live-testable MUST no passing case showed, makes it
        // `partially-tested`.
        const live = registry !== undefined
        const verdict: VerdictValue = !claimed
          ? 'not-claimed'
          : mustFailures > 0
            ? 'not-conformant'
            : (live ? mustUntested - mustFiltered : mustUntested) > 0
              ? NOT_PROVEN
              : live && (mustFiltered > 0 || untestedRequirements.length > 0)
                ? PARTIALLY_TESTED
                : ran === 0
                  ? NOT_PROVEN
                  : shouldRan > 0 && shouldFailures === 0 && shouldUntested === 0
                    ? 'conformant+recommended'
                    : 'conformant'
        return {
          profile,
          claimed,
          verdict,
          counts,
          mustFailures,
          shouldFailures,
          mustUntested,
          untestedRequirements,
        }
      })
  )
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
 * What every report format says when a claimed profile is `not-proven` or `partially-tested`:
 * which profiles, how many MUST cases did not run, which requirements the run did not show, and
 * (when they needed it) where the control API is described. `undefined` when there is none.
 */
export function notProvenNote(result: Pick<RunResult, 'verdicts' | 'tests'>): string | undefined {
  const unshown = (v: ProfileVerdict): string =>
    v.untestedRequirements.length === 0 ? '' : `; not tested: ${v.untestedRequirements.join(', ')}`
  const notProvenList = notProven(result).map(
    (v) => `${v.profile} (${v.mustUntested} MUST untested${unshown(v)})`,
  )
  const partialList = partiallyTested(result).map((v) => {
    const n = v.untestedRequirements.length
    const parts = [
      n === 0
        ? ''
        : `${n} live-testable MUST requirement${n === 1 ? '' : 's'} not tested live: ${v.untestedRequirements.join(', ')}`,
      v.mustUntested === 0 ? '' : `${v.mustUntested} MUST cases left out by --only/--exclude`,
    ]
    return `${v.profile} (${parts.filter((p) => p !== '').join('; ')})`
  })
  if (notProvenList.length + partialList.length === 0) return undefined
  const needControl = result.tests.some(
    (t) => t.status === 'untested' && /control API|does not support/.test(t.message ?? ''),
  )
  return [
    notProvenList.length === 0 ? '' : `Not proven: ${notProvenList.join(', ')}.`,
    partialList.length === 0 ? '' : `Partially tested: ${partialList.join(', ')}.`,
    'A claimed profile is conformant only when every MUST case ran and passed' +
      (partialList.length === 0
        ? ''
        : ' and, in live mode, every live-testable MUST requirement of it was shown by a passing case') +
      '; untested cases never count as passed.',
    needControl
      ? `The untested live cases need the tool's test-only control API: see ${CONTROL_API_DOCS}.`
      : '',
  ]
    .filter((part) => part !== '')
    .join(' ')
}

/** The claimed profiles the run could not prove: some MUST cases it selected were not tested. */
export function notProven(result: Pick<RunResult, 'verdicts'>): ProfileVerdict[] {
  return result.verdicts.filter((v) => v.claimed && v.verdict === NOT_PROVEN)
}

/** The claimed profiles a live run tested only in part (see {@link PARTIALLY_TESTED}). */
export function partiallyTested(result: Pick<RunResult, 'verdicts'>): ProfileVerdict[] {
  return result.verdicts.filter((v) => v.claimed && v.verdict === PARTIALLY_TESTED)
}

/**
 * The exit code of a run: `1` when a vector or case failed or errored at or above `failOn`; else
 * `3` when a claimed profile is `not-proven` or `partially-tested`; else `0` (every claimed
 * profile conforms).
 */
export function exitCodeOf(result: RunResult, failOn: 'must' | 'should'): 0 | 1 | 3 {
  if (!passesAt(result, failOn)) return 1
  return notProven(result).length + partiallyTested(result).length > 0 ? EXIT_NOT_PROVEN : 0
}

/**
 * The exit code of a run that failed nothing but left a claimed profile `not-proven` or
 * `partially-tested`.
 */
export const EXIT_NOT_PROVEN = 3

/** Does the run pass at the chosen level? Expected failures do not fail the exit code. */
export function passesAt(result: RunResult, failOn: 'must' | 'should'): boolean {
  const maxRank = FILTER_RANK[failOn]
  return !result.tests.some(
    (t) => (t.status === 'failed' || t.status === 'errored') && LEVEL_RANK[t.level] <= maxRank,
  )
}
