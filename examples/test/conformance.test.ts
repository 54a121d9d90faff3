// The conformance suite, live against the example tools after the demo's scenario, exactly as the
// demo runs it: every profile each tool claims must conform, and every case must really have run.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  allConformant,
  exampleTools,
  runConformance,
  type ConformanceRun,
} from '../src/conformance.js'
import { runScenario, type Scenario } from '../src/scenario.js'

let scenario: Scenario
let runs: ConformanceRun[]
let outDir: string

beforeAll(async () => {
  const token = randomBytes(32).toString('base64url')
  outDir = await mkdtemp(join(tmpdir(), 'cta-examples-conformance-'))
  scenario = await runScenario(() => undefined, { controlToken: token })
  runs = await runConformance(exampleTools(scenario.outcome), { outDir, token })
}, 300_000)

afterAll(async () => {
  await scenario.close()
  await rm(outDir, { recursive: true, force: true })
})

describe('cta-conformance live against the example tools', () => {
  it('finds every profile each tool claims conformant', () => {
    for (const run of runs) expect(run.exitCode, run.output).toBe(0)
    expect(allConformant(runs)).toBe(true)
  })

  it('ran the cases of each claimed profile rather than skipping them', () => {
    const ran = (slug: string, profile: string) =>
      runs.find((r) => r.tool.slug === slug)?.verdicts.find((v) => v.profile === profile)?.counts[
        'passed'
      ] ?? 0
    expect(ran('decisions', 'group-authority')).toBeGreaterThanOrEqual(9)
    expect(ran('decisions', 'emitter')).toBeGreaterThanOrEqual(7)
    expect(ran('budgeting', 'group-auth-relying-tool')).toBeGreaterThanOrEqual(15)
    expect(ran('budgeting', 'receiver')).toBeGreaterThanOrEqual(14)
    expect(ran('budgeting', 'emitter')).toBeGreaterThanOrEqual(7)
    expect(ran('budgeting', 'intent-exchange')).toBeGreaterThanOrEqual(4)
    // The profiles of the cross-tool story: polls and tallies, rounds and buckets, tasks, credit.
    expect(ran('decisions', 'decisions')).toBeGreaterThanOrEqual(13)
    expect(ran('budgeting', 'budgeting')).toBeGreaterThanOrEqual(9)
    expect(ran('budgeting', 'tasks')).toBeGreaterThanOrEqual(2)
    expect(ran('budgeting', 'mutual-credit')).toBeGreaterThanOrEqual(5)
    for (const run of runs) expect(run.summary['untested'] ?? 0).toBe(0)
  })

  it('needs the control token: without it the control API refuses the suite', async () => {
    const response = await fetch(`${scenario.outcome.decisions}/__cta-conformance/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ peer: 'http://127.0.0.1:9' }),
    })
    expect(response.status).toBe(401)
    expect(((await response.json()) as { code: string }).code).toBe('ERR_UNAUTHORIZED')
  })
})
