/**
 * The report as W3C EARL 1.0 (https://www.w3.org/TR/EARL10-Schema/) in JSON-LD, for W3C-style
 * implementation reports: one `earl:Assertion` per test, a DOAP subject, the suite as assertor.
 *
 * The `@context` is inline, so the document expands without any network access.
 */
import { notProvenNote, type Status, type TestResult } from '../run.js'
import { untestedOf, type Report } from './report.js'

/** Test IRIs are this base followed by the vector ID. */
export const EARL_TEST_BASE = 'https://w3id.org/cta/conformance/v1/tests#'
/** Requirement IRIs are this base, the spec chapter, `#` and the requirement ID. */
export const SPEC_BASE = 'https://w3id.org/cta/spec/'

/** The inline context: prefixes only, so every term is visibly namespaced. */
export const EARL_CONTEXT = {
  earl: 'http://www.w3.org/ns/earl#',
  doap: 'http://usefulinc.com/ns/doap#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const

/** Our statuses as EARL outcomes: a skip is never a pass, and an error is `cantTell`. */
export const EARL_OUTCOME: Readonly<Record<Status, string>> = {
  passed: 'earl:passed',
  failed: 'earl:failed',
  errored: 'earl:cantTell',
  'expected-fail': 'earl:failed',
  inapplicable: 'earl:inapplicable',
  untested: 'earl:untested',
}

/** The spec chapter of each requirement-ID prefix (the `chapter` of `requirements.json`). */
const CHAPTERS: Readonly<Record<string, string>> = {
  AUTH: 'group-auth',
  DLV: 'delivery',
  DOC: 'documents',
  ERR: 'errors',
  EVT: 'events',
  INT: 'intents',
  MEM: 'membership',
  SEC: 'security',
}

/**
 * The IRI of a requirement in the published spec (`https://w3id.org/cta/spec/events#EVT-SIG-002`),
 * or `undefined` when its prefix names no known chapter.
 */
export function requirementIri(id: string): string | undefined {
  const chapter = CHAPTERS[id.split('-')[0] ?? '']
  return chapter === undefined ? undefined : `${SPEC_BASE}${chapter}#${encodeURIComponent(id)}`
}

/** An absolute http(s) URL, or `undefined`: only those become IRIs. */
function httpIri(value: string | undefined): string | undefined {
  if (value === undefined || !URL.canParse(value)) return undefined
  const url = new URL(value)
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined
}

function description(t: TestResult): string | undefined {
  if (t.status === 'expected-fail') {
    const e = t.expectation
    return `Known failure, declared in the implementation's expectations file${e === undefined ? '' : `: ${e.reason} (${e.link}, until ${e.expires})`}.`
  }
  if (t.expectation?.unexpectedPass === true) {
    return `Unexpected pass: declared as a known failure (${t.expectation.link}).`
  }
  if (t.status === 'untested') {
    return 'Not tested: it does not count toward conformance, and a claimed profile with an untested MUST case is not proven (in live mode, when the run left it out: partially tested).'
  }
  return undefined
}

function assertion(report: Report, t: TestResult): Record<string, unknown> {
  const references = t.requirements.map((id) => {
    const iri = requirementIri(id)
    return iri === undefined ? id : { '@id': iri }
  })
  const note = description(t)
  return {
    '@type': 'earl:Assertion',
    'earl:assertedBy': { '@id': '_:assertor' },
    'earl:subject': { '@id': '_:subject' },
    'earl:test': {
      '@id': `${EARL_TEST_BASE}${encodeURIComponent(t.id)}`,
      '@type': 'earl:TestCase',
      'dct:identifier': t.id,
      'dct:title': t.title,
      ...(references.length === 0 ? {} : { 'dct:references': references }),
    },
    'earl:result': {
      '@type': 'earl:TestResult',
      'earl:outcome': { '@id': EARL_OUTCOME[t.status] },
      'dct:date': { '@value': report.startedAt, '@type': 'xsd:dateTime' },
      ...(t.message === undefined ? {} : { 'earl:info': t.message }),
      ...(note === undefined ? {} : { 'dct:description': note }),
    },
    'earl:mode': { '@id': 'earl:automatic' },
  }
}

/**
 * The verdicts as one sentence: `receiver: partially-tested (not tested: DLV-SUB-008); emitter:
 * conformant`, plus why.
 */
function verdictSummary(report: Report): string {
  const verdicts = report.verdicts
    .map((v) => {
      const untested = untestedOf(v)
      return `${v.profile}: ${v.verdict}${
        v.claimed && v.verdict !== 'not-conformant' && untested.length > 0
          ? ` (not tested: ${untested.join(', ')})`
          : ''
      }`
    })
    .join('; ')
  const note = notProvenNote(report)
  return `Verdicts: ${verdicts === '' ? 'none' : verdicts}.${note === undefined ? '' : ` ${note}`}`
}

/**
 * Renders a report as EARL 1.0 in JSON-LD (`report.earl.jsonld`): one `earl:Assertion` per test
 * result, with the implementation as a `doap:Project` subject, the suite as assertor, test IRIs
 * `https://w3id.org/cta/conformance/v1/tests#<id>` and requirement IRIs
 * `https://w3id.org/cta/spec/<chapter>#<ID>`. Outcomes: passed → `earl:passed`, failed and
 * expected-fail → `earl:failed` (the latter described as a known failure), errored →
 * `earl:cantTell`, inapplicable → `earl:inapplicable`, untested → `earl:untested`.
 * @param report The canonical report.
 * @returns Pretty-printed JSON-LD with an inline `@context`, ending in a newline.
 */
export function renderEarl(report: Report): string {
  const impl = report.implementation
  const homepage = httpIri(impl.homepage)
  const subject = {
    '@id': '_:subject',
    '@type': ['earl:TestSubject', 'earl:Software', 'doap:Project'],
    'doap:name': impl.name,
    'doap:release': { '@type': 'doap:Version', 'doap:revision': impl.version },
    ...(homepage === undefined ? {} : { 'doap:homepage': { '@id': homepage } }),
    ...(impl.language === undefined ? {} : { 'doap:programming-language': impl.language }),
    // The verdict per profile, in the same words as every other format (not-proven and
    // partially-tested included, with the requirements the run did not show).
    'dct:description': verdictSummary(report),
  }
  const assertor = {
    '@id': '_:assertor',
    '@type': ['earl:Assertor', 'earl:Software', 'doap:Project'],
    'doap:name': report.suite.name,
    'doap:release': { '@type': 'doap:Version', 'doap:revision': report.suite.version },
    'dct:description': `CTA Interop conformance suite, vectors ${report.suite.vectorsDigest}, harness ${report.harness}`,
  }
  const doc = {
    '@context': EARL_CONTEXT,
    '@graph': [subject, assertor, ...report.tests.map((t) => assertion(report, t))],
  }
  return `${JSON.stringify(doc, null, 2)}\n`
}
