// The suite never reports success for what it did not test: against a tool that offers no control
// API, the cases that need one are untested, the profiles they test are "not-proven" in every
// report format, and the run exits 3 with a pointer to the control API's documentation.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../src/cli.js'
import { EXIT_NOT_PROVEN, exitCodeOf, verdicts, type TestResult } from '../src/run.js'
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
      expect(byProfile['receiver']?.counts.passed).toBe(0)
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

  it('is conformant and exits 0 against the same tool with its control API', async () => {
    const tool = await startReferenceTool()
    try {
      const sut = join(dir, 'with-control.sut.json')
      await writeFile(sut, JSON.stringify(tool.sut))
      const { code, stdout } = await cli('live', '--sut', sut)
      expect(code).toBe(0)
      expect(stdout).toMatch(/receiver\s+conformant/)
      expect(stdout).not.toContain('NOT PROVEN')
    } finally {
      await tool.close()
    }
  })

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
