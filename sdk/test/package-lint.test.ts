import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from './helpers/documents.js'
import { installTarballs, packWorkspace, type Packed } from './helpers/pack.js'

// publint and @arethetypeswrong/cli on the packed tarballs, and a consumer project compiled against
// the packed SDK under each moduleResolution a TypeScript user may have (needs a built SDK: run it
// as `flock /tmp/cta-build.lock npx vitest run sdk/test/package-lint.test.ts`).
const BIN = `${ROOT}node_modules/.bin/`
const exec = promisify(execFile)
const packed = { sdk: packWorkspace('sdk'), conformance: packWorkspace('conformance') }

// Both packages are ESM only (Node.js 20.19+ loads them with import, and with require since
// require(esm)), so attw checks node16 from ESM and bundler (the esm-only profile). The JSON-LD
// context is a data file, not a module: attw has no resolution to check for it, and
// package-tarball.test.ts resolves it through the exports map.
const ATTW_ARGS = ['--profile', 'esm-only', '--exclude-entrypoints', './context/v1.jsonld']

function run(bin: string, args: string[], cwd = ROOT) {
  const result = spawnSync(BIN + bin, args, { cwd, encoding: 'utf8', timeout: 50_000 })
  return { status: result.status, out: `${result.stdout}${result.stderr}` }
}

describe.each(['sdk', 'conformance'] as const)('the packed %s', (workspace) => {
  const pkg: Packed = packed[workspace]

  it('passes publint --strict (warnings fail too)', () => {
    const { status, out } = run('publint', ['--strict', pkg.tarball])
    expect(out).toContain('Linting...')
    expect(out, out).toContain('All good!')
    expect(status, out).toBe(0)
  })

  it('passes @arethetypeswrong/cli for every entry point of its exports map', () => {
    const { status, out } = run('attw', [pkg.tarball, ...ATTW_ARGS, '--format', 'json'])
    const report = JSON.parse(out.slice(out.indexOf('{'))) as {
      problems?: Record<string, { resolutionKind: string }[]>
      analysis: { packageName: string; entrypoints: Record<string, unknown> }
    }
    expect(report.analysis.packageName).toBe(pkg.name)
    const manifest = JSON.parse(readFileSync(`${ROOT}${workspace}/package.json`, 'utf8')) as {
      exports: Record<string, unknown>
    }
    const expected = Object.keys(manifest.exports).filter((e) => e !== './context/v1.jsonld')
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(expected.sort())
    // The JSON report lists the problems of every resolution; node16 from ESM and bundler have none.
    const problems = Object.values(report.problems ?? {}).flat()
    const counted = problems.filter((p) => !['node10', 'node16-cjs'].includes(p.resolutionKind))
    expect(counted).toEqual([])
    expect(status, out.slice(0, 2000)).toBe(0)
  })
})

describe('a TypeScript project that installs the packed SDK', () => {
  // The README's minimal example is the consumer's code, so the front page compiles.
  const readme = readFileSync(`${ROOT}sdk/README.md`, 'utf8')
  const example = /## Minimal example[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
  const deps = ['jose', '@sinclair/typebox', 'jsonld', '@types/jsonld', 'openid-client']
  const project = installTarballs([packed.sdk], deps)
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  )
  writeFileSync(
    join(project, 'index.ts'),
    [
      example,
      `import { validateDocument as validate2, type DocumentKind } from '@cta-interop/sdk'`,
      `import { Event } from '@cta-interop/sdk/schemas'`,
      `import { checkJsonLd } from '@cta-interop/sdk/jsonld'`,
      `const kind: DocumentKind = 'Event'`,
      `export const checks = [validate2, Event, checkJsonLd, kind] as const`,
      `// @ts-expect-error: dist/ is not exported, so no resolution may reach it`,
      `export type Hidden = typeof import('@cta-interop/sdk/dist/index.js')`,
      `// @ts-expect-error: an event's type is a string (this line fails if the types were any)`,
      `export const wrong: number = verified.type`,
      '',
    ].join('\n'),
  )

  it('has the README example to compile', () => {
    expect(example).toContain("from '@cta-interop/sdk'")
    expect(example).toContain('verifyEvent(')
  })

  it('compiles under moduleResolution node16, nodenext and bundler', async () => {
    const settings = [
      ['node16', 'node16'],
      ['nodenext', 'nodenext'],
      ['bundler', 'esnext'],
    ] as const
    // The three compilers run at once; each lists the files it read.
    const outputs = await Promise.all(
      settings.map(([moduleResolution, module]) => {
        const tsconfig = `tsconfig.${moduleResolution}.json`
        writeFileSync(
          join(project, tsconfig),
          JSON.stringify({
            compilerOptions: {
              module,
              moduleResolution,
              target: 'es2022',
              lib: ['es2022', 'dom'],
              types: [],
              strict: true,
              noEmit: true,
              // attw checks the declaration files themselves; this checks what a consumer sees.
              skipLibCheck: true,
            },
            files: ['index.ts'],
          }),
        )
        const tsc = [`${ROOT}node_modules/typescript/bin/tsc`, '-p', tsconfig, '--listFiles']
        return exec(process.execPath, tsc, { cwd: project, encoding: 'utf8' }).then(
          ({ stdout }) => ({ moduleResolution, stdout, ok: true }),
          (error: unknown) => ({
            moduleResolution,
            stdout:
              (error as { stdout?: string; message?: string }).stdout ?? (error as Error).message,
            ok: false,
          }),
        )
      }),
    )
    for (const { moduleResolution, stdout, ok } of outputs) {
      expect(ok, `${moduleResolution}: ${stdout}`).toBe(true)
      // The types came from the unpacked tarball, not from the workspace.
      expect(stdout, moduleResolution).toContain(
        join(project, 'node_modules/@cta-interop/sdk/dist/index.d.ts'),
      )
      expect(stdout, moduleResolution).not.toContain(`${ROOT}sdk/`)
    }
  }, 60_000)
})
