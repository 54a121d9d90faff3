import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../src/cli.js'
import { SUITE_DIR } from '../src/vectors.js'

const dir = await mkdtemp(join(tmpdir(), 'cta-cli-'))
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

describe('cta-conformance exit codes', () => {
  it('0 when the implementation is conformant', async () => {
    const { code, stdout } = await cli('vectors', '--harness', 'direct')
    expect(code).toBe(0)
    expect(stdout).toMatch(/receiver\s+conformant/)
  })

  it('1 when a vector fails, with the failure and how to reproduce it', async () => {
    const { code, stdout } = await cli('vectors', '--harness', 'direct:broken=signature')
    expect(code).toBe(1)
    expect(stdout).toContain('FAILED evt.sig.payload-tampered')
    expect(stdout).toContain('--only evt.sig.payload-tampered')
  })

  it('0 again when the failures are declared in an expectations file', async () => {
    const file = join(dir, 'expect.json')
    await writeFile(
      file,
      JSON.stringify({
        expectations: [
          { id: 'evt.sig.*', reason: 'x', link: 'https://example.org/i/1', expires: '2999-01-01' },
          {
            id: 'evt.dup.rejected-not-remembered',
            reason: 'x',
            link: 'https://example.org/i/1',
            expires: '2999-01-01',
          },
        ],
      }),
    )
    const { code, stdout } = await cli(
      'vectors',
      '--harness',
      'direct:broken=signature',
      '--expectations',
      file,
    )
    expect(stdout).toMatch(/expected-fail/)
    expect(code).toBe(0)
  })

  it.each([
    [['vectors'], /needs --harness/],
    [['vectors', '--harness', 'ftp:x'], /unknown harness/],
    [['vectors', '--harness', 'direct', '--profile', 'nobody'], /unknown profile/],
    [['vectors', '--harness', 'direct', '--level', 'often'], /--level must be one of/],
    [['vectors', '--harness', 'direct', '--reporter', 'pdf:x.pdf'], /unknown reporter/],
    [
      ['vectors', '--harness', 'direct', '--expectations', '/nonexistent.json'],
      /cannot read expectations/,
    ],
    [['vectors', '--harness', 'stdio:exit 7'], /harness exited/],
    [['vectors', '--harness', 'direct', '--bogus'], /Unknown option/],
    [['frobnicate'], /unknown command/],
  ])('2 for a configuration error: %j', async (argv, message) => {
    const { code, stderr } = await cli(...argv)
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
  })

  it('writes every report format it is asked for', async () => {
    const args = ['json', 'junit', 'md', 'html'].flatMap((f) => [
      '--reporter',
      `${f}:${join(dir, `r.${f}`)}`,
    ])
    expect(
      (await cli('vectors', '--harness', 'direct', '--profile', 'receiver', ...args)).code,
    ).toBe(0)
    const report = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as {
      verdicts: { profile: string }[]
      command: string
    }
    expect(report.verdicts.map((v) => v.profile)).toEqual(['receiver'])
    expect(report.command).toContain('--profile receiver')
    expect(await readFile(join(dir, 'r.junit'), 'utf8')).toContain('<testsuite name="receiver"')
  })

  it('lists vectors by filter', async () => {
    const { code, stdout } = await cli('list', '--only', 'EVT-DUP-001', '--json')
    expect(code).toBe(0)
    const listed = JSON.parse(stdout) as { id: string }[]
    expect(listed.map((v) => v.id).every((id) => id.startsWith('evt.dup.'))).toBe(true)
  })

  it('runs through its bin shim as installed', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(SUITE_DIR, 'bin', 'cta-conformance.js'),
      'vectors',
      '--harness',
      'direct',
      '--profile',
      'core',
    ])
    expect(stdout).toMatch(/passed, 0 failed/)
  })
})
