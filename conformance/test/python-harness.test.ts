/**
 * The Python reference harness (conformance/harnesses/python), written from the spec text with
 * Debian's python3-jwcrypto and python3-jsonschema, passes the core and receiver vectors through
 * the real `cta-conformance` CLI: the proof that the suite is language-neutral. With a
 * verification step switched off (CTA_PY_HARNESS_BROKEN) the same run must be non-conformant.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { SUITE_DIR } from '../src/vectors.js'

const run = promisify(execFile)
const ROOT = join(SUITE_DIR, '..')
const BIN = join(SUITE_DIR, 'bin', 'cta-conformance.js')
const HARNESS = join(SUITE_DIR, 'harnesses', 'python', 'cta_harness.py')

/** The first Python 3 that has jwcrypto and jsonschema (CI installs Debian's into /usr/bin). */
async function findPython(): Promise<string | undefined> {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      await run(python, ['-c', 'import jwcrypto, jsonschema'])
      return python
    } catch {
      // not this one
    }
  }
  return undefined
}

const python = await findPython()
if (python === undefined) {
  console.warn(
    'python-harness.test.ts skipped: no python3 with jwcrypto and jsonschema ' +
      '(apt-get install python3-jwcrypto python3-jsonschema; .ci/run installs them)',
  )
}

async function cli(env: Record<string, string> = {}) {
  const argv = [
    BIN,
    'vectors',
    '--harness',
    `stdio:${python ?? 'python3'} ${HARNESS}`,
    '--profile',
    'core',
    '--profile',
    'receiver',
    '--reporter',
    'json:-',
  ]
  try {
    const { stdout } = await run(process.execPath, argv, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    })
    return { code: 0, stdout }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    if (typeof e.code !== 'number') throw err
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

interface Report {
  implementation: { name: string; language?: string }
  verdicts: { profile: string; verdict: string }[]
  tests: { id: string; status: string }[]
}

function parse(stdout: string): Report {
  return JSON.parse(stdout.slice(stdout.indexOf('{'))) as Report
}

describe.skipIf(python === undefined)('the Python reference harness', () => {
  it('is conformant to core and receiver through the real CLI, and a broken step is not', async () => {
    const [good, broken] = await Promise.all([cli(), cli({ CTA_PY_HARNESS_BROKEN: 'signature' })])

    expect(good.code).toBe(0)
    const report = parse(good.stdout)
    expect(report.implementation).toMatchObject({
      name: 'cta-py-reference-harness',
      language: 'python',
    })
    expect(report.verdicts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ profile: 'core', verdict: 'conformant' }),
        expect.objectContaining({ profile: 'receiver', verdict: 'conformant' }),
      ]),
    )
    expect(report.tests.filter((t) => t.status !== 'passed')).toEqual([])
    expect(report.tests.length).toBeGreaterThan(200)

    expect(broken.code).toBe(1)
    const failed = parse(broken.stdout)
    expect(failed.verdicts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ profile: 'receiver', verdict: 'not-conformant' }),
      ]),
    )
    expect(failed.tests.find((t) => t.id === 'evt.sig.payload-tampered')?.status).toBe('failed')
  }, 60_000)
})
