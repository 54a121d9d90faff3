import jsonld from 'jsonld'
import { describe, expect, it } from 'vitest'
import { EARL_TEST_BASE, renderEarl, requirementIri } from '../src/report/earl.js'
import { FORMATS, render } from '../src/report/render.js'
import type { Report } from '../src/report/report.js'
import type { Status, TestResult } from '../src/run.js'
import { realReport } from './helpers/report.js'

const EARL = 'http://www.w3.org/ns/earl#'
const DCT = 'http://purl.org/dc/terms/'
const DOAP = 'http://usefulinc.com/ns/doap#'
const XSD_DATETIME = 'http://www.w3.org/2001/XMLSchema#dateTime'

const STATUSES: readonly Status[] = [
  'passed',
  'failed',
  'errored',
  'expected-fail',
  'inapplicable',
  'untested',
]
const OUTCOME: Record<Status, string> = {
  passed: `${EARL}passed`,
  failed: `${EARL}failed`,
  errored: `${EARL}cantTell`,
  'expected-fail': `${EARL}failed`,
  inapplicable: `${EARL}inapplicable`,
  untested: `${EARL}untested`,
}

/** A real run whose first six results are given every status, so each outcome is rendered. */
async function reportWithEveryStatus(): Promise<Report> {
  const real = await realReport()
  const tests = real.tests.map((t, i): TestResult => {
    const status = STATUSES[i]
    if (status === undefined) return t
    return {
      ...t,
      status,
      message: `made ${status} for the test`,
      ...(status === 'expected-fail'
        ? {
            expectation: {
              id: t.id,
              reason: 'tracked upstream',
              link: 'https://example.org/issues/1',
              expires: '2999-01-01',
            },
          }
        : {}),
    }
  })
  return {
    ...real,
    implementation: { ...real.implementation, homepage: 'https://example.org/sdk' },
    tests,
  }
}

type Node = Record<string, unknown[] | string | undefined>

/** Expands with a document loader that refuses every load: the context must be inline. */
async function expandOffline(doc: unknown): Promise<{ nodes: Node[]; loads: string[] }> {
  const loads: string[] = []
  const refuse = (url: string) => {
    loads.push(url)
    return Promise.reject(new Error(`network load refused: ${url}`))
  }
  // `safe` (fail on any dropped term) is a jsonld.js option its type definitions do not list.
  const options: jsonld.Options.Expand & { safe: true } = {
    documentLoader: refuse,
    safe: true,
  }
  const nodes = (await jsonld.expand(doc as jsonld.JsonLdDocument, options)) as unknown as Node[]
  return { nodes, loads }
}

const first = (node: Node, property: string) => (node[property] as Node[] | undefined)?.[0]
const ids = (node: Node, property: string) =>
  ((node[property] as Node[] | undefined) ?? []).map((v) => v['@id'])
const values = (node: Node, property: string) =>
  ((node[property] as Node[] | undefined) ?? []).map((v) => v['@value'])
const types = (node: Node) => (node['@type'] as unknown as string[] | undefined) ?? []

describe('EARL reporter', () => {
  it('is a reporter format, rendered by render()', async () => {
    const report = await realReport()
    expect(FORMATS).toContain('earl')
    expect(render(report, 'earl')).toBe(renderEarl(report))
  })

  it('expands as JSON-LD with no network access, one assertion per test and each outcome mapped', async () => {
    const report = await reportWithEveryStatus()
    const doc = JSON.parse(renderEarl(report)) as unknown
    const { nodes, loads } = await expandOffline(doc)
    expect(loads).toEqual([])

    const assertions = nodes.filter((n) => types(n).includes(`${EARL}Assertion`))
    expect(assertions).toHaveLength(report.tests.length)
    const byTest = new Map(report.tests.map((t) => [`${EARL_TEST_BASE}${t.id}`, t]))
    const seen = new Set<Status>()
    for (const a of assertions) {
      const test = first(a, `${EARL}test`)
      const result = first(a, `${EARL}result`)
      if (test === undefined || result === undefined) throw new Error('incomplete assertion')
      const t = byTest.get(test['@id'] as string)
      if (t === undefined) throw new Error(`unknown test IRI ${String(test['@id'])}`)
      seen.add(t.status)
      expect(ids(result, `${EARL}outcome`)).toEqual([OUTCOME[t.status]])
      expect(types(result)).toEqual([`${EARL}TestResult`])
      expect(ids(a, `${EARL}mode`)).toEqual([`${EARL}automatic`])
      expect(values(test, `${DCT}title`)).toEqual([t.title])
      const date = first(result, `${DCT}date`)
      expect(date).toEqual({ '@value': report.startedAt, '@type': XSD_DATETIME })
      expect(values(result, `${EARL}info`)).toEqual(t.message === undefined ? [] : [t.message])
      expect(ids(test, `${DCT}references`)).toEqual(t.requirements.map((r) => requirementIri(r)))
      const description = values(result, `${DCT}description`)
      if (t.status === 'expected-fail') expect(description[0]).toMatch(/^Known failure/)
      else if (t.status === 'untested') expect(description[0]).toMatch(/not proven/)
      else expect(description).toEqual([])
    }
    expect([...seen].sort()).toEqual([...STATUSES].sort())
  })

  it('links requirements to their spec chapter', () => {
    expect(requirementIri('EVT-SIG-002')).toBe('https://w3id.org/cta/spec/events#EVT-SIG-002')
    expect(requirementIri('AUTH-TOK-001')).toBe('https://w3id.org/cta/spec/group-auth#AUTH-TOK-001')
    expect(requirementIri('XYZ-001')).toBeUndefined()
  })

  it('names the implementation as a DOAP project subject and the suite as assertor', async () => {
    const report = await reportWithEveryStatus()
    const { nodes } = await expandOffline(JSON.parse(renderEarl(report)))
    const assertion = nodes.find((n) => types(n).includes(`${EARL}Assertion`))
    if (assertion === undefined) throw new Error('no assertion')
    const subjectId = ids(assertion, `${EARL}subject`)[0]
    const assertorId = ids(assertion, `${EARL}assertedBy`)[0]
    const subject = nodes.find((n) => n['@id'] === subjectId)
    const assertor = nodes.find((n) => n['@id'] === assertorId)
    if (subject === undefined || assertor === undefined) throw new Error('missing nodes')
    expect(types(subject)).toContain(`${DOAP}Project`)
    expect(values(subject, `${DOAP}name`)).toEqual([report.implementation.name])
    const release = first(subject, `${DOAP}release`)
    expect(release === undefined ? [] : values(release, `${DOAP}revision`)).toEqual([
      report.implementation.version,
    ])
    expect(ids(subject, `${DOAP}homepage`)).toEqual(['https://example.org/sdk'])
    expect(types(assertor)).toContain(`${EARL}Assertor`)
    expect(values(assertor, `${DOAP}name`)).toEqual(['@cta-interop/conformance'])
    const suiteRelease = first(assertor, `${DOAP}release`)
    expect(suiteRelease === undefined ? [] : values(suiteRelease, `${DOAP}revision`)).toEqual([
      report.suite.version,
    ])
  })

  it('leaves out a homepage that is not an http(s) URL', async () => {
    const report = await realReport()
    const odd = { ...report, implementation: { ...report.implementation, homepage: 'not a url' } }
    const { nodes } = await expandOffline(JSON.parse(renderEarl(odd)))
    const subject = nodes.find((n) => types(n).includes(`${DOAP}Project`))
    expect(subject?.[`${DOAP}homepage`]).toBeUndefined()
  })
})
