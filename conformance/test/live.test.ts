// Live mode tests itself: against the reference tool it passes every case it applies, against the
// same tool with one behaviour broken on purpose it reports exactly the failures planted in it, and
// the CLI, the report and the control API contract agree with each other.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../src/cli.js'
import { LIVE_CASES } from '../src/live/cases/index.js'
import { runLive } from '../src/live/run-live.js'
import { parseSutManifest, SutError } from '../src/live/sut.js'
import { parseReport } from '../src/report/sign.js'
import {
  RELYING_PLANTS,
  startReferenceRelyingTool,
  type RelyingPlant,
} from './fixtures/reference-relying-tool.js'
import { PLANTS, startReferenceTool, type Plant } from './fixtures/reference-tool.js'

const dir = await mkdtemp(join(tmpdir(), 'cta-live-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

const failing = (tests: readonly { id: string; status: string }[]) =>
  tests.filter((t) => t.status === 'failed' || t.status === 'errored').map((t) => t.id)

// Full runs take longer than the default 30 s: the receiver cases wait out the 10-second bound of a
// cached key set (EVT-KEY-006, EVT-KEY-007).
describe('live mode against the reference tool', () => {
  it('passes every receiver and emitter case, and finds both profiles conformant', async () => {
    const tool = await startReferenceTool()
    try {
      const result = await runLive(parseSutManifest(tool.sut), { sutPath: 'reference.sut.json' })
      const ran = result.tests.filter((t) => t.status !== 'inapplicable')
      expect(ran.length).toBeGreaterThanOrEqual(20)
      expect(failing(result.tests)).toEqual([])
      expect(ran.filter((t) => t.status !== 'passed').map((t) => `${t.id}: ${t.status}`)).toEqual(
        [],
      )
      const verdict = Object.fromEntries(result.verdicts.map((v) => [v.profile, v.verdict]))
      expect(verdict['receiver']).toBe('conformant')
      expect(verdict['emitter']).toBe('conformant')
      expect(verdict['group-authority']).toBe('not-claimed')
      // Every result that ran carries its wire transcript.
      expect(ran.every((t) => (t.transcript ?? []).length > 0)).toBe(true)
    } finally {
      await tool.close()
    }
  }, 120_000)

  // One planted fixture per tool here; the mutation gate (conformance/test/mutation-gate.test.ts)
  // runs every switch plant of both fixtures and requires exactly the cases their maps list.
  it.each(['accept-forged-signature'] as Plant[])(
    'reports exactly the failure planted by %s',
    async (plant) => {
      const tool = await startReferenceTool({ plant })
      try {
        const result = await runLive(parseSutManifest(tool.sut), {
          sutPath: 'reference.sut.json',
          patience: 3000,
        })
        expect(failing(result.tests)).toEqual([...PLANTS[plant]])
        const broken = result.tests.find((t) => t.id === PLANTS[plant][0])
        expect(broken?.repro).toContain(`--only ${PLANTS[plant][0]}`)
      } finally {
        await tool.close()
      }
    },
    120_000,
  )

  it('passes every relying tool case against the reference relying tool, as a real authority', async () => {
    const tool = await startReferenceRelyingTool()
    try {
      const result = await runLive(parseSutManifest(tool.sut), { sutPath: 'relying.sut.json' })
      const ran = result.tests.filter(
        (t) => t.profiles.includes('group-auth-relying-tool') && t.status !== 'inapplicable',
      )
      expect(ran.length).toBeGreaterThanOrEqual(15)
      expect(failing(result.tests)).toEqual([])
      expect(ran.filter((t) => t.status !== 'passed').map((t) => `${t.id}: ${t.status}`)).toEqual(
        [],
      )
    } finally {
      await tool.close()
    }
  })

  it.each(['trust-any-source'] as RelyingPlant[])(
    'reports exactly the relying tool failures planted by %s',
    async (plant) => {
      const tool = await startReferenceRelyingTool({ plant })
      try {
        const result = await runLive(parseSutManifest(tool.sut), { sutPath: 'relying.sut.json' })
        expect(failing(result.tests).sort()).toEqual([...RELYING_PLANTS[plant]].sort())
      } finally {
        await tool.close()
      }
    },
  )

  it('reports a case whose expected and actual are not objects as objects, so the report stays valid', async () => {
    const tool = await startReferenceTool()
    try {
      const odd = {
        id: 'live.receiver.odd-shapes',
        title: "A case of the suite's own self-test that answers arrays",
        requirements: [],
        profile: 'receiver' as const,
        level: 'MUST' as const,
        run: () => Promise.resolve({ expected: [1, 2], actual: 'two' }),
      }
      const result = await runLive(parseSutManifest(tool.sut), {
        sutPath: 'reference.sut.json',
        cases: [odd],
      })
      const test = result.tests.find((t) => t.id === odd.id)
      expect(test?.expected).toEqual({ value: [1, 2] })
      expect(test?.actual).toEqual({ value: 'two' })
    } finally {
      await tool.close()
    }
  })

  it('counts cases that need the control API as untested without one, never as passed', async () => {
    const tool = await startReferenceTool()
    try {
      const { control: _, ...withoutControl } = tool.sut
      const result = await runLive(parseSutManifest(withoutControl), { sutPath: 'x.json' })
      const emit = result.tests.find((t) => t.id === 'live.emitter.delivers-signed-event')
      expect(emit?.status).toBe('untested')
      expect(result.verdicts.find((v) => v.profile === 'emitter')?.verdict).not.toBe('conformant')
    } finally {
      await tool.close()
    }
  })
})

describe('cta-conformance live', () => {
  it('exits 0 against the reference tool and writes a schema-valid report with transcripts', async () => {
    const tool = await startReferenceTool()
    try {
      const sut = join(dir, 'reference.sut.json')
      await writeFile(sut, JSON.stringify(tool.sut))
      const out = join(dir, 'live.json')
      let stdout = ''
      const code = await main(['live', '--sut', sut, '--reporter', `json:${out}`], {
        stdout: (t) => (stdout += t),
        stderr: () => undefined,
      })
      expect(code).toBe(0)
      expect(stdout).toMatch(/emitter\s+conformant/)
      const report = await parseReport(await readFile(out))
      expect(report.mode).toBe('live')
      expect(report.tests.some((t) => (t.transcript ?? []).length > 0)).toBe(true)
    } finally {
      await tool.close()
    }
  }, 120_000)

  it('exits 1 against a tool with a planted failure', async () => {
    const tool = await startReferenceTool({ plant: 'open-feed' })
    try {
      const sut = join(dir, 'broken.sut.json')
      await writeFile(sut, JSON.stringify(tool.sut))
      let stdout = ''
      const code = await main(['live', '--sut', sut], {
        stdout: (t) => (stdout += t),
        stderr: () => undefined,
      })
      expect(code).toBe(1)
      expect(stdout).toContain('FAILED live.emitter.feed-needs-token')
    } finally {
      await tool.close()
    }
  }, 120_000)

  it('exits 2 without --sut, with an unusable SUT manifest, or an unreachable tool', async () => {
    const quiet = { stdout: () => undefined, stderr: () => undefined }
    expect(await main(['live'], quiet)).toBe(2)
    const bad = join(dir, 'bad.sut.json')
    await writeFile(bad, JSON.stringify({ name: 'x', version: '1', profiles: ['nope'] }))
    expect(await main(['live', '--sut', bad], quiet)).toBe(2)
    const gone = join(dir, 'gone.sut.json')
    await writeFile(
      gone,
      JSON.stringify({
        name: 'x',
        version: '1',
        profiles: ['receiver'],
        endpoints: { origin: 'http://127.0.0.1:9' },
      }),
    )
    expect(await main(['live', '--sut', gone], quiet)).toBe(2)
  })
})

describe('SUT manifests', () => {
  it('reads the control token from the environment', () => {
    const sut = parseSutManifest(
      {
        name: 'Tool',
        version: '1',
        profiles: ['receiver'],
        endpoints: { origin: 'http://127.0.0.1:3000' },
        control: { url: 'http://127.0.0.1:3000/__cta-conformance', token: '${TOOL_TOKEN}' },
      },
      { TOOL_TOKEN: 'from-the-environment' },
    )
    expect(sut.control?.token).toBe('from-the-environment')
    expect(sut.endpoints.callback).toBe('http://127.0.0.1:3000/cta/callback')
  })

  it.each([
    ['no profiles', { name: 'T', version: '1', endpoints: { origin: 'http://a.example' } }],
    [
      'an origin with a path',
      {
        name: 'T',
        version: '1',
        profiles: ['receiver'],
        endpoints: { origin: 'http://a.example/x' },
      },
    ],
    [
      'a missing environment variable',
      {
        name: 'T',
        version: '1',
        profiles: ['receiver'],
        endpoints: { origin: 'http://a.example' },
        control: { url: 'http://a.example/c', token: '${UNSET_TOKEN_VARIABLE}' },
      },
    ],
  ])('refuses %s', (_, data) => {
    expect(() => parseSutManifest(data, {})).toThrow(SutError)
  })
})

const spec = parse(
  String(await readFile(fileURLToPath(new URL('../control-api.openapi.yaml', import.meta.url)))),
) as {
  openapi: string
  paths: Record<string, Record<string, unknown>>
  components: { schemas: { ActionRequest: { properties: { action: { enum: string[] } } } } }
}

describe('the control API contract', () => {
  it('is an OpenAPI 3.1 document with the four endpoints', () => {
    expect(spec.openapi).toBe('3.1.0')
    expect(Object.keys(spec.paths).sort()).toEqual([
      '/actions',
      '/observations',
      '/sessions',
      '/sessions/{session}',
    ])
  })

  it('documents every action a live case needs', () => {
    const documented = new Set(spec.components.schemas.ActionRequest.properties.action.enum)
    const needed = new Set(LIVE_CASES.flatMap((c) => c.actions ?? []))
    expect([...needed].filter((a) => !documented.has(a))).toEqual([])
  })
})
