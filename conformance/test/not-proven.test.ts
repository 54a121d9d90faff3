// The suite never reports success for what it did not test: against a tool that offers no control
// API, the cases that need one are untested, the profiles they test are "not-proven" in every
// report format, and the run exits 3 with a pointer to the control API's documentation. A live run
// that shows only some of a profile's live-testable MUST requirements (--only, or no case yet) is
// "partially-tested", with the exact list of requirements it did not show, in every format.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../src/cli.js'
import { LIVE_CASES } from '../src/live/cases/index.js'
import { runLive } from '../src/live/run-live.js'
import { parseSutManifest } from '../src/live/sut.js'
import { buildReport } from '../src/report/report.js'
import { render } from '../src/report/render.js'
import {
  EXIT_NOT_PROVEN,
  ONLY_MESSAGE,
  exitCodeOf,
  verdicts,
  type RegistryRequirement,
  type RunResult,
  type Status,
  type TestResult,
} from '../src/run.js'
import { parseReport } from '../src/report/sign.js'
import { SUITE_DIR } from '../src/vectors.js'
import { startReferenceTool } from './fixtures/reference-tool.js'

const dir = await mkdtemp(join(tmpdir(), 'cta-not-proven-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

async function cli(...argv: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  })
  return { code, stdout, stderr }
}

describe('a claimed profile with untested cases', () => {
  it('is not-proven, exits 3 and points at the control API, against a tool without one', async () => {
    const tool = await startReferenceTool({ noControl: true })
    try {
      expect(tool.sut).not.toHaveProperty('control')
      const sut = join(dir, 'no-control.sut.json')
      await writeFile(sut, JSON.stringify(tool.sut))
      const out = (ext: string) => join(dir, `no-control.${ext}`)
      const { code, stdout } = await cli(
        'live',
        '--sut',
        sut,
        ...['json', 'md', 'html', 'earl', 'junit'].flatMap((f) => ['--reporter', `${f}:${out(f)}`]),
      )
      expect(code).toBe(EXIT_NOT_PROVEN)
      expect(code).toBe(3)
      expect(stdout).toMatch(/receiver\s+not-proven/)
      expect(stdout).toMatch(/emitter\s+not-proven/)
      expect(stdout).not.toMatch(/receiver\s+conformant/)
      expect(stdout).toContain('NOT PROVEN')
      expect(stdout).toContain('conformance/README.md#control-api')
      expect(stdout).toContain('control-api.openapi.yaml')

      const report = await parseReport(await readFile(out('json')))
      expect(report.conformant).toBe(false)
      const byProfile = Object.fromEntries(report.verdicts.map((v) => [v.profile, v]))
      expect(byProfile['receiver']?.verdict).toBe('not-proven')
      expect(byProfile['receiver']?.mustUntested).toBeGreaterThan(0)
      expect(byProfile['receiver']?.counts.untested).toBeGreaterThan(0)
      expect(report.warnings.join('\n')).toContain('conformance/README.md#control-api')
      // Nothing untested is reported as passed.
      const untested = report.tests.filter((t) => t.status === 'untested')
      expect(untested.length).toBeGreaterThan(0)

      expect(await readFile(out('md'), 'utf8')).toMatch(/\*\*not-proven\*\*/)
      expect(await readFile(out('md'), 'utf8')).toContain('control-api')
      expect(await readFile(out('html'), 'utf8')).toContain('not-proven')
      expect(await readFile(out('junit'), 'utf8')).toContain('value="not-proven"')
      const earl = await readFile(out('earl'), 'utf8')
      expect(earl).toContain('receiver: not-proven')
      expect(earl).toContain('earl:untested')
    } finally {
      await tool.close()
    }
  })

  // End to end, over the spec's registry and every live case: conformant only once every
  // live-testable MUST of the tool's profiles has a case (the coverage gate lists what is missing).
  it('is conformant and exits 0 against the same tool with its control API', async () => {
    const tool = await startReferenceTool()
    try {
      const sut = join(dir, 'with-control.sut.json')
      await writeFile(sut, JSON.stringify(tool.sut))
      const { code, stdout } = await cli('live', '--sut', sut)
      expect(code, stdout).toBe(0)
      expect(stdout).toMatch(/receiver\s+conformant/)
      expect(stdout).not.toContain('NOT PROVEN')
    } finally {
      await tool.close()
    }
  }, 180_000)

  it('exits 3, not 0, when --only leaves MUST vectors of a claimed profile untested', async () => {
    const { code, stdout } = await cli('vectors', '--harness', 'direct', '--only', 'doc.valid.*')
    expect(code).toBe(3)
    expect(stdout).toMatch(/core\s+not-proven/)
    expect(stdout).toContain('--only')
  })

  it('exits 1, not 3, when a case also failed: a failure outranks what was not tested', async () => {
    const { code } = await cli(
      'vectors',
      '--harness',
      'direct:broken=signature',
      '--only',
      'evt.sig.*',
    )
    expect(code).toBe(1)
  })

  it('never counts a run with nothing tested as conformant', () => {
    const untested = (id: string): TestResult => ({
      id,
      title: id,
      file: 'live',
      requirements: ['EVT-SIG-001'],
      profiles: ['receiver'],
      level: 'MUST',
      operation: 'live',
      status: 'untested',
      message: 'untested: needs the control API (emit)',
      expected: {},
      durationMs: 0,
      repro: '',
    })
    const tests = Array.from({ length: 14 }, (_, i) => untested(`live.receiver.${i}`))
    const info = { name: 'x', version: '1', profiles: ['core', 'receiver'] as const, features: [] }
    const result = {
      implementation: { ...info, profiles: [...info.profiles] },
      tests,
      verdicts: verdicts(tests, { ...info, profiles: [...info.profiles] }, []),
      summary: {
        passed: 0,
        failed: 0,
        errored: 0,
        'expected-fail': 0,
        inapplicable: 0,
        untested: 14,
        total: 14,
      },
      warnings: [],
      durationMs: 0,
    }
    expect(result.verdicts.find((v) => v.profile === 'receiver')?.verdict).toBe('not-proven')
    expect(exitCodeOf(result, 'must')).toBe(3)
  })

  it('documents exit code 3 in the CLI help and the README', async () => {
    const { stdout } = await cli('help')
    expect(stdout).toMatch(/3 nothing failed, but a claimed profile is "not-proven"/)
    const readme = await readFile(join(SUITE_DIR, 'README.md'), 'utf8')
    expect(readme).toContain('<a id="control-api"></a>')
    expect(readme).toMatch(/`3` nothing\s+failed, but a claimed profile is `not-proven`/)
  })

  it('runs through its bin shim and exits 3 for a partial run', async () => {
    const run = promisify(execFile)(process.execPath, [
      join(SUITE_DIR, 'bin', 'cta-conformance.js'),
      'vectors',
      '--harness',
      'direct',
      '--only',
      'doc.valid.*',
    ])
    await expect(run).rejects.toMatchObject({ code: 3 })
  })
})

/** A live case's result, as `runLive` records it. */
function liveResult(
  id: string,
  requirements: string[],
  status: Status,
  message?: string,
  level: 'MUST' | 'SHOULD' = 'MUST',
): TestResult {
  return {
    id,
    title: id,
    file: 'live',
    requirements,
    profiles: ['receiver'],
    level,
    operation: 'live',
    status,
    ...(message === undefined ? {} : { message }),
    expected: {},
    durationMs: 0,
    repro: '',
  }
}

const tool = { name: 't', version: '1', profiles: ['core', 'receiver'], features: [] } as const
const info = { ...tool, profiles: [...tool.profiles], features: [] }

/** A registry the rule is checked against, independent of the spec's current state. */
const REGISTRY: RegistryRequirement[] = [
  { id: 'XX-AAA-001', level: 'MUST', profiles: ['receiver'] },
  { id: 'XX-AAA-002', level: 'MUST', profiles: ['core', 'receiver'] },
  {
    id: 'XX-AAA-003',
    level: 'MUST',
    profiles: ['receiver'],
    live: { testable: false, reason: 'needs the tool killed mid-delivery' },
  },
  // Not owed live: core only, a SHOULD, another profile.
  { id: 'XX-AAA-004', level: 'MUST', profiles: ['core'] },
  { id: 'XX-AAA-005', level: 'SHOULD', profiles: ['receiver'] },
  { id: 'XX-AAA-006', level: 'MUST', profiles: ['emitter'] },
]

/** Verdicts of a run; `registry` null is vectors mode (no registry rule). */
function run(tests: TestResult[], registry: RegistryRequirement[] | null = REGISTRY) {
  const summary = { ...{ passed: 0, failed: 0, errored: 0, 'expected-fail': 0 }, total: 0 }
  const result: RunResult = {
    implementation: info,
    tests,
    verdicts: verdicts(tests, info, [], registry ?? undefined),
    summary: { ...summary, inapplicable: 0, untested: 0 },
    warnings: [],
    durationMs: 0,
  }
  const receiver = result.verdicts.find((v) => v.profile === 'receiver')
  return {
    verdict: receiver?.verdict,
    untested: receiver?.untestedRequirements,
    exit: exitCodeOf(result, 'must'),
  }
}

describe('a live verdict, against a controlled registry', () => {
  const a = (status: Status, message?: string) =>
    liveResult('live.receiver.a', ['XX-AAA-001'], status, message)
  const b = (status: Status, message?: string) =>
    liveResult('live.receiver.b', ['XX-AAA-002'], status, message)

  it('is conformant only when every live-testable MUST of the profile was shown by a passing case', () => {
    expect(run([a('passed'), b('passed')])).toEqual({
      verdict: 'conformant',
      untested: [],
      exit: 0,
    })
  })

  it('is partially-tested, listing exactly what no passing case showed, when a MUST has no case', () => {
    expect(run([a('passed')])).toEqual({
      verdict: 'partially-tested',
      untested: ['XX-AAA-002'],
      exit: 3,
    })
    expect(run([liveResult('live.receiver.c', [], 'passed')])).toEqual({
      verdict: 'partially-tested',
      untested: ['XX-AAA-001', 'XX-AAA-002'],
      exit: 3,
    })
  })

  it('is partially-tested when --only left a case out, even if the rest passed', () => {
    expect(run([a('untested', ONLY_MESSAGE), b('passed')])).toEqual({
      verdict: 'partially-tested',
      untested: ['XX-AAA-001'],
      exit: 3,
    })
  })

  it('stays not-proven when a selected case did not run (no control API), and lists it', () => {
    const noControl = 'untested: needs the control API (emit)'
    expect(run([a('untested', noControl), b('passed')])).toEqual({
      verdict: 'not-proven',
      untested: ['XX-AAA-001'],
      exit: 3,
    })
  })

  it('is not-conformant when a case failed, whatever else was not tested', () => {
    expect(run([a('failed'), b('untested', ONLY_MESSAGE)])).toMatchObject({
      verdict: 'not-conformant',
      exit: 1,
    })
  })

  it('does not owe a requirement whose every case needs a feature the tool does not declare', () => {
    expect(run([a('inapplicable', 'inapplicable: feature not declared (x)'), b('passed')])).toEqual(
      { verdict: 'conformant', untested: [], exit: 0 },
    )
  })

  it('does not owe a requirement the spec marks not testable live, nor a core-only MUST', () => {
    const registry = REGISTRY.filter((r) => r.id !== 'XX-AAA-002')
    expect(run([a('passed')], registry)).toEqual({ verdict: 'conformant', untested: [], exit: 0 })
    const marked = REGISTRY.map((r) =>
      r.id === 'XX-AAA-002' ? { ...r, live: { testable: false as const, reason: 'x' } } : r,
    )
    expect(run([a('passed')], marked)).toEqual({ verdict: 'conformant', untested: [], exit: 0 })
  })

  it('owes a claimed profile its live-testable MUSTs even when the run has no case of it', () => {
    const tests = [a('passed'), b('passed')]
    const claims = { ...info, profiles: [...info.profiles, 'emitter' as const] }
    const byProfile = new Map(verdicts(tests, claims, [], REGISTRY).map((v) => [v.profile, v]))
    expect(byProfile.get('emitter')).toMatchObject({
      verdict: 'partially-tested',
      untestedRequirements: ['XX-AAA-006'],
    })
    // Core is proven by the vectors: live mode owes it nothing and gives it no verdict.
    expect(byProfile.has('core')).toBe(false)
    expect(verdicts(tests, info, [], REGISTRY).map((v) => v.profile)).toEqual(['receiver'])
  })

  it('keeps vectors mode as it was: a vector left out by --only is not-proven', () => {
    const vector = liveResult('doc.valid.x', ['XX-AAA-001'], 'untested', ONLY_MESSAGE)
    expect(run([vector, b('passed')], null)).toEqual({
      verdict: 'not-proven',
      untested: ['XX-AAA-001'],
      exit: 3,
    })
  })
})

describe('a live run of some cases against the reference tool', () => {
  const chosen = ['live.receiver.accepts-valid', 'live.receiver.duplicate-200']
  const cases = LIVE_CASES.filter((c) => chosen.includes(c.id))
  const registry: RegistryRequirement[] = [
    { id: 'DLV-INB-001', level: 'MUST', profiles: ['receiver'] },
    { id: 'EVT-DUP-001', level: 'MUST', profiles: ['receiver'] },
    { id: 'EVT-SIG-001', level: 'MUST', profiles: ['core', 'receiver'] },
  ]

  it('is partially-tested with the exact list of requirements not shown, in every format', async () => {
    expect(cases.map((c) => c.id)).toEqual(chosen)
    const ref = await startReferenceTool()
    try {
      const result = await runLive(parseSutManifest(ref.sut), {
        sutPath: 'reference.sut.json',
        cases,
        registry,
        only: ['live.receiver.accepts-valid'],
      })
      expect(result.tests.map((t) => [t.id, t.status])).toEqual([
        ['live.receiver.accepts-valid', 'passed'],
        ['live.receiver.duplicate-200', 'untested'],
      ])
      const receiver = result.verdicts.find((v) => v.profile === 'receiver')
      expect(receiver?.verdict).toBe('partially-tested')
      // DLV-INB-001 was shown by the case that passed; the other two were not.
      expect(receiver?.untestedRequirements).toEqual(['EVT-DUP-001', 'EVT-SIG-001'])
      expect(exitCodeOf(result, 'must')).toBe(3)

      const report = buildReport(result, {
        suite: {
          name: 's',
          version: '1',
          vectorsDigest: `sha256:${'0'.repeat(64)}`,
          vectorCount: 0,
        },
        mode: 'live',
        harness: 'live:x',
        command: 'cta-conformance live',
        startedAt: '2026-01-01T00:00:00.000Z',
        options: { profiles: [], level: 'may', only: [], exclude: [], failOn: 'must' },
        conformant: false,
      })
      const parsed = await parseReport(Buffer.from(render(report, 'json')))
      expect(parsed.verdicts.find((v) => v.profile === 'receiver')).toMatchObject({
        verdict: 'partially-tested',
        untestedRequirements: ['EVT-DUP-001', 'EVT-SIG-001'],
      })
      const junit = render(report, 'junit')
      expect(junit).toContain('<property name="verdict" value="partially-tested"/>')
      expect(junit).toContain(
        '<property name="untestedRequirements" value="EVT-DUP-001 EVT-SIG-001"/>',
      )
      expect(junit).toMatch(/<system-out>[^<]*EVT-DUP-001, EVT-SIG-001<\/system-out>/)
      const md = render(report, 'md')
      expect(md).toContain('| receiver | **partially-tested** |')
      expect(md).toContain('| receiver | partially-tested | `EVT-DUP-001` `EVT-SIG-001` |')
      const html = render(report, 'html')
      expect(html).toContain('<p class="verdict">partially-tested</p>')
      expect(html).toMatch(
        /class="untested-requirements">.*<a class="req-link" href="https:\/\/w3id\.org\/cta\/spec\/events#EVT-DUP-001"><code>EVT-DUP-001<\/code><\/a> <a class="req-link" href="https:\/\/w3id\.org\/cta\/spec\/events#EVT-SIG-001"><code>EVT-SIG-001<\/code><\/a>/,
      )
      const earl = render(report, 'earl')
      expect(earl).toContain('receiver: partially-tested (not tested: EVT-DUP-001, EVT-SIG-001)')
    } finally {
      await ref.close()
    }
  })

  it('is partially-tested through the CLI with --only, exits 3 and names what it did not show', async () => {
    const ref = await startReferenceTool()
    try {
      const sut = join(dir, 'only.sut.json')
      await writeFile(sut, JSON.stringify(ref.sut))
      const out = join(dir, 'only.json')
      const { code, stdout } = await cli(
        'live',
        '--sut',
        sut,
        '--only',
        'live.receiver.accepts-valid',
        '--reporter',
        `json:${out}`,
      )
      expect(code).toBe(3)
      expect(stdout).toMatch(/receiver\s+partially-tested/)
      expect(stdout).toMatch(/emitter\s+partially-tested/)
      expect(stdout).toContain('PARTIALLY TESTED')
      expect(stdout).toMatch(
        /receiver\s+partially-tested \(\d+ MUST requirements not tested live, \d+ MUST live cases left out\)/,
      )
      expect(stdout).toMatch(/\n {4}not tested: [A-Z]+-[A-Z]+-\d{3}/)
      const report = await parseReport(await readFile(out))
      expect(report.conformant).toBe(false)
      const receiver = report.verdicts.find((v) => v.profile === 'receiver')
      // Whatever the registry holds today, the case that ran showed DLV-INB-001 and nothing else
      // counts: what the other receiver cases cite is listed.
      const others = LIVE_CASES.filter(
        (c) => c.profile === 'receiver' && c.id !== 'live.receiver.accepts-valid',
      ).flatMap((c) => c.requirements)
      expect(receiver?.untestedRequirements).not.toContain('DLV-INB-001')
      expect(receiver?.untestedRequirements.length).toBeGreaterThan(0)
      expect(others.some((id) => receiver?.untestedRequirements.includes(id))).toBe(true)
    } finally {
      await ref.close()
    }
  })
})
