import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SDK_INFO, sdkImplementation } from '../src/adapters/sdk.js'
import { stdioImplementation } from '../src/adapters/stdio.js'
import { buildReport } from '../src/report/report.js'
import { render } from '../src/report/render.js'
import { compare, runVectors, selectVectors, type RunResult } from '../src/run.js'
import type { Implementation } from '../src/types.js'
import { loadVectors, SUITE_DIR } from '../src/vectors.js'
import { schemaValidator } from './helpers/ajv.js'

const { vectors, digest } = await loadVectors()
const HARNESS = `${process.execPath} --import tsx ${join(SUITE_DIR, 'harness', 'sdk-harness.ts')}`

async function run(impl: Implementation, options: Partial<Parameters<typeof runVectors>[3]> = {}) {
  const info = await impl.start()
  try {
    return await runVectors(impl, info, vectors, { harness: 'direct', ...options })
  } finally {
    await impl.stop()
  }
}

function reportOf(result: RunResult) {
  return buildReport(result, {
    suite: {
      name: '@cta-interop/conformance',
      version: '0.1.0',
      vectorsDigest: digest,
      vectorCount: vectors.length,
    },
    harness: 'direct',
    command: 'cta-conformance vectors --harness direct',
    startedAt: new Date().toISOString(),
    options: { profiles: [], level: 'may', only: [], exclude: [], failOn: 'must' },
    conformant: true,
  })
}

const direct = await run(sdkImplementation())

describe('the SDK through the direct adapter', () => {
  it.each(direct.tests.map((t) => [t.id, t] as const))('%s', (_id, t) => {
    expect(['passed', 'inapplicable'], `${t.id}: ${t.message ?? ''}`).toContain(t.status)
  })

  it('is conformant for every profile it claims, and skips none as a pass', () => {
    for (const v of direct.verdicts) {
      expect(v.verdict).toBe(v.claimed ? 'conformant' : 'not-claimed')
    }
    expect(direct.summary.inapplicable).toBe(
      direct.tests.filter((t) => t.profiles.every((p) => !SDK_INFO.profiles.includes(p))).length,
    )
  })
})

describe('the stdio harness', () => {
  it('gives the same outcome and the same result for every vector as the direct adapter', async () => {
    const stdio = await run(stdioImplementation(HARNESS))
    expect(stdio.implementation.name).toBe(direct.implementation.name)
    expect(stdio.tests.map((t) => [t.id, t.status, t.actual])).toEqual(
      direct.tests.map((t) => [t.id, t.status, t.actual]),
    )
  })

  it('reports a harness that dies as errored, not passed', async () => {
    const impl = stdioImplementation(
      `node -e "process.stdin.once('data',()=>{console.log(JSON.stringify({version:1,implementation:{name:'x',version:'0'},profiles:['core'],features:[]}));process.stdin.once('data',()=>process.exit(3))})"`,
    )
    const info = await impl.start()
    const one = vectors.filter((v) => v.vector.id === 'doc.valid.group')
    const result = await runVectors(impl, info, one, { harness: 'stdio:x' })
    await impl.stop()
    expect(result.tests[0]?.status).toBe('errored')
    expect(result.verdicts.find((v) => v.profile === 'core')?.verdict).toBe('not-conformant')
  })
})

describe('outcomes', () => {
  const broken: Implementation = {
    start: () =>
      Promise.resolve({
        name: 'broken',
        version: '0',
        profiles: ['core', 'receiver'],
        features: [],
      }),
    run: (v) =>
      Promise.resolve(
        v.id === 'evt.sig.alg-none.none'
          ? { actual: { valid: true, kind: 'Event' } }
          : v.id === 'doc.valid.group'
            ? { skipped: true, message: 'not yet' }
            : { actual: { error: 'ERR_NOPE' } },
      ),
    stop: () => Promise.resolve(),
  }

  it('mark expected failures, report ones that pass, and ignore expired ones', async () => {
    const result = await run(broken, {
      today: new Date('2026-01-01'),
      expectations: [
        {
          id: 'evt.sig.alg-none.*',
          reason: 'known',
          link: 'https://example.org/1',
          expires: '2026-12-31',
        },
        {
          id: 'doc.valid.role',
          reason: 'old',
          link: 'https://example.org/2',
          expires: '2025-12-31',
        },
      ],
    })
    const byId = new Map(result.tests.map((t) => [t.id, t]))
    expect(byId.get('evt.sig.alg-none.none')?.status).toBe('expected-fail')
    expect(byId.get('evt.sig.alg-none.NONE')?.status).toBe('expected-fail')
    expect(byId.get('doc.valid.role')?.status).toBe('failed')
    expect(byId.get('doc.valid.group')?.status).toBe('untested')
    expect(result.warnings.some((w) => w.includes('expired'))).toBe(true)
    const passing = await run(sdkImplementation(), {
      expectations: [
        {
          id: 'doc.valid.group',
          reason: 'x',
          link: 'https://example.org/3',
          expires: '2999-01-01',
        },
      ],
    })
    expect(passing.warnings.some((w) => w.startsWith('unexpected pass: doc.valid.group'))).toBe(
      true,
    )
  })

  it('count filtered and skipped vectors as untested, and undeclared profiles as inapplicable', async () => {
    const result = await run(sdkImplementation(), {
      only: ['EVT-AGE-*'],
      exclude: ['evt.age.future'],
    })
    const statuses = new Map(result.tests.map((t) => [t.id, t.status]))
    expect(statuses.get('evt.age.stale')).toBe('passed')
    expect(statuses.get('evt.age.future')).toBe('untested')
    expect(statuses.get('doc.valid.group')).toBe('untested')
    expect(result.verdicts.find((v) => v.profile === 'receiver')?.verdict).toBe('not-proven')
    const receiverOnly = await run(
      sdkImplementation({}, { name: 'r', version: '0', profiles: ['receiver'], features: [] }),
    )
    expect(receiverOnly.tests.find((t) => t.id === 'doc.valid.group')?.status).toBe('inapplicable')
    expect(receiverOnly.verdicts.find((v) => v.profile === 'core')?.verdict).toBe('not-claimed')
  })

  it('select by profile and level', () => {
    const receiver = selectVectors(vectors, { profiles: ['receiver'] })
    expect(receiver.length).toBeGreaterThan(0)
    expect(receiver.every((v) => v.vector.profiles.includes('receiver'))).toBe(true)
    expect(selectVectors(vectors, { level: 'must' }).every((v) => v.vector.level === 'MUST')).toBe(
      true,
    )
  })

  it('compare codes and kinds, not messages', () => {
    expect(compare({ error: 'ERR_A' }, { error: 'ERR_A' })).toBeUndefined()
    expect(compare({ error: 'ERR_A' }, { error: 'ERR_B' })).toMatch(/expected ERR_A, got ERR_B/)
    expect(compare({ valid: true, kind: 'K' }, { error: 'ERR_B' })).toMatch(/acceptance/)
    expect(
      compare(
        { valid: true, kind: 'K', result: { id: 1 } },
        { valid: true, kind: 'K', result: { id: 2 } },
      ),
    ).toMatch(/result.id/)
    expect(compare({ sequence: [{ valid: true, kind: 'K' }] }, { sequence: [] })).toMatch(
      /1 results/,
    )
  })
})

describe('reports', () => {
  it('validate against report.schema.json and render to every format', async () => {
    // Without ES256, so that the vectors that require it are inapplicable and render as skips.
    const report = reportOf(
      await run(sdkImplementation({}, { ...SDK_INFO, features: ['alg:EdDSA'] })),
    )
    const validate = schemaValidator('report')
    expect(validate(JSON.parse(render(report, 'json'))), JSON.stringify(validate.errors)).toBe(true)
    const junit = render(report, 'junit')
    expect(junit).toContain('name="[EVT-SIG-002] evt.sig.alg-none.none: ')
    expect(junit).toContain('<skipped message="inapplicable: ')
    expect(render(report, 'md')).toContain('| receiver | **conformant** |')
    const html = render(report, 'html')
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/)
  })

  it('name each failure with a command that reproduces it', async () => {
    const result = await run(sdkImplementation({ swallow: ['ERR_TYP_MISMATCH'] }))
    const failed = result.tests.filter((t) => t.status === 'failed')
    expect(failed.length).toBeGreaterThan(0)
    for (const t of failed)
      expect(t.repro).toBe(`npx cta-conformance vectors --harness direct --only ${t.id}`)
    const report = reportOf(result)
    expect(schemaValidator('report')(JSON.parse(render(report, 'json')))).toBe(true)
    expect(render(report, 'junit')).toContain('<failure message="expected ERR_TYP_MISMATCH')
  })
})
