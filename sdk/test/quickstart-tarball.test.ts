import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT } from './helpers/documents.js'
import { installTarballs, packWorkspace } from './helpers/pack.js'
import { codeLines, quickstartBlocks } from './helpers/quickstart.js'

// Issue 16's "done when": a new project outside the repository, with only the packed SDK and suite,
// runs the README's tool (at most 25 lines of its own) and `cta-conformance live` finds it
// conformant as an emitter and as a receiver. Needs a built SDK; run it as
// `flock /tmp/cta-build.lock npx vitest run sdk/test/quickstart-tarball.test.ts` (packing reads
// sdk/dist, and the live run is one the build lock serializes).
const [, conformanceTool = ''] = quickstartBlocks()
// What the packages need and the project would install from the registry, linked (no network).
const DEPS = [
  'jose',
  '@sinclair/typebox',
  'jsonld',
  'openid-client',
  '@electric-sql/pglite',
  'ajv',
  'ajv-formats',
  'oidc-provider',
  'tsx',
]

interface Report {
  readonly verdicts: readonly { readonly profile: string; readonly verdict: string }[]
}

/** Links each dependency as the workspace that declares it resolves it (the suite's own ajv 8). */
function linkDependencies(project: string): void {
  for (const dep of DEPS) {
    const from = ['conformance/', 'sdk/', '']
      .map((w) => `${ROOT}${w}node_modules/${dep}`)
      .find((path) => existsSync(path)) as string
    mkdirSync(join(project, 'node_modules', dep, '..'), { recursive: true })
    symlinkSync(from, join(project, 'node_modules', dep))
  }
}

describe("the README's conformance tool, from the packed tarballs alone", () => {
  const project = installTarballs([packWorkspace('sdk'), packWorkspace('conformance')])
  linkDependencies(project)
  const token = randomBytes(32).toString('base64url')
  const env = { ...process.env, CTA_CONFORMANCE_TOKEN: token }
  let tool: ChildProcess | undefined
  afterAll(() => {
    tool?.kill()
  })

  it('is at most 25 lines of the vendor’s own code', () => {
    expect(conformanceTool.trimEnd().split('\n').length).toBeLessThanOrEqual(25)
    expect(codeLines(conformanceTool)).toBeLessThanOrEqual(25)
  })

  it('passes cta-conformance live for the emitter and receiver profiles', async () => {
    writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }))
    // The snippet is plain JavaScript too: run as written, with nothing but Node.
    writeFileSync(join(project, 'tool.js'), conformanceTool)
    const started = spawn(process.execPath, ['tool.js'], { cwd: project, env, stdio: 'ignore' })
    tool = started
    const exited = new Promise<number | null>((resolve) => started.once('exit', resolve))
    const sut = join(project, 'sut.json')
    // The tool writes its SUT manifest once it listens (or exits if it cannot start).
    while (!existsSync(sut)) {
      const code = await Promise.race([
        exited,
        new Promise((resolve) => setTimeout(resolve, 200, 'running')),
      ])
      expect(code, 'the tool exited before listening').toBe('running')
    }
    const cli = join(project, 'node_modules/@cta-interop/conformance/bin/cta-conformance.js')
    const suite = spawn(
      process.execPath,
      [cli, 'live', '--sut', sut, '--reporter', `json:${join(project, 'report.json')}`],
      { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    suite.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    suite.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exitCode = await new Promise<number | null>((resolve) => suite.once('exit', resolve))
    expect(exitCode, output).toBe(0)
    const report = JSON.parse(readFileSync(join(project, 'report.json'), 'utf8')) as Report
    const verdict = (profile: string) => report.verdicts.find((p) => p.profile === profile)?.verdict
    expect(verdict('emitter'), output).toBe('conformant')
    expect(verdict('receiver'), output).toBe('conformant')
  }, 150_000)
})
