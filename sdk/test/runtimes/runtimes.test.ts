import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/documents.js'
import type { SmokeResult } from './smoke.js'

// The core entry claims browsers, Deno and Workers: it runs in each of them for real. smoke.ts is
// bundled with esbuild against the built package (`@cta-interop/sdk` resolves to sdk/dist through
// the exports map; run `flock /tmp/cta-build.lock npm run build` first) into one ES module, then
// Deno (npm `deno`), Cloudflare's workerd (npm `workerd`, `workerd test`) and Debian's Chromium run
// it: sign, verify (EdDSA and ES256), validate, refuse a tampered event with its code.
const DIST = `${ROOT}sdk/dist/index.js`
const DENO = `${ROOT}node_modules/.bin/deno`
const WORKERD = `${ROOT}node_modules/.bin/workerd`
const CHROMIUM = '/usr/bin/chromium'
const dir = mkdtempSync(join(tmpdir(), 'cta-runtimes-'))

async function bundle(contents: string, outfile: string, format: 'esm' | 'iife'): Promise<string> {
  const { metafile } = await build({
    stdin: {
      contents,
      resolveDir: `${ROOT}sdk/test/runtimes`,
      loader: 'ts',
      sourcefile: 'entry.ts',
    },
    bundle: true,
    format,
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    outfile: join(dir, outfile),
    logLevel: 'error',
    metafile: true,
  })
  // The package as published (its dist/ through the exports map), never the SDK's source.
  const inputs = Object.keys(metafile.inputs)
  expect(inputs.some((f) => f.endsWith('sdk/dist/index.js'))).toBe(true)
  expect(inputs.filter((f) => f.includes('sdk/src/'))).toEqual([])
  return join(dir, outfile)
}

function expectSmoke(result: SmokeResult, runtime: string): void {
  expect(result).toEqual({
    runtime,
    verifiedType: 'tech.collaborative.ping',
    validKind: 'PingEvent',
    invalidCode: 'ERR_SCHEMA_INVALID',
    tamperedCode: 'ERR_SIGNATURE_INVALID',
    es256Verified: true,
  })
}

it('bundles the built core entry, not its source', () => {
  expect(existsSync(DIST), 'build the SDK first').toBe(true)
})

describe('the core entry in Deno', () => {
  it('signs, verifies, validates and refuses a tampered event', async () => {
    const script = await bundle(
      `import { smoke } from './smoke.ts'\nconsole.log(JSON.stringify(await smoke('deno')))`,
      'deno.mjs',
      'esm',
    )
    // No permissions at all: no file, network or environment access.
    const out = execFileSync(DENO, ['run', '--no-prompt', '--no-config', '--no-npm', script], {
      encoding: 'utf8',
      timeout: 30_000,
    })
    expectSmoke(JSON.parse(out) as SmokeResult, 'deno')
    expect(execFileSync(DENO, ['--version'], { encoding: 'utf8' })).toMatch(/^deno 2\./)
  }, 60_000)
})

describe('the core entry in workerd (Cloudflare Workers)', () => {
  it('signs, verifies, validates and refuses a tampered event', async () => {
    await bundle(
      [
        `import { smoke } from './smoke.ts'`,
        `export default {`,
        `  async test() {`,
        `    console.log('CTA-SMOKE ' + JSON.stringify(await smoke('workerd')))`,
        `  },`,
        `}`,
      ].join('\n'),
      'worker.mjs',
      'esm',
    )
    writeFileSync(
      join(dir, 'config.capnp'),
      [
        'using Workerd = import "/workerd/workerd.capnp";',
        'const config :Workerd.Config = (services = [(name = "main", worker = .smokeWorker)]);',
        'const smokeWorker :Workerd.Worker = (',
        '  modules = [(name = "worker", esModule = embed "worker.mjs")],',
        '  compatibilityDate = "2025-09-01",',
        ');',
      ].join('\n'),
    )
    // `workerd test` runs the worker's test handler and exits non-zero when it throws.
    const out = execFileSync(WORKERD, ['test', 'config.capnp', '--verbose'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const line = out.split('\n').find((l) => l.startsWith('CTA-SMOKE '))
    expect(line, out).toBeDefined()
    expectSmoke(JSON.parse((line ?? '').slice('CTA-SMOKE '.length)) as SmokeResult, 'workerd')
  }, 60_000)
})

describe.skipIf(!existsSync(CHROMIUM))('the core entry in Chromium (/usr/bin/chromium)', () => {
  it('signs, verifies, validates and refuses a tampered event', async () => {
    const script = await bundle(
      `import { smoke } from './smoke.ts'\n(globalThis as any).ctaSmoke = smoke`,
      'browser.js',
      'iife',
    )
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    try {
      const page = await browser.newPage()
      // A secure context (Web Crypto needs one) with nothing but the bundle.
      await page.route('https://cta.test/', (route) =>
        route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>cta</title>' }),
      )
      await page.goto('https://cta.test/')
      await page.addScriptTag({ path: script })
      const result = await page.evaluate(() =>
        (globalThis as unknown as { ctaSmoke(r: string): Promise<SmokeResult> }).ctaSmoke(
          'chromium',
        ),
      )
      expectSmoke(result, 'chromium')
    } finally {
      await browser.close()
    }
  }, 60_000)
})
