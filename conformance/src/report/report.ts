/** The canonical report (`report.json`) and how it is built from a run. */
import type { ImplementationInfo } from '../types.js'
import type { ProfileVerdict, RunResult, Summary, TestResult } from '../run.js'

export const REPORT_SCHEMA = 'https://w3id.org/cta/conformance/v1/report.schema.json'

/** Per-requirement rollup: how the vectors citing it ended. */
export interface RequirementRollup {
  readonly id: string
  readonly tests: number
  readonly passed: number
  readonly failed: number
  readonly other: number
}

/** The canonical report: every other format is rendered from it. */
export interface Report {
  readonly $schema: string
  readonly reportVersion: 1
  readonly suite: {
    readonly name: string
    readonly version: string
    readonly vectorsDigest: string
    readonly vectorCount: number
  }
  readonly implementation: ImplementationInfo
  readonly mode: 'vectors' | 'live'
  /** Live mode: `dev` when loopback and plain HTTP were allowed (never a production transport). */
  readonly transport?: 'dev'
  readonly harness: string
  readonly command: string
  readonly startedAt: string
  readonly durationMs: number
  readonly options: {
    readonly profiles: readonly string[]
    readonly level: string
    readonly only: readonly string[]
    readonly exclude: readonly string[]
    readonly failOn: string
    readonly expectations?: string
    /** Live mode: the SUT manifest's path. */
    readonly sut?: string
  }
  readonly conformant: boolean
  readonly summary: Summary
  readonly verdicts: readonly ProfileVerdict[]
  readonly requirements: readonly RequirementRollup[]
  readonly tests: readonly TestResult[]
  readonly warnings: readonly string[]
}

/** A verdict's untested requirements: absent in reports written before the field existed. */
export function untestedOf(v: ProfileVerdict): readonly string[] {
  return (v as Partial<ProfileVerdict>).untestedRequirements ?? []
}

export function rollup(tests: readonly TestResult[]): RequirementRollup[] {
  const byId = new Map<string, { tests: number; passed: number; failed: number; other: number }>()
  for (const t of tests) {
    for (const id of t.requirements) {
      const r = byId.get(id) ?? { tests: 0, passed: 0, failed: 0, other: 0 }
      r.tests++
      if (t.status === 'passed') r.passed++
      else if (t.status === 'failed' || t.status === 'errored') r.failed++
      else r.other++
      byId.set(id, r)
    }
  }
  return [...byId.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, r]) => ({ id, ...r }))
}

export function buildReport(
  result: RunResult,
  fields: Omit<
    Report,
    | '$schema'
    | 'reportVersion'
    | 'implementation'
    | 'summary'
    | 'verdicts'
    | 'requirements'
    | 'tests'
    | 'warnings'
    | 'durationMs'
    | 'mode'
  > & { readonly mode?: 'vectors' | 'live' },
): Report {
  return {
    $schema: REPORT_SCHEMA,
    reportVersion: 1,
    suite: fields.suite,
    implementation: result.implementation,
    mode: fields.mode ?? 'vectors',
    ...(fields.mode === 'live' ? { transport: 'dev' as const } : {}),
    harness: fields.harness,
    command: fields.command,
    startedAt: fields.startedAt,
    durationMs: result.durationMs,
    options: fields.options,
    conformant: fields.conformant,
    summary: result.summary,
    verdicts: result.verdicts,
    requirements: rollup(result.tests),
    tests: result.tests,
    warnings: result.warnings,
  }
}
