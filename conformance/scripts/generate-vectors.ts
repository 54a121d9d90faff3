// `npm run vectors`: (re)generates conformance/keys/ and conformance/vectors/ from the example
// documents under examples/documents/, seeded test keys and the mutation catalogues below.
// Ed25519 signatures are deterministic, and ES256 ones are made with the deterministic nonce of
// RFC 6979 (scripts/p256.ts), so a second run writes byte-identical files; a test fails when the
// committed files differ from what this script writes (drift).
//
//   tsx conformance/scripts/generate-vectors.ts [--out <dir>]
import { createHash, createHmac, createPrivateKey, sign } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import {
  importSigningKey,
  issueGroupAssertion,
  signEvent,
  signRequestToken,
  signSubscriptionRequest,
  toJwks,
  validateDocument,
  type SigningKey,
} from '@cta-interop/sdk'
import type {
  ComputeAmountInput,
  Expectation,
  Level,
  MatchProposalsInput,
  Operation,
  Profile,
  SingleExpectation,
  TokenRequest,
  TrustedAuthority,
  TrustedTool,
  Vector,
} from '../src/types.js'
import { p256FromSeed, signEs256 } from './p256.js'
import { BUDGETING_REQUIREMENTS, budgetingVectors } from './vectors/budgeting.js'
import { CREDIT_REQUIREMENTS, creditVectors } from './vectors/credit.js'
import { TASKS_REQUIREMENTS, taskVectors } from './vectors/tasks.js'
import { PRIVACY_REQUIREMENTS, privacyVectors } from './vectors/privacy.js'
import { DECISIONS_REQUIREMENTS, decisionVectors } from './vectors/decisions.js'
import { EXTENSIBILITY_REQUIREMENTS, extensibilityVectors } from './vectors/extensibility.js'
import { EXPORT_REQUIREMENTS, exportVectors } from './vectors/export.js'
import { LIMITS_REQUIREMENTS, limitsVectors } from './vectors/limits.js'
import { ORDERING_REQUIREMENTS, orderingVectors } from './vectors/ordering.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = resolve(HERE, '..')
const EXAMPLES = resolve(ROOT, '../examples/documents')
const SCHEMA_REF = 'https://w3id.org/cta/conformance/v1/vector.schema.json'

/**
 * The requirements the vectors cite, with their profiles and level as the spec states them
 * (spec/*.md). A test checks this table against conformance/requirements.json.
 */
const REQUIREMENTS: Record<string, { profiles: Profile[]; level: Level }> = {
  'DOC-CTX-001': { profiles: ['core'], level: 'MUST' },
  'DOC-CTX-002': { profiles: ['core'], level: 'MUST' },
  'DOC-CTX-003': { profiles: ['core'], level: 'MUST' },
  'DOC-CTX-004': { profiles: ['core'], level: 'MUST' },
  'DOC-VAL-001': { profiles: ['core'], level: 'MUST' },
  'DOC-VAL-002': { profiles: ['core'], level: 'MUST' },
  'DOC-VAL-003': { profiles: ['core'], level: 'MUST' },
  'DOC-VAL-004': { profiles: ['core'], level: 'MUST' },
  'DOC-IRI-001': { profiles: ['core'], level: 'MUST' },
  'DOC-TIME-001': { profiles: ['core'], level: 'MUST' },
  'DOC-AMT-001': { profiles: ['core'], level: 'MUST' },
  'DOC-LIM-001': { profiles: ['core'], level: 'MUST' },
  'DOC-TOOL-001': { profiles: ['core'], level: 'MUST' },
  'DOC-ASN-001': { profiles: ['group-authority', 'group-auth-relying-tool'], level: 'MUST' },
  'DOC-ASN-002': { profiles: ['group-auth-relying-tool'], level: 'MUST' },
  'DOC-EVT-001': { profiles: ['emitter', 'receiver'], level: 'MUST' },
  'DOC-EVT-002': { profiles: ['receiver'], level: 'MUST' },
  'DOC-EVT-003': { profiles: ['emitter'], level: 'MUST' },
  'DOC-EXT-001': { profiles: ['receiver'], level: 'MUST' },
  'DOC-EXT-002': { profiles: ['core'], level: 'MUST' },
  'DOC-TEXT-001': { profiles: ['core'], level: 'MUST' },
  'DOC-TOOL-002': { profiles: ['core'], level: 'MUST' },
  'DOC-EVT-004': { profiles: ['core'], level: 'MUST' },
  'DOC-RND-002': { profiles: ['core'], level: 'MUST' },
  'DOC-RND-003': { profiles: ['core'], level: 'MUST' },
  'DOC-LANG-001': { profiles: ['core'], level: 'MUST' },
  'MEM-ROS-003': { profiles: ['group-authority'], level: 'MUST' },
  'EVT-SIG-001': { profiles: ['emitter', 'receiver'], level: 'MUST' },
  'EVT-SIG-002': { profiles: ['emitter', 'receiver'], level: 'MUST' },
  'EVT-SIG-003': { profiles: ['receiver'], level: 'MUST' },
  'EVT-SIG-004': { profiles: ['receiver'], level: 'MUST' },
  'EVT-SIG-005': { profiles: ['receiver'], level: 'MUST' },
  'EVT-KEY-001': { profiles: ['emitter'], level: 'MUST' },
  'EVT-KEY-002': { profiles: ['receiver'], level: 'MUST' },
  'EVT-KEY-005': { profiles: ['receiver'], level: 'MUST' },
  'EVT-SRC-001': { profiles: ['receiver'], level: 'MUST' },
  'EVT-LIM-001': { profiles: ['receiver'], level: 'MUST' },
  'EVT-JSON-001': { profiles: ['receiver'], level: 'MUST' },
  'EVT-JSON-002': { profiles: ['emitter', 'receiver'], level: 'MUST' },
  'EVT-CTX-001': { profiles: ['receiver'], level: 'MUST' },
  'EVT-GRP-001': { profiles: ['emitter', 'receiver'], level: 'MUST' },
  'EVT-AGE-001': { profiles: ['receiver'], level: 'MUST' },
  'EVT-DUP-001': { profiles: ['receiver'], level: 'MUST' },
  'EVT-TIME-001': { profiles: ['receiver'], level: 'MUST' },
  'AUTH-ASN-001': { profiles: ['group-authority'], level: 'MUST' },
  'AUTH-VER-001': { profiles: ['group-auth-relying-tool'], level: 'MUST' },
  'AUTH-VER-002': { profiles: ['group-auth-relying-tool'], level: 'MUST' },
  'AUTH-VER-003': { profiles: ['group-auth-relying-tool'], level: 'MUST' },
  'AUTH-VER-004': { profiles: ['group-auth-relying-tool'], level: 'MUST' },
  'AUTH-VER-005': { profiles: ['group-auth-relying-tool'], level: 'MUST' },
  'AUTH-VER-006': { profiles: ['group-auth-relying-tool'], level: 'MUST' },
  'AUTH-VER-007': { profiles: ['group-auth-relying-tool'], level: 'MUST' },
  'AUTH-VER-008': { profiles: ['group-auth-relying-tool'], level: 'MUST' },
  'AUTH-VER-009': { profiles: ['group-auth-relying-tool'], level: 'MUST' },
  'AUTH-VER-010': { profiles: ['group-auth-relying-tool'], level: 'MUST' },
  'INT-PROP-002': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-PROP-003': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-PROP-004': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-AMT-001': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-AMT-002': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-AMT-003': { profiles: ['intent-exchange'], level: 'MUST' },
  'AUTH-SUB-001': { profiles: ['group-authority'], level: 'MUST' },
  'INT-AMT-006': { profiles: ['intent-exchange'], level: 'SHOULD' },
  'INT-AMT-004': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-AMT-005': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-MAT-001': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-MAT-002': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-MAT-003': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-MAT-004': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-MAT-005': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-MAT-006': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-MAT-007': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-MAT-008': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-MAT-009': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-MAT-010': { profiles: ['intent-exchange'], level: 'MUST' },
  'INT-MAT-011': { profiles: ['intent-exchange'], level: 'MUST' },
  'DLV-SUB-002': { profiles: ['emitter'], level: 'MUST' },
  'DLV-SUB-003': { profiles: ['emitter'], level: 'MUST' },
  'DLV-SUB-004': { profiles: ['emitter'], level: 'MUST' },
  'DLV-REQ-001': { profiles: ['emitter'], level: 'MUST' },
  ...BUDGETING_REQUIREMENTS,
  ...CREDIT_REQUIREMENTS,
  ...TASKS_REQUIREMENTS,
  ...PRIVACY_REQUIREMENTS,
  ...DECISIONS_REQUIREMENTS,
  ...EXTENSIBILITY_REQUIREMENTS,
  ...LIMITS_REQUIREMENTS,
  ...ORDERING_REQUIREMENTS,
  ...EXPORT_REQUIREMENTS,
}

export const CITED_REQUIREMENTS = REQUIREMENTS

/**
 * The test keys: name, the tool origin that publishes it, whether it is in the `trust` of the
 * EdDSA event vectors, and its algorithm. `decisions-p256` is published only in the trust of the
 * ES256 event vectors and in the authority's JWKS of the assertion vectors.
 */
const KEYS = [
  { name: 'decisions', origin: 'https://decisions.example', published: true, alg: 'EdDSA' },
  { name: 'decisions-next', origin: 'https://decisions.example', published: true, alg: 'EdDSA' },
  { name: 'budgeting', origin: 'https://budgeting.example', published: true, alg: 'EdDSA' },
  { name: 'intruder', origin: 'https://intruder.example', published: true, alg: 'EdDSA' },
  { name: 'attacker', origin: 'https://decisions.example', published: false, alg: 'EdDSA' },
  { name: 'decisions-p256', origin: 'https://decisions.example', published: false, alg: 'ES256' },
] as const
type KeyName = (typeof KEYS)[number]['name']

interface TestKey {
  readonly name: KeyName
  readonly origin: string
  readonly privateJwk: Record<string, unknown>
  readonly signing: SigningKey
}

const encoder = new TextEncoder()
const b64u = (bytes: Uint8Array | string): string =>
  Buffer.from(typeof bytes === 'string' ? encoder.encode(bytes) : bytes).toString('base64url')

/**
 * A private JWK from `sha256("cta-interop/conformance/keys/<name>")`: the Ed25519 seed, or the
 * P-256 scalar (see scripts/p256.ts).
 */
async function deriveKey(name: KeyName, origin: string, alg: 'EdDSA' | 'ES256'): Promise<TestKey> {
  const seed = createHash('sha256').update(`cta-interop/conformance/keys/${name}`).digest()
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed])
  const jwk =
    alg === 'ES256'
      ? p256FromSeed(seed)
      : createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' })
  const signing = await importSigningKey(jwk, { origin })
  const privateJwk = { ...signing.publicJwk, d: jwk.d }
  return { name, origin, privateJwk, signing }
}

/**
 * Signs arbitrary header and payload text with the key's own algorithm (whatever the header
 * says), bypassing every check: for forgeries, and for ES256 tokens signed deterministically.
 */
function forge(header: Record<string, unknown> | string, payload: unknown, key: TestKey): string {
  const h = b64u(typeof header === 'string' ? header : JSON.stringify(header))
  const p = b64u(
    typeof payload === 'string' || payload instanceof Uint8Array
      ? payload
      : JSON.stringify(payload),
  )
  const input = Buffer.from(`${h}.${p}`)
  if (key.signing.alg === 'ES256') {
    return `${h}.${p}.${b64u(signEs256(String(key.privateJwk['d']), input))}`
  }
  const privateKey = createPrivateKey({ key: key.privateJwk as never, format: 'jwk' })
  return `${h}.${p}.${b64u(sign(null, input, privateKey))}`
}

function decodeHeader(jws: string): unknown {
  try {
    return JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as unknown
  } catch {
    return '(not JSON)'
  }
}

function profilesAndLevel(requirements: readonly string[]): { profiles: Profile[]; level: Level } {
  const profiles = new Set<Profile>()
  let level: Level = 'MAY'
  for (const id of requirements) {
    const req = REQUIREMENTS[id]
    if (req === undefined) throw new Error(`unknown requirement ${id}: add it to REQUIREMENTS`)
    for (const p of req.profiles) profiles.add(p)
    if (req.level === 'MUST' || (req.level === 'SHOULD' && level === 'MAY')) level = req.level
  }
  const order: readonly string[] = [
    'core',
    'emitter',
    'receiver',
    'group-authority',
    'group-auth-relying-tool',
    'intent-exchange',
    'decisions',
    'budgeting',
    'mutual-credit',
    'tasks',
  ]
  return { profiles: [...profiles].sort((a, b) => order.indexOf(a) - order.indexOf(b)), level }
}

/**
 * The one profile an operation tests, whatever its requirements cite: verifying events is what a
 * receiver does, verifying assertions what a relying tool does, matching and amounts what an
 * intent exchange does, verifying subscription requests and request tokens what a producer (an
 * emitter) does. Documents test the profiles of their requirements.
 */
const OPERATION_PROFILE: Partial<Record<Operation, Profile>> = {
  verifyEvent: 'receiver',
  verifyEventSequence: 'receiver',
  verifyGroupAssertion: 'group-auth-relying-tool',
  verifyGroupAssertionSequence: 'group-auth-relying-tool',
  matchProposals: 'intent-exchange',
  computeAmount: 'intent-exchange',
  computeRound: 'budgeting',
  computeBalances: 'mutual-credit',
  applyTaskEvents: 'tasks',
  applyMembershipEvents: 'group-auth-relying-tool',
  tallyPoll: 'decisions',
  checkDecisionEvent: 'decisions',
  verifySubscriptionRequest: 'emitter',
  verifySubscriptionRequestSequence: 'emitter',
  verifyRequestToken: 'emitter',
  verifyRequestTokenSequence: 'emitter',
}

function vector(
  fields: Omit<Vector, '$schema' | 'profiles' | 'level'> & { dir: string },
): Vector & { dir: string } {
  const { dir, ...rest } = fields
  const derived = profilesAndLevel(rest.requirements)
  const level = derived.level
  const only = OPERATION_PROFILE[rest.operation]
  const profiles: Profile[] = only === undefined ? derived.profiles : [only]
  return {
    dir,
    $schema: SCHEMA_REF,
    id: rest.id,
    title: rest.title,
    requirements: rest.requirements,
    profiles,
    level,
    operation: rest.operation,
    ...(rest.requires === undefined ? {} : { requires: rest.requires }),
    flags: rest.flags,
    input: rest.input,
    expected: rest.expected,
    ...(rest.informative === undefined ? {} : { informative: rest.informative }),
  }
}

interface ManifestEntry {
  file: string
  kind: string
  title?: string
  defect?: string
  twinOf?: string
  /** The code a context defect is rejected with (DOC-CTX-004); schema defects leave it out. */
  error?: 'ERR_JSONLD_UNSAFE' | 'ERR_JSONLD_CONTEXT_UNKNOWN'
  instancePath?: string
  keyword?: string
  requirements: string[]
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown
}

const slug = (file: string): string =>
  file
    .replace(/^invalid\//, '')
    .replace(/^events\//, 'event.')
    .replace(/\.json$/, '')

/** Document vectors: every example and every invalid twin, from both manifests. */
/**
 * Display strings (DOC-TEXT-001): bidi controls and invisible characters refused in names,
 * summaries, tag names and currency symbols; the joiners that scripts and emoji need accepted.
 */
async function textVectors(): Promise<(Vector & { dir: string })[]> {
  const currency = (await readJson(join(EXAMPLES, 'resource-specification.json'))) as object
  const group = (await readJson(join(EXAMPLES, 'group.json'))) as object
  const offer = (await readJson(join(EXAMPLES, 'proposal-offer.json'))) as { tag: object[] }
  const cases: [string, string, object, string, string, string?][] = [
    // id, title, document, kind, what changed, instancePath when refused
    [
      'valid.name-with-joiners',
      'Accepts a name with the joiners Persian script and emoji sequences need',
      {
        ...group,
        name: 'Harbour \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u{1F468}\u200d\u{1F469}\u200d\u{1F467}',
      },
      'Group',
      'name with U+200C (zero width non-joiner) and U+200D (zero width joiner)',
    ],
    [
      'symbol-rtl-override',
      'Rejects a currency symbol with a right-to-left override',
      { ...currency, symbol: '\u202eRUE' },
      'ResourceSpecification',
      'symbol: U+202E then "RUE", which displays as "EUR"',
      '/symbol',
    ],
    [
      'symbol-zero-width-space',
      'Rejects a currency symbol with a zero width space',
      { ...currency, symbol: 'H\u200bC' },
      'ResourceSpecification',
      'symbol: "H", U+200B, "C"',
      '/symbol',
    ],
    [
      'symbol-zero-width-joiner',
      'Rejects a currency symbol with a zero width joiner',
      { ...currency, symbol: 'H\u200dC' },
      'ResourceSpecification',
      'symbol: "H", U+200D, "C"',
      '/symbol',
    ],
    [
      'name-rtl-override',
      'Rejects a name with a right-to-left override',
      { ...group, name: 'Harbour \u202esnommoC' },
      'Group',
      'name: U+202E reverses the rest of the line',
      '/name',
    ],
    [
      'summary-isolate',
      'Rejects a summary with a first-strong isolate',
      { ...group, summary: 'A housing co-operative \u2068of 40 households\u2069.' },
      'Group',
      'summary with U+2068 and U+2069',
      '/summary',
    ],
    [
      'name-byte-order-mark',
      'Rejects a name with an invisible U+FEFF',
      { ...group, name: 'Harbour\ufeff Commons' },
      'Group',
      'name with U+FEFF inside',
      '/name',
    ],
    [
      'tag-word-joiner',
      'Rejects a tag name with a word joiner',
      { ...offer, tag: [{ type: 'Hashtag', name: '#re\u2060pairs' }] },
      'Proposal',
      'tag[0].name with U+2060',
      '/tag/0/name',
    ],
  ]
  return cases.map(([id, title, document, kind, mutation, instancePath]) =>
    vector({
      dir: instancePath === undefined ? 'documents/valid' : 'documents/invalid',
      id: `doc.text.${id}`,
      title,
      requirements: ['DOC-TEXT-001'],
      operation: 'validateDocument',
      flags: [instancePath === undefined ? 'Valid' : 'SchemaViolation'],
      input: { document },
      expected:
        instancePath === undefined
          ? { valid: true, kind }
          : { error: 'ERR_SCHEMA_INVALID', issue: { instancePath, keyword: 'pattern' } },
      informative: { mutation },
    }),
  )
}

async function documentVectors(): Promise<(Vector & { dir: string })[]> {
  const out: (Vector & { dir: string })[] = []
  const seen = new Set<string>()
  for (const manifestFile of ['manifest.json', 'events/manifest.json']) {
    const manifest = (await readJson(join(EXAMPLES, manifestFile))) as {
      examples: ManifestEntry[]
      invalid: ManifestEntry[]
    }
    for (const entry of manifest.examples) {
      if (seen.has(entry.file)) continue
      seen.add(entry.file)
      const document = await readJson(join(EXAMPLES, entry.file))
      const named = entry.kind === 'MembershipAssertionClaims'
      out.push(
        vector({
          dir: 'documents/valid',
          id: `doc.valid.${slug(entry.file)}`,
          title: entry.title ?? entry.file,
          requirements: entry.requirements,
          operation: 'validateDocument',
          flags: ['Valid'],
          input: named ? { document, kind: entry.kind } : { document },
          expected: { valid: true, kind: entry.kind },
          informative: { source: `examples/documents/${entry.file}` },
        }),
      )
    }
    for (const entry of manifest.invalid) {
      if (seen.has(entry.file)) continue
      seen.add(entry.file)
      const document = await readJson(join(EXAMPLES, entry.file))
      const named = entry.kind === 'MembershipAssertionClaims'
      // A context defect is found before the schema is checked (DOC-CTX-004): only its code is
      // compared, since the issues a validator reports are those of the schema.
      const expected: Expectation =
        entry.error !== undefined
          ? { error: entry.error }
          : entry.instancePath !== undefined && entry.keyword !== undefined
            ? {
                error: 'ERR_SCHEMA_INVALID',
                issue: { instancePath: entry.instancePath, keyword: entry.keyword },
              }
            : { error: 'ERR_SCHEMA_INVALID' }
      out.push(
        vector({
          dir: 'documents/invalid',
          id: `doc.invalid.${slug(entry.file)}`,
          title: `Rejects: ${entry.defect ?? entry.file}`,
          requirements: entry.requirements,
          operation: 'validateDocument',
          flags: [entry.error === undefined ? 'SchemaViolation' : 'ContextViolation'],
          input: named ? { document, kind: entry.kind } : { document },
          expected,
          informative: {
            source: `examples/documents/${entry.file}`,
            ...(entry.twinOf === undefined ? {} : { twinOf: `examples/documents/${entry.twinOf}` }),
          },
        }),
      )
    }
  }
  return out
}

/** What every signed example shows a receiver accepting: a conformant event, as emitted. */
const SIGNED_VALID = [
  'EVT-SIG-001',
  'EVT-SIG-002',
  'EVT-SIG-003',
  'EVT-SIG-004',
  'EVT-SIG-005',
  'EVT-KEY-001',
  'EVT-KEY-002',
  'EVT-KEY-005',
  'EVT-SRC-001',
  'EVT-JSON-001',
  'EVT-CTX-001',
  'EVT-GRP-001',
  'EVT-AGE-001',
]

/** The prime of Ed25519's field, 2^255 − 19. */
const P25519 = (1n << 255n) - 19n

const addSeconds = (iso: string, seconds: number): string =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString().replace('.000Z', 'Z')

/**
 * The tools a verifier trusts, each with the JWKS its manifest publishes: decisions.example (its
 * two Ed25519 keys), budgeting.example and intruder.example.
 */
function publishedTrust(keys: Map<KeyName, TestKey>): TrustedTool[] {
  const trust: TrustedTool[] = []
  for (const origin of [
    'https://decisions.example',
    'https://budgeting.example',
    'https://intruder.example',
  ]) {
    const published = KEYS.filter((k) => k.published && k.origin === origin).map((k) => {
      const signing = keys.get(k.name)?.signing
      if (signing === undefined) throw new Error(`no key ${k.name}`)
      return signing
    })
    trust.push({ source: origin, jwks: toJwks(published) as unknown as TrustedTool['jwks'] })
  }
  return trust
}

/** Signed-event vectors: every example event, then the mutation catalogue on a golden one. */
async function eventVectors(keys: Map<KeyName, TestKey>): Promise<(Vector & { dir: string })[]> {
  const key = (name: KeyName): TestKey => {
    const k = keys.get(name)
    if (k === undefined) throw new Error(`no key ${name}`)
    return k
  }
  const trust = publishedTrust(keys)
  const keyFor = (source: string): TestKey =>
    source === 'https://budgeting.example' ? key('budgeting') : key('decisions')

  const out: (Vector & { dir: string })[] = []
  const manifest = (await readJson(join(EXAMPLES, 'events/manifest.json'))) as {
    examples: ManifestEntry[]
  }
  const docManifest = (await readJson(join(EXAMPLES, 'manifest.json'))) as {
    examples: ManifestEntry[]
  }
  const entries = [
    ...manifest.examples,
    ...docManifest.examples.filter((e) => e.file.startsWith('events/')),
  ].filter((e, i, all) => all.findIndex((o) => o.file === e.file) === i)
  for (const entry of entries) {
    const event = (await readJson(join(EXAMPLES, entry.file))) as Record<string, string>
    const signer = keyFor(event['source'] ?? '')
    const jws = await signEvent(event, signer.signing)
    const requirements = [...new Set([...SIGNED_VALID, ...entry.requirements])]
    out.push(
      vector({
        dir: 'events/valid',
        id: `evt.valid.${slug(entry.file).replace(/^event\./, '')}`,
        title: `Accepts the signed example: ${entry.title ?? entry.file}`,
        requirements,
        operation: 'verifyEvent',
        flags: ['Valid'],
        input: { jws, currentDate: addSeconds(event['time'] ?? '', 16), trust },
        expected: {
          valid: true,
          kind: entry.kind,
          result: { id: event['id'], source: event['source'], type: event['type'] },
        },
        informative: {
          source: `examples/documents/${entry.file}`,
          protectedHeader: decodeHeader(jws),
          signedWith: `conformance/keys/${signer.name}.private.jwk.json`,
        },
      }),
    )
  }

  // The golden event of the mutation catalogue.
  const golden = (await readJson(join(EXAMPLES, 'events/membership-joined.json'))) as {
    [k: string]: unknown
    data: Record<string, unknown>
    time: string
  }
  const now = addSeconds(golden.time, 16)
  const d = key('decisions')
  const header = { alg: 'EdDSA', kid: d.signing.kid, typ: 'cta-event+jws' }
  const goodJws = await signEvent(golden, d.signing)
  const hostile = (
    id: string,
    title: string,
    requirements: string[],
    flags: string[],
    jws: string,
    error: string,
    mutation: string,
    extra: Record<string, unknown> = {},
    options: { trust?: TrustedTool[]; requires?: string[] } = {},
  ) =>
    vector({
      dir: 'events/invalid',
      id: `evt.${id}`,
      title,
      requirements,
      operation: 'verifyEvent',
      ...(options.requires === undefined ? {} : { requires: options.requires }),
      flags,
      input: { jws, currentDate: now, trust: options.trust ?? trust },
      expected: { error },
      informative: {
        derivedFrom: 'examples/documents/events/membership-joined.json',
        mutation,
        protectedHeader: decodeHeader(jws),
        ...extra,
      },
    })
  const [gh = '', gp = '', gs = ''] = goodJws.split('.')
  const pad = (x: string) => x + '='.repeat((4 - (x.length % 4)) % 4)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const lastChar = gs.at(-1) ?? 'A'
  const withData = (data: Record<string, unknown>) => ({
    ...golden,
    data: { ...golden.data, ...data },
  })
  const hmac = (() => {
    const h = b64u(JSON.stringify({ ...header, alg: 'HS256' }))
    const mac = createHmac('sha256', JSON.stringify(d.signing.publicJwk))
      .update(`${h}.${gp}`)
      .digest('base64url')
    return `${h}.${gp}.${mac}`
  })()
  const tampered = `${gh}.${b64u(JSON.stringify({ ...golden, subject: 'https://decisions.example/x' }))}.${gs}`

  out.push(
    ...['none', 'NONE', 'None', 'nOnE'].map((alg) =>
      hostile(
        `sig.alg-none.${alg}`,
        `Rejects alg "${alg}" with an empty signature`,
        ['EVT-SIG-002'],
        ['AlgNone'],
        `${b64u(JSON.stringify({ ...header, alg }))}.${gp}.`,
        'ERR_ALG_NOT_ALLOWED',
        `protected header alg: "${alg}"; signature removed`,
      ),
    ),
    hostile(
      'sig.alg-hs256-public-key-secret',
      'Rejects HS256 keyed with the public JWK',
      ['EVT-SIG-002'],
      ['AlgConfusionHS256'],
      hmac,
      'ERR_ALG_NOT_ALLOWED',
      'alg HS256, MAC keyed with the JSON of the public JWK',
    ),
    hostile(
      'sig.alg-es256-on-ed25519-key',
      'Rejects an ES256 header on a key published for EdDSA',
      ['EVT-SIG-002'],
      ['AlgConfusion'],
      forge({ ...header, alg: 'ES256' }, golden, d),
      'ERR_ALG_NOT_ALLOWED',
      'alg ES256; signed with the Ed25519 key',
    ),
    hostile(
      'sig.alg-rs256',
      'Rejects alg RS256',
      ['EVT-SIG-002'],
      ['AlgNotAllowed'],
      forge({ ...header, alg: 'RS256' }, golden, d),
      'ERR_ALG_NOT_ALLOWED',
      'alg RS256',
    ),
    hostile(
      'sig.kid-missing',
      'Rejects a protected header without a kid as malformed',
      ['EVT-SIG-004'],
      ['KidMissing'],
      forge({ alg: header.alg, typ: header.typ }, golden, d),
      'ERR_JWS_MALFORMED',
      'protected header { alg, typ }: kid removed',
    ),
    hostile(
      'key.kid-unknown',
      'Rejects a kid that resolves to no key',
      ['EVT-KEY-002'],
      ['KidUnknown'],
      forge({ ...header, kid: 'https://decisions.example#unknown' }, golden, d),
      'ERR_KEY_UNRESOLVED',
      'kid: https://decisions.example#unknown',
    ),
    hostile(
      'key.unpublished-key',
      'Rejects an event signed with a key the tool never published',
      ['EVT-KEY-002'],
      ['KidUnknown'],
      forge({ ...header, kid: key('attacker').signing.kid }, golden, key('attacker')),
      'ERR_KEY_UNRESOLVED',
      'signed with conformance/keys/attacker under its own kid, which no JWKS lists',
    ),
    hostile(
      'src.key-of-another-tool',
      'Rejects an event whose source is not the tool that publishes the key',
      ['EVT-SRC-001'],
      ['SourceMismatch'],
      forge({ ...header, kid: key('intruder').signing.kid }, golden, key('intruder')),
      'ERR_SOURCE_MISMATCH',
      'signed by https://intruder.example with its own published key; source stays https://decisions.example',
    ),
    hostile(
      'sig.signature-by-other-key',
      'Rejects a signature made by another key under this kid',
      ['EVT-SIG-005'],
      ['SignatureInvalid'],
      forge(header, golden, key('attacker')),
      'ERR_SIGNATURE_INVALID',
      'kid of conformance/keys/decisions; signed with conformance/keys/attacker',
    ),
    hostile(
      'sig.payload-tampered',
      'Rejects a payload altered after signing',
      ['EVT-SIG-005'],
      ['PayloadTampered'],
      tampered,
      'ERR_SIGNATURE_INVALID',
      'subject changed to https://decisions.example/x; signature unchanged',
    ),
    hostile(
      'sig.signature-zeroed',
      'Rejects a signature of the right length that is all zero bytes',
      ['EVT-SIG-005'],
      ['SignatureInvalid'],
      `${gh}.${gp}.${b64u(new Uint8Array(64))}`,
      'ERR_SIGNATURE_INVALID',
      'signature replaced by 64 zero bytes',
    ),
    ...(
      [
        [
          'membership-assertion',
          'cta-membership+jwt',
          'a membership assertion presented as an event',
        ],
        ['jwt', 'JWT', 'typ JWT'],
        ['text-type', 'text/cta-event+jws', 'the event typ under another top-level type'],
        ['parameter', 'cta-event+jws; v=1', 'the event typ with a media type parameter'],
        [
          'membership-assertion-full',
          'application/cta-membership+jwt',
          'a membership assertion typ in full form',
        ],
      ] as const
    ).map(([name, typ, what]) =>
      hostile(
        `sig.typ.${name}`,
        `Rejects ${what}`,
        ['EVT-SIG-003'],
        ['TypMismatch'],
        forge({ ...header, typ }, golden, d),
        'ERR_TYP_MISMATCH',
        `typ: "${typ}"`,
      ),
    ),
    hostile(
      'sig.typ.missing',
      'Rejects a protected header without typ',
      ['EVT-SIG-003'],
      ['TypMismatch'],
      forge({ alg: 'EdDSA', kid: d.signing.kid }, golden, d),
      'ERR_TYP_MISMATCH',
      'typ removed',
    ),
    ...(
      [
        ['crit', { crit: ['exp'], exp: 1 }, 'CritUnknown'],
        ['b64-false', { b64: false, crit: ['b64'] }, 'B64False'],
        ['jwk', { jwk: d.signing.publicJwk }, 'EmbeddedJwk'],
        ['jku', { jku: 'https://evil.example/jwks' }, 'Jku'],
        ['x5u', { x5u: 'https://evil.example/cert' }, 'X5u'],
        ['x5c', { x5c: ['MIIB'] }, 'X5c'],
      ] as const
    ).map(([name, extra, flag]) =>
      hostile(
        `sig.header.${name}`,
        `Rejects a protected header with ${Object.keys(extra).join(' and ')}`,
        ['EVT-SIG-001'],
        [flag],
        forge({ ...header, ...extra }, golden, d),
        'ERR_HEADER_NOT_ALLOWED',
        `header members added: ${JSON.stringify(extra)}`,
      ),
    ),
    hostile(
      'sig.header.duplicate-members',
      'Rejects a protected header that repeats a member name',
      ['EVT-SIG-004'],
      ['DuplicateHeaderMember'],
      forge(
        `{"alg":"EdDSA","kid":"${d.signing.kid}","typ":"cta-event+jws","alg":"none"}`,
        golden,
        d,
      ),
      'ERR_JWS_MALFORMED',
      'header text repeats "alg" (EdDSA, then none)',
    ),
    hostile(
      'sig.encoding.padded',
      'Rejects base64url with padding',
      ['EVT-SIG-004'],
      ['PaddedBase64url'],
      [pad(gh), pad(gp), pad(gs)].join('.'),
      'ERR_JWS_MALFORMED',
      'each part padded with "="',
    ),
    hostile(
      'sig.encoding.standard-alphabet',
      'Rejects characters of the standard base64 alphabet',
      ['EVT-SIG-004'],
      ['NonUrlSafeBase64'],
      `${gh}.${gp}.+${gs.slice(1)}`,
      'ERR_JWS_MALFORMED',
      'first signature character replaced by "+"',
    ),
    hostile(
      'sig.encoding.nonzero-pad-bits',
      'Rejects a signature whose last character carries non-zero unused bits',
      ['EVT-SIG-004'],
      ['NonCanonicalBase64url'],
      `${gh}.${gp}.${gs.slice(0, -1)}${alphabet.charAt((alphabet.indexOf(lastChar) & ~15) | 1)}`,
      'ERR_JWS_MALFORMED',
      'the 4 unused bits of the last signature character set to 0001',
    ),
    hostile(
      'sig.shape.two-parts',
      'Rejects a JWS of two parts',
      ['EVT-SIG-004'],
      ['WrongPartCount'],
      `${gh}.${gp}`,
      'ERR_JWS_MALFORMED',
      'signature part removed',
    ),
    hostile(
      'sig.shape.four-parts',
      'Rejects a JWS of four parts',
      ['EVT-SIG-004'],
      ['WrongPartCount'],
      `${goodJws}.x`,
      'ERR_JWS_MALFORMED',
      '".x" appended',
    ),
    hostile(
      'ctx.nested-context',
      'Rejects a @context nested inside data',
      ['EVT-CTX-001'],
      ['ContextNested'],
      forge(
        header,
        withData({
          object: { '@context': 'https://evil.example/', ...(golden.data['object'] as object) },
        }),
        d,
      ),
      'ERR_JSONLD_UNSAFE',
      'data.object gets "@context": "https://evil.example/"',
    ),
    hostile(
      'ctx.unknown-context',
      'Rejects a context that is not published with the specification',
      ['EVT-CTX-001'],
      ['ContextUnknown'],
      forge(
        header,
        withData({
          '@context': ['https://www.w3.org/ns/activitystreams', 'https://evil.example/v1'],
        }),
        d,
      ),
      'ERR_JSONLD_CONTEXT_UNKNOWN',
      'data.@context second entry: https://evil.example/v1',
    ),
    hostile(
      'ctx.not-pinned',
      'Rejects a data.@context that is not the pinned array',
      ['EVT-CTX-001'],
      ['ContextNotPinned'],
      forge(header, withData({ '@context': 'https://www.w3.org/ns/activitystreams' }), d),
      'ERR_JSONLD_UNSAFE',
      'data.@context is the bare Activity Streams IRI',
    ),
    // The order of the context checks (DOC-CTX-004): nested, then unknown, then pinned.
    hostile(
      'ctx.unknown-context-string',
      'Rejects an unknown context given as a bare string as unknown, not as unpinned',
      ['EVT-CTX-001'],
      ['ContextUnknown'],
      forge(header, withData({ '@context': 'https://evil.example/v1' }), d),
      'ERR_JSONLD_CONTEXT_UNKNOWN',
      'data.@context is the bare string https://evil.example/v1',
    ),
    hostile(
      'ctx.unknown-before-not-pinned',
      'Rejects an array holding only an unknown context as unknown, before the pinned check',
      ['EVT-CTX-001'],
      ['ContextUnknown'],
      forge(header, withData({ '@context': ['https://evil.example/v1'] }), d),
      'ERR_JSONLD_CONTEXT_UNKNOWN',
      'data.@context is ["https://evil.example/v1"]',
    ),
    hostile(
      'ctx.nested-before-unknown',
      'Rejects a nested @context first, even when data.@context is also unknown',
      ['EVT-CTX-001'],
      ['ContextNested'],
      forge(
        header,
        withData({
          '@context': ['https://www.w3.org/ns/activitystreams', 'https://evil.example/v1'],
          object: { '@context': 'https://evil.example/', ...(golden.data['object'] as object) },
        }),
        d,
      ),
      'ERR_JSONLD_UNSAFE',
      'data.object gets a @context and data.@context names https://evil.example/v1',
    ),
    hostile(
      'json.proto-member',
      'Rejects a payload with a __proto__ member',
      ['EVT-JSON-001'],
      ['ProtoMember'],
      forge(header, `{"__proto__":{"admin":true},${JSON.stringify(golden).slice(1)}`, d),
      'ERR_JSON_INVALID',
      '"__proto__": {"admin": true} prepended to the payload',
    ),
    hostile(
      'json.duplicate-member',
      'Rejects a payload that repeats a member name',
      ['EVT-JSON-001'],
      ['DuplicateMember'],
      forge(header, `{"source":"https://intruder.example",${JSON.stringify(golden).slice(1)}`, d),
      'ERR_JSON_INVALID',
      '"source" appears twice (intruder first, decisions last)',
    ),
    hostile(
      'json.deep-nesting',
      'Rejects a payload nested 1,000 deep',
      ['EVT-JSON-001'],
      ['DeepNesting'],
      forge(header, `${'['.repeat(1000)}${']'.repeat(1000)}`, d),
      'ERR_JSON_INVALID',
      'payload: 1,000 nested arrays',
    ),
    hostile(
      'json.truncated',
      'Rejects a payload that is not JSON',
      ['EVT-JSON-001'],
      ['NotJson'],
      forge(header, '{"specversion":', d),
      'ERR_JSON_INVALID',
      'payload: {"specversion":',
    ),
    hostile(
      'json.not-utf8',
      'Rejects a signed payload that is not UTF-8 as invalid JSON, not as a malformed JWS',
      ['EVT-JSON-001'],
      ['NotUtf8'],
      forge(header, new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), d),
      'ERR_JSON_INVALID',
      'payload bytes: 7B 22 FF 22 3A 31 7D ({"<FF>":1}), correctly signed',
    ),
    hostile(
      'json.not-an-object',
      'Rejects a signed payload that is JSON but not an object',
      ['EVT-JSON-001'],
      ['NotAnObject'],
      forge(header, [golden], d),
      'ERR_JSON_INVALID',
      'payload: the event wrapped in an array',
    ),
    hostile(
      'json.bom-payload',
      'Refuses a byte-order mark before the payload JSON',
      ['EVT-JSON-002'],
      ['ByteOrderMark'],
      forge(header, `\ufeff${JSON.stringify(golden)}`, d),
      'ERR_JSON_INVALID',
      'payload bytes EF BB BF (U+FEFF) prepended, then signed',
    ),
    hostile(
      'sig.header.bom',
      'Refuses a byte-order mark before the protected header JSON',
      ['EVT-JSON-002', 'EVT-SIG-004'],
      ['ByteOrderMark'],
      forge(`\ufeff${JSON.stringify(header)}`, golden, d),
      'ERR_JWS_MALFORMED',
      'header bytes EF BB BF (U+FEFF) prepended, then signed',
      { protectedHeader: '(U+FEFF, then the golden header)' },
    ),
    hostile(
      'sig.shape.newline-in-payload',
      'Rejects a line break inside the payload part as malformed, before the signature',
      ['EVT-SIG-004'],
      ['NonUrlSafeBase64'],
      `${gh}.${gp.slice(0, 40)}\n${gp.slice(40)}.${gs}`,
      'ERR_JWS_MALFORMED',
      'a "\\n" inserted after the 40th character of the payload part',
    ),
    hostile(
      'schema.not-an-event',
      'Rejects a signed payload that is not an event',
      ['DOC-VAL-002'],
      ['SchemaViolation'],
      forge(header, { hello: 'world' }, d),
      'ERR_SCHEMA_INVALID',
      'payload: {"hello":"world"}',
    ),
    hostile(
      'schema.unknown-attribute-type',
      'Rejects a signed event whose specversion is not 1.0',
      ['DOC-VAL-002', 'DOC-EVT-001'],
      ['SchemaViolation'],
      forge(header, { ...golden, specversion: '0.3' }, d),
      'ERR_SCHEMA_INVALID',
      'specversion: "0.3"',
    ),
    hostile(
      'grp.group-differs-from-audience',
      'Rejects an event whose group differs from data.audience',
      ['EVT-GRP-001'],
      ['Inconsistent'],
      forge(header, { ...golden, group: 'https://decisions.example/g/other' }, d),
      'ERR_EVENT_INCONSISTENT',
      'group: https://decisions.example/g/other',
    ),
    hostile(
      'lim.oversized-jws',
      'Rejects a JWS longer than 96 KiB before decoding it',
      ['EVT-LIM-001'],
      ['Oversized'],
      `${'a'.repeat(96 * 1024 + 1)}.b.c`,
      'ERR_TOO_LARGE',
      '98,305 characters, then ".b.c"',
      { protectedHeader: '(not decoded)' },
    ),
    hostile(
      'lim.oversized-header',
      'Rejects a protected header longer than 1 KiB',
      ['EVT-LIM-001'],
      ['Oversized'],
      forge({ ...header, pad: 'x'.repeat(2000) }, golden, d),
      'ERR_TOO_LARGE',
      'header member "pad" of 2,000 characters',
    ),
    hostile(
      'age.stale',
      'Rejects an event older than the acceptance window',
      ['EVT-AGE-001'],
      ['Stale'],
      await signEvent({ ...golden, time: addSeconds(now, -(72 * 3600 + 61)) }, d.signing),
      'ERR_EVENT_STALE',
      'time: 72 hours and 61 seconds before currentDate, one second past the window and the skew',
    ),
    hostile(
      'age.future',
      'Rejects an event dated beyond the clock skew',
      ['EVT-AGE-001'],
      ['Future'],
      await signEvent({ ...golden, time: addSeconds(now, 61 + 60) }, d.signing),
      'ERR_EVENT_FUTURE',
      'time: 2 minutes and 1 second after currentDate',
    ),
  )

  // Keys: what a receiver finds for a kid (EVT-KEY-001, EVT-KEY-002).
  const withDecisionsKeys = (keys: Record<string, unknown>[]): TrustedTool[] =>
    trust.map((t) => (t.source === 'https://decisions.example' ? { ...t, jwks: { keys } } : t))
  const publicOf = (k: TestKey): Record<string, unknown> => ({ ...k.signing.publicJwk })
  const elsewhere = d.signing.kid.replace('https://decisions.example', 'https://budgeting.example')
  out.push(
    hostile(
      'key.key-for-other-algorithm',
      'Rejects an event whose kid names a JWKS key published for another algorithm',
      ['EVT-KEY-002'],
      ['KeyAlgUnsupported'],
      goodJws,
      'ERR_KEY_UNRESOLVED',
      'the JWKS entry for the kid says "alg": "RS256"; a receiver ignores it, so the kid resolves to no key',
      {},
      {
        trust: withDecisionsKeys([
          { ...publicOf(d), alg: 'RS256' },
          publicOf(key('decisions-next')),
        ]),
      },
    ),
    hostile(
      'key.use-enc',
      'Rejects an event whose only key for its kid is published for encryption',
      ['EVT-KEY-005'],
      ['KeyNotForVerifying'],
      goodJws,
      'ERR_KEY_UNRESOLVED',
      'the JWKS entry for the kid says "use": "enc"; a receiver skips it, so the kid resolves to no key',
      {},
      { trust: withDecisionsKeys([{ ...publicOf(d), use: 'enc' }]) },
    ),
    hostile(
      'key.kid-names-other-origin',
      'Rejects a kid that names another origin than the tool whose JWKS lists it',
      ['EVT-KEY-001', 'EVT-KEY-002'],
      ['KidOriginMismatch'],
      forge({ ...header, kid: elsewhere }, golden, d),
      'ERR_KEY_UNRESOLVED',
      `kid ${elsewhere}: listed in the JWKS of https://decisions.example, whose key signed it; the origin it names publishes no such key`,
      {},
      { trust: withDecisionsKeys([{ ...publicOf(d), kid: elsewhere }]) },
    ),
    // EVT-KEY-002: a key of small order verifies R = identity, S = 0 on every message.
    ...[
      ['small-order-identity', 'the identity point (y = 1)', 1n],
      [
        'small-order-non-canonical',
        'the identity point spelled y = p + 1 (non-canonical)',
        P25519 + 1n,
      ],
    ].map(([id, what, y]) => {
      const kid = `https://decisions.example#${String(id)}`
      const x = Buffer.alloc(32)
      for (let i = 0, v = y as bigint; i < 32; i++, v >>= 8n) x[i] = Number(v & 0xffn)
      const forgedSignature = Buffer.alloc(64)
      forgedSignature[0] = 1 // R = the identity point, S = 0
      const jws = [b64u(JSON.stringify({ ...header, kid })), b64u(JSON.stringify(golden))]
        .concat(b64u(forgedSignature))
        .join('.')
      return hostile(
        `key.${String(id)}`,
        `Rejects an event forged under an Ed25519 key of small order: ${String(what)}`,
        ['EVT-KEY-002'],
        ['KeySmallOrder'],
        jws,
        'ERR_KEY_UNRESOLVED',
        `the JWKS lists ${String(what)} under ${kid}; the signature is R = identity, S = 0, which that key verifies for every message; a receiver ignores the key`,
        {},
        {
          trust: withDecisionsKeys([
            publicOf(d),
            publicOf(key('decisions-next')),
            { kty: 'OKP', crv: 'Ed25519', x: b64u(x), kid, alg: 'EdDSA', use: 'sig' },
          ]),
        },
      )
    }),
    hostile(
      'json.escaped-duplicate-member',
      'Rejects a payload that repeats a member name spelled with an escape',
      ['EVT-JSON-001'],
      ['DuplicateMember'],
      forge(
        header,
        `{"\\u0073ource":"https://intruder.example",${JSON.stringify(golden).slice(1)}`,
        d,
      ),
      'ERR_JSON_INVALID',
      '"\\u0073ource" (that is, "source") precedes the real "source" member',
    ),
  )

  // ES256: the P-256 key is published by https://decisions.example next to its Ed25519 keys.
  const p256 = key('decisions-p256')
  const trustEs: TrustedTool[] = withDecisionsKeys([
    publicOf(d),
    publicOf(key('decisions-next')),
    publicOf(p256),
  ])
  const esHeader = { alg: 'ES256', kid: p256.signing.kid, typ: 'cta-event+jws' }
  const esJws = forge(esHeader, golden, p256)
  const [eh = '', ep = '', es = ''] = esJws.split('.')
  /** The signature as ASN.1 DER, as Node and OpenSSL write ECDSA signatures by default. */
  const der = (() => {
    const int = (bytes: Buffer): Buffer => {
      let i = 0
      while (i < bytes.length - 1 && bytes[i] === 0) i++
      const trimmed = bytes.subarray(i)
      const body = (trimmed[0] ?? 0) >= 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed
      return Buffer.concat([Buffer.from([0x02, body.length]), body])
    }
    const raw = Buffer.from(es, 'base64url')
    const seq = Buffer.concat([int(raw.subarray(0, 32)), int(raw.subarray(32))])
    return b64u(Buffer.concat([Buffer.from([0x30, seq.length]), seq]))
  })()
  const goldenAccepted: SingleExpectation = {
    valid: true,
    kind: 'MembershipJoinedEvent',
    result: { id: golden['id'], source: golden['source'], type: golden['type'] },
  }
  // EVT-JSON-002 refuses only a byte-order mark: JSON white space around the object is JSON.
  const spaced = forge(header, ` \n${JSON.stringify(golden)}\r\n\t`, d)
  out.push(
    vector({
      dir: 'events/valid',
      id: 'evt.valid.json-white-space',
      title: 'Accepts JSON white space around the payload (only a byte-order mark is refused)',
      requirements: ['EVT-JSON-001', 'EVT-JSON-002'],
      operation: 'verifyEvent',
      flags: ['Valid'],
      input: { jws: spaced, currentDate: now, trust },
      expected: goldenAccepted,
      informative: {
        source: 'examples/documents/events/membership-joined.json',
        mutation: 'payload: " \\n" before the object and "\\r\\n\\t" after it, then signed',
        protectedHeader: decodeHeader(spaced),
        signedWith: 'conformance/keys/decisions.private.jwk.json',
      },
    }),
  )
  // EVT-SIG-003: typ is a media type (RFC 7515 §4.1.9): case-insensitive, application/ implied.
  for (const [name, typ] of [
    ['full-form', 'application/cta-event+jws'],
    ['upper-case', 'CTA-Event+JWS'],
  ] as const) {
    const jws = forge({ ...header, typ }, golden, d)
    out.push(
      vector({
        dir: 'events/valid',
        id: `evt.valid.typ-${name}`,
        title: `Accepts typ "${typ}": the same media type as cta-event+jws`,
        requirements: ['EVT-SIG-003'],
        operation: 'verifyEvent',
        flags: ['Valid'],
        input: { jws, currentDate: now, trust },
        expected: goldenAccepted,
        informative: {
          source: 'examples/documents/events/membership-joined.json',
          mutation: `typ: "${typ}"`,
          protectedHeader: decodeHeader(jws),
          signedWith: 'conformance/keys/decisions.private.jwk.json',
        },
      }),
    )
  }
  out.push(
    vector({
      dir: 'events/valid',
      id: 'evt.valid.es256',
      title: 'Accepts an event signed with ES256 and a P-256 key',
      requirements: ['EVT-SIG-002', 'EVT-SIG-005', 'EVT-KEY-001', 'EVT-KEY-002', 'EVT-SRC-001'],
      operation: 'verifyEvent',
      requires: ['alg:ES256'],
      flags: ['Valid'],
      input: { jws: esJws, currentDate: now, trust: trustEs },
      expected: goldenAccepted,
      informative: {
        source: 'examples/documents/events/membership-joined.json',
        protectedHeader: decodeHeader(esJws),
        signedWith: 'conformance/keys/decisions-p256.private.jwk.json (RFC 6979 nonce)',
      },
    }),
    hostile(
      'sig.es256.alg-eddsa-on-p256-key',
      'Rejects an EdDSA header whose kid resolves to a key published for ES256',
      ['EVT-SIG-002'],
      ['AlgConfusion'],
      forge({ ...esHeader, alg: 'EdDSA' }, golden, d),
      'ERR_ALG_NOT_ALLOWED',
      'alg EdDSA, kid of conformance/keys/decisions-p256; signed with the Ed25519 key',
      {},
      { trust: trustEs, requires: ['alg:ES256'] },
    ),
    hostile(
      'sig.es256.payload-tampered',
      'Rejects an ES256-signed payload altered after signing',
      ['EVT-SIG-005'],
      ['PayloadTampered'],
      `${eh}.${b64u(JSON.stringify({ ...golden, subject: 'https://decisions.example/x' }))}.${es}`,
      'ERR_SIGNATURE_INVALID',
      'subject changed to https://decisions.example/x; ES256 signature unchanged',
      {},
      { trust: trustEs, requires: ['alg:ES256'] },
    ),
    hostile(
      'sig.es256.der-signature',
      'Rejects an ES256 signature in ASN.1 DER instead of r || s',
      ['EVT-SIG-005'],
      ['SignatureEncoding'],
      `${eh}.${ep}.${der}`,
      'ERR_SIGNATURE_INVALID',
      'the valid signature re-encoded as a DER SEQUENCE of two INTEGERs',
      {},
      { trust: trustEs, requires: ['alg:ES256'] },
    ),
  )

  // Size: a receiver must accept up to 64 KiB. Unknown extension attributes carry the bulk.
  const big: Record<string, unknown> = { ...golden }
  const lengthOf = (event: unknown): number => forge(header, event, d).length
  for (let i = 1; lengthOf(big) < 64 * 1024; i++) big[`examplepad${i}`] = 'x'.repeat(2048)
  const last = Object.keys(big).at(-1) ?? ''
  while (lengthOf(big) > 64 * 1024) big[last] = String(big[last]).slice(1)
  const bigJws = forge(header, big, d)
  out.push(
    vector({
      dir: 'events/valid',
      id: 'evt.lim.jws-64kib',
      title: 'Accepts an event whose JWS is 64 KiB long',
      requirements: ['EVT-LIM-001', 'DOC-EXT-001'],
      operation: 'verifyEvent',
      flags: ['Valid', 'Large'],
      input: { jws: bigJws, currentDate: now, trust },
      expected: { valid: true, kind: 'MembershipJoinedEvent' },
      informative: {
        derivedFrom: 'examples/documents/events/membership-joined.json',
        mutation: `extension attributes examplepad1…${last} of "x" added; the JWS is ${bigJws.length} characters (64 KiB is 65,536)`,
        protectedHeader: decodeHeader(bigJws),
      },
    }),
  )

  // Positive edges of the acceptance window.
  const edge = (id: string, title: string, offset: number) =>
    vector({
      dir: 'events/valid',
      id: `evt.age.${id}`,
      title,
      requirements: ['EVT-AGE-001'],
      operation: 'verifyEvent',
      flags: ['Valid'],
      input: { jws: '', currentDate: now, trust },
      expected: { valid: true, kind: 'MembershipJoinedEvent' },
      informative: { derivedFrom: 'examples/documents/events/membership-joined.json', offset },
    })
  for (const [id, title, offset] of [
    ['within-window', 'Accepts an event 71 hours old', -71 * 3600],
    [
      'last-instant',
      'Accepts an event exactly 72 hours and 60 seconds old: the window and the skew',
      -(72 * 3600 + 60),
    ],
    ['within-skew', 'Accepts an event dated 30 seconds ahead', 30],
  ] as const) {
    const v = edge(id, title, offset)
    const jws = await signEvent({ ...golden, time: addSeconds(now, offset) }, d.signing)
    out.push({ ...v, input: { jws, currentDate: now, trust } })
  }

  // Leap seconds (EVT-TIME-001): `:60` reads as `:59.999` of its minute; never as NaN.
  const leap = (iso: string): string => iso.replace(/:\d{2}Z$/, ':60Z')
  const leapVector = (
    id: string,
    title: string,
    time: string,
    expected: Vector['expected'],
    flags: string[],
    note: string,
  ) =>
    vector({
      dir: 'error' in expected ? 'events/invalid' : 'events/valid',
      id: `evt.time.${id}`,
      title,
      requirements: ['EVT-TIME-001', 'EVT-AGE-001'],
      operation: 'verifyEvent',
      flags,
      input: { jws: '', currentDate: now, trust },
      expected,
      informative: {
        derivedFrom: 'examples/documents/events/membership-joined.json',
        mutation: `time: ${time} (${note})`,
      },
    })
  const leapValid = { valid: true as const, kind: 'MembershipJoinedEvent' }
  for (const [id, title, time, expected, flags, note] of [
    [
      'leap-second-accepted',
      'Accepts an event whose time has second 60',
      leap(addSeconds(now, -60)),
      leapValid,
      ['Valid'],
      'reads as 59.999 s of the minute before currentDate',
    ],
    [
      'leap-second-stale',
      'Rejects a ten-day-old event whose time has second 60',
      leap(addSeconds(now, -10 * 86400)),
      { error: 'ERR_EVENT_STALE' },
      ['Stale'],
      'ten days before currentDate',
    ],
    [
      'leap-second-stale-by-1ms',
      'Rejects an event whose second-60 time is one millisecond older than the window',
      leap(addSeconds(now, -(72 * 3600 + 60 + 60))),
      { error: 'ERR_EVENT_STALE' },
      ['Stale'],
      'window and skew reach back to the next minute; :60 reads as :59.999, 1 ms before it',
    ],
    [
      'leap-second-future',
      'Rejects an event whose second-60 time is beyond the clock skew',
      leap(addSeconds(now, 60)),
      { error: 'ERR_EVENT_FUTURE' },
      ['Future'],
      'the minute after currentDate + 60 s skew starts',
    ],
  ] as const) {
    const v = leapVector(id, title, time, expected, [...flags], note)
    const jws = await signEvent({ ...golden, time }, d.signing)
    out.push({ ...v, input: { jws, currentDate: now, trust } })
  }

  // Extension attribute names (DOC-EXT-002): CloudEvents allows [a-z0-9], at most 20.
  out.push(
    vector({
      dir: 'events/valid',
      id: 'evt.ext.name-20-characters',
      title: 'Accepts an extension attribute named with 20 lower-case letters and digits',
      requirements: ['DOC-EXT-001', 'DOC-EXT-002'],
      operation: 'verifyEvent',
      flags: ['Valid'],
      input: {
        jws: await signEvent({ ...golden, abcdefghij0123456789: 'x' }, d.signing),
        currentDate: now,
        trust,
      },
      expected: { valid: true, kind: 'MembershipJoinedEvent' },
      informative: {
        derivedFrom: 'examples/documents/events/membership-joined.json',
        mutation: 'extension attribute "abcdefghij0123456789": "x"',
      },
    }),
  )
  for (const [id, name, what] of [
    ['empty', '', 'the empty name'],
    ['upper-case', 'UPPER', 'upper-case letters'],
    ['brace', 'sub}ject', 'a brace'],
    ['dollar-ref', '$ref', 'a dollar sign (a JSON Schema keyword)'],
    ['data-base64', 'data_base64', 'the name the JSON format reserves for binary data'],
    ['dot', 'a.b', 'a dot'],
    ['non-ascii', '\u9759', 'a letter outside ASCII'],
    ['21-characters', 'a'.repeat(21), '21 characters'],
  ] as const) {
    out.push(
      hostile(
        `ext.name-${id}`,
        `Rejects an extension attribute name with ${what}`,
        ['DOC-EXT-002'],
        ['SchemaViolation'],
        forge(header, { ...golden, [name]: 'x' }, d),
        'ERR_SCHEMA_INVALID',
        `extension attribute ${JSON.stringify(name)}: "x"`,
      ),
    )
  }

  // Sequences: one receiver, one replay memory.
  const sequence = (
    id: string,
    title: string,
    deliveries: string[],
    expected: Expectation[],
    mutation: string,
    flags: string[],
  ) =>
    vector({
      dir: 'events/replay',
      id: `evt.dup.${id}`,
      title,
      requirements: ['EVT-DUP-001'],
      operation: 'verifyEventSequence',
      flags,
      input: { deliveries, currentDate: now, trust },
      expected: { sequence: expected as never },
      informative: { derivedFrom: 'examples/documents/events/membership-joined.json', mutation },
    })
  const ping = (await readJson(join(EXAMPLES, 'events/ping.json'))) as Record<string, unknown>
  const accepted = { valid: true as const, kind: 'MembershipJoinedEvent' }
  out.push(
    sequence(
      'replay-same-bytes',
      'Rejects the second delivery of the same JWS',
      [goodJws, goodJws],
      [accepted, { error: 'ERR_DUPLICATE' }],
      'the same bytes delivered twice',
      ['Replay'],
    ),
    sequence(
      'replay-other-signature',
      'Rejects the same event signed again with the next key',
      [goodJws, await signEvent(golden, key('decisions-next').signing)],
      [accepted, { error: 'ERR_DUPLICATE' }],
      'second delivery: the same event signed with conformance/keys/decisions-next',
      ['Replay'],
    ),
    sequence(
      'rejected-not-remembered',
      'Accepts the genuine event after a rejected forgery with the same id',
      [forge(header, golden, key('attacker')), goodJws],
      [{ error: 'ERR_SIGNATURE_INVALID' }, accepted],
      'first delivery: the event signed by conformance/keys/attacker',
      ['Replay', 'SignatureInvalid'],
    ),
    sequence(
      'same-id-other-source',
      'Accepts two events with the same id from different tools',
      [
        goodJws,
        await signEvent(
          { ...ping, id: golden['id'], time: addSeconds(now, -5) },
          key('budgeting').signing,
        ),
      ],
      [accepted, { valid: true, kind: 'PingEvent' }],
      'second delivery: a ping from https://budgeting.example with the id of the first event',
      ['Valid'],
    ),
  )
  const leapJws = await signEvent({ ...golden, time: leap(addSeconds(now, -60)) }, d.signing)
  out.push(
    vector({
      dir: 'events/replay',
      id: 'evt.dup.replay-leap-second',
      title: 'Rejects the second delivery of an event whose time has second 60',
      requirements: ['EVT-DUP-001', 'EVT-TIME-001'],
      operation: 'verifyEventSequence',
      flags: ['Replay'],
      input: { deliveries: [leapJws, leapJws], currentDate: now, trust },
      expected: { sequence: [accepted, { error: 'ERR_DUPLICATE' }] as never },
      informative: {
        derivedFrom: 'examples/documents/events/membership-joined.json',
        mutation: `time: ${leap(addSeconds(now, -60))}; the same bytes delivered twice`,
      },
    }),
  )
  return out
}

/** Membership assertion vectors: one golden assertion, its mutation catalogue, and replays. */
async function assertionVectors(
  keys: Map<KeyName, TestKey>,
): Promise<(Vector & { dir: string })[]> {
  const key = (name: KeyName): TestKey => {
    const k = keys.get(name)
    if (k === undefined) throw new Error(`no key ${name}`)
    return k
  }
  const d = key('decisions')
  const p256 = key('decisions-p256')
  const example = (await readJson(join(EXAMPLES, 'membership-assertion-claims.json'))) as {
    iss: string
    sub: string
    aud: string
    iat: number
    jti: string
    groups: string[]
    roles: ('guest' | 'member' | 'moderator' | 'admin')[]
    entitlements: string[]
    cta_membership: string
    name: string
  }
  const group = example.groups[0] ?? ''
  const authority: TrustedAuthority = {
    issuer: example.iss,
    jwks: toJwks([d.signing, key('decisions-next').signing, p256.signing]) as never,
  }
  const now = example.iat + 16
  const currentDate = new Date(now * 1000).toISOString().replace('.000Z', 'Z')
  const issue = (overrides: { iat?: number; jti?: string } = {}) =>
    issueGroupAssertion(
      {
        sub: example.sub,
        group,
        roles: example.roles,
        entitlements: example.entitlements as never,
        membership: example.cta_membership,
        name: example.name,
      },
      d.signing,
      {
        issuer: example.iss,
        audience: example.aud,
        currentDate: new Date((overrides.iat ?? example.iat) * 1000),
        jti: overrides.jti ?? example.jti,
      },
    )
  const golden = await issue()
  const [gh = '', gp = '', gs = ''] = golden.split('.')
  const claims = JSON.parse(Buffer.from(gp, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  > & { iat: number; exp: number }
  const header = { alg: 'EdDSA', kid: d.signing.kid, typ: 'cta-membership+jwt' }
  const base = { currentDate, group, audience: example.aud, authority }
  const accepted: SingleExpectation = {
    valid: true,
    kind: 'MembershipAssertionClaims',
    result: { sub: example.sub, groups: [group], jti: example.jti },
  }
  const out: (Vector & { dir: string })[] = []
  const single = (
    dir: 'valid' | 'invalid',
    id: string,
    title: string,
    requirements: string[],
    flags: string[],
    token: string,
    expected: SingleExpectation,
    mutation: string,
    requires?: string[],
  ) =>
    vector({
      dir: `assertions/${dir}`,
      id: `asn.${id}`,
      title,
      requirements,
      operation: 'verifyGroupAssertion',
      ...(requires === undefined ? {} : { requires }),
      flags,
      input: { token, ...base },
      expected,
      informative: {
        derivedFrom: 'examples/documents/membership-assertion-claims.json',
        mutation,
        protectedHeader: decodeHeader(token),
      },
    })
  const hostile = (
    id: string,
    title: string,
    requirements: string[],
    flags: string[],
    token: string,
    error: string,
    mutation: string,
    requires?: string[],
  ) => single('invalid', id, title, requirements, flags, token, { error }, mutation, requires)
  const withClaims = (changes: Record<string, unknown>) =>
    forge(header, { ...claims, ...changes }, d)
  const prepend = (text: string) => forge(header, `{${text},${JSON.stringify(claims).slice(1)}`, d)
  const hmac = (() => {
    const h = b64u(JSON.stringify({ ...header, alg: 'HS256' }))
    const mac = createHmac('sha256', JSON.stringify(d.signing.publicJwk))
      .update(`${h}.${gp}`)
      .digest('base64url')
    return `${h}.${gp}.${mac}`
  })()
  const { iat } = claims

  out.push(
    single(
      'valid',
      'valid.eddsa',
      'Accepts an EdDSA assertion for this tool and this group',
      [
        'AUTH-ASN-001',
        'AUTH-VER-001',
        'AUTH-VER-002',
        'AUTH-VER-003',
        'AUTH-VER-004',
        'AUTH-VER-005',
        'AUTH-VER-006',
        'AUTH-VER-007',
        'AUTH-VER-009',
        'AUTH-VER-010',
      ],
      ['Valid'],
      golden,
      accepted,
      'none: issued by issueGroupAssertion with conformance/keys/decisions, 16 s before currentDate',
    ),
    single(
      'valid',
      'valid.es256',
      'Accepts an ES256 assertion signed with a P-256 key of the authority',
      ['AUTH-ASN-001', 'AUTH-VER-002', 'AUTH-VER-003'],
      ['Valid'],
      forge({ ...header, alg: 'ES256', kid: p256.signing.kid }, claims, p256),
      accepted,
      'signed with conformance/keys/decisions-p256 (RFC 6979 nonce)',
      ['alg:ES256'],
    ),
    single(
      'valid',
      'valid.unknown-claims',
      'Accepts an assertion with claims it does not understand',
      ['DOC-ASN-002', 'AUTH-VER-009'],
      ['Valid', 'UnknownClaims'],
      withClaims({ locale: 'mi-NZ', example_tier: 'gold' }),
      accepted,
      'claims added: "locale": "mi-NZ", "example_tier": "gold"',
    ),
    single(
      'valid',
      'time.issued-within-skew',
      'Accepts an assertion issued 30 seconds ahead of the clock',
      ['AUTH-VER-007'],
      ['Valid'],
      withClaims({ iat: now + 30, exp: now + 330 }),
      accepted,
      'iat: currentDate + 30 s; exp: iat + 300 s',
    ),
    single(
      'valid',
      'time.expired-within-skew',
      'Accepts an assertion that expired 30 seconds ago, within the skew',
      ['AUTH-VER-007'],
      ['Valid'],
      withClaims({ iat: now - 330, exp: now - 30 }),
      accepted,
      'iat: currentDate − 330 s; exp: currentDate − 30 s',
    ),
    ...['none', 'None'].map((alg) =>
      hostile(
        `sig.alg-none.${alg}`,
        `Rejects alg "${alg}" with an empty signature`,
        ['AUTH-VER-002'],
        ['AlgNone'],
        `${b64u(JSON.stringify({ ...header, alg }))}.${gp}.`,
        'ERR_ALG_NOT_ALLOWED',
        `protected header alg: "${alg}"; signature removed`,
      ),
    ),
    hostile(
      'sig.alg-hs256-public-key-secret',
      'Rejects HS256 keyed with the public JWK',
      ['AUTH-VER-002'],
      ['AlgConfusionHS256'],
      hmac,
      'ERR_ALG_NOT_ALLOWED',
      'alg HS256, MAC keyed with the JSON of the public JWK',
    ),
    hostile(
      'sig.alg-rs256',
      'Rejects alg RS256',
      ['AUTH-VER-002'],
      ['AlgNotAllowed'],
      forge({ ...header, alg: 'RS256' }, claims, d),
      'ERR_ALG_NOT_ALLOWED',
      'alg RS256',
    ),
    hostile(
      'sig.alg-es256-on-ed25519-key',
      'Rejects an ES256 header on a key published for EdDSA',
      ['AUTH-VER-002'],
      ['AlgConfusion'],
      forge({ ...header, alg: 'ES256' }, claims, d),
      'ERR_ALG_NOT_ALLOWED',
      'alg ES256; kid and signature of the Ed25519 key',
    ),
    ...(
      [
        ['jwt', 'JWT', 'an ID token'],
        ['at-jwt', 'at+jwt', 'an OAuth access token (RFC 9068)'],
        ['event', 'cta-event+jws', 'an event'],
      ] as const
    ).map(([name, typ, what]) =>
      hostile(
        `sig.typ.${name}`,
        `Rejects typ "${typ}": ${what} presented as an assertion`,
        ['AUTH-VER-001'],
        ['TypMismatch'],
        forge({ ...header, typ }, claims, d),
        'ERR_TYP_MISMATCH',
        `typ: "${typ}"`,
      ),
    ),
    hostile(
      'sig.typ.missing',
      'Rejects a protected header without typ',
      ['AUTH-VER-001'],
      ['TypMismatch'],
      forge({ alg: 'EdDSA', kid: d.signing.kid }, claims, d),
      'ERR_TYP_MISMATCH',
      'typ removed',
    ),
    ...(
      [
        ['crit', { crit: ['exp'], exp: 1 }, 'CritUnknown'],
        ['jwk', { jwk: d.signing.publicJwk }, 'EmbeddedJwk'],
        ['jku', { jku: 'https://evil.example/jwks' }, 'Jku'],
      ] as const
    ).map(([name, extra, flag]) =>
      hostile(
        `sig.header.${name}`,
        `Rejects a protected header with ${Object.keys(extra).join(' and ')}`,
        ['AUTH-VER-001'],
        [flag],
        forge({ ...header, ...extra }, claims, d),
        'ERR_HEADER_NOT_ALLOWED',
        `header members added: ${JSON.stringify(extra)}`,
      ),
    ),
    hostile(
      'key.kid-unknown',
      'Rejects a kid that resolves to no key of the authority',
      ['AUTH-VER-003'],
      ['KidUnknown'],
      forge({ ...header, kid: 'https://decisions.example#unknown' }, claims, d),
      'ERR_KEY_UNRESOLVED',
      'kid: https://decisions.example#unknown',
    ),
    hostile(
      'key.key-of-another-tool',
      "Rejects an assertion signed with another tool's key under that tool's kid",
      ['AUTH-VER-003'],
      ['KidUnknown'],
      forge({ ...header, kid: key('intruder').signing.kid }, claims, key('intruder')),
      'ERR_KEY_UNRESOLVED',
      "signed by conformance/keys/intruder under its own kid, which the authority's JWKS does not list",
    ),
    hostile(
      'sig.signature-by-other-key',
      'Rejects a signature made by another key under the authority’s kid',
      ['AUTH-VER-003'],
      ['SignatureInvalid'],
      forge(header, claims, key('attacker')),
      'ERR_SIGNATURE_INVALID',
      'kid of conformance/keys/decisions; signed with conformance/keys/attacker',
    ),
    hostile(
      'sig.claims-tampered',
      'Rejects claims altered after signing',
      ['AUTH-VER-003'],
      ['PayloadTampered'],
      `${gh}.${b64u(JSON.stringify({ ...claims, roles: ['admin'] }))}.${gs}`,
      'ERR_SIGNATURE_INVALID',
      'roles changed to ["admin"]; signature unchanged',
    ),
    hostile(
      'iss.other-issuer',
      "Rejects an assertion whose iss is not the group's authority",
      ['AUTH-VER-004'],
      ['IssuerMismatch'],
      withClaims({ iss: 'https://intruder.example' }),
      'ERR_ISSUER_NOT_AUTHORITY',
      'iss: https://intruder.example; signed with the authority’s key',
    ),
    hostile(
      'iss.trailing-slash',
      'Rejects an iss that differs from the authority by a trailing slash',
      ['AUTH-VER-004'],
      ['IssuerMismatch'],
      withClaims({ iss: `${example.iss}/` }),
      'ERR_ISSUER_NOT_AUTHORITY',
      `iss: ${example.iss}/`,
    ),
    hostile(
      'aud.other-tool',
      'Rejects an assertion issued for another tool',
      ['AUTH-VER-005'],
      ['AudienceMismatch'],
      withClaims({ aud: 'https://intruder.example', client_id: 'https://intruder.example' }),
      'ERR_AUDIENCE_MISMATCH',
      'aud and client_id: https://intruder.example',
    ),
    hostile(
      'aud.array',
      'Rejects an aud that is an array, even one naming this tool',
      ['AUTH-VER-009', 'DOC-ASN-001'],
      ['SchemaViolation'],
      withClaims({ aud: [example.aud, 'https://intruder.example'] }),
      'ERR_SCHEMA_INVALID',
      `aud: ["${example.aud}", "https://intruder.example"]`,
    ),
    // AUTH-SUB-001: sub is the member IRI in URI form, at most 255 ASCII characters (OIDC Core §2).
    ...(() => {
      const prefix = `${example.iss}/u/`
      const long = (n: number) => prefix + 'm'.repeat(n - prefix.length)
      return [
        single(
          'valid',
          'sub.255-characters',
          'Accepts a sub of exactly 255 ASCII characters, the OpenID Connect limit',
          ['AUTH-SUB-001', 'AUTH-VER-009'],
          ['Valid'],
          withClaims({ sub: long(255) }),
          { ...accepted, result: { sub: long(255), groups: [group], jti: example.jti } },
          'sub: the authority origin + "/u/" + "m" repeated, 255 characters',
        ),
        single(
          'valid',
          'sub.uri-form',
          'Accepts a member IRI with non-ASCII characters written in URI form',
          ['AUTH-SUB-001', 'AUTH-VER-009'],
          ['Valid'],
          withClaims({ sub: `${prefix}t%C5%8Dmas` }),
          {
            ...accepted,
            result: { sub: `${prefix}t%C5%8Dmas`, groups: [group], jti: example.jti },
          },
          'sub: …/u/tōmas percent-encoded as UTF-8 (RFC 3987 §3.1)',
        ),
        hostile(
          'sub.256-characters',
          'Rejects a sub of 256 characters, one past the OpenID Connect limit',
          ['AUTH-SUB-001', 'AUTH-VER-009'],
          ['SchemaViolation'],
          withClaims({ sub: long(256) }),
          'ERR_SCHEMA_INVALID',
          'sub: the authority origin + "/u/" + "m" repeated, 256 characters',
        ),
        hostile(
          'sub.non-ascii',
          'Rejects a member IRI with non-ASCII characters as sub (it must be in URI form)',
          ['AUTH-SUB-001', 'AUTH-VER-009'],
          ['SchemaViolation'],
          withClaims({ sub: `${prefix}tōmas` }),
          'ERR_SCHEMA_INVALID',
          'sub: …/u/tōmas, with the ō unencoded',
        ),
      ]
    })(),
    hostile(
      'grp.two-groups',
      'Rejects an assertion that names two groups, this one first',
      ['AUTH-VER-009', 'DOC-ASN-001'],
      ['SchemaViolation'],
      withClaims({ groups: [group, 'https://decisions.example/g/other'] }),
      'ERR_SCHEMA_INVALID',
      'a second group appended to groups',
    ),
    hostile(
      'grp.other-group',
      'Rejects an assertion about another group',
      ['AUTH-VER-006'],
      ['GroupMismatch'],
      withClaims({ groups: ['https://decisions.example/g/other'] }),
      'ERR_GROUP_MISMATCH',
      'groups: ["https://decisions.example/g/other"]',
    ),
    hostile(
      'status.suspended',
      'Rejects an assertion whose cta_status is suspended',
      ['AUTH-VER-010'],
      ['StatusNotActive'],
      withClaims({ cta_status: 'suspended' }),
      'ERR_MEMBERSHIP_ENDED',
      'cta_status: "suspended"',
    ),
    hostile(
      'lifetime.301-seconds',
      'Rejects an assertion that lives 301 seconds',
      ['AUTH-VER-007'],
      ['Lifetime'],
      withClaims({ exp: iat + 301 }),
      'ERR_ASSERTION_LIFETIME',
      'exp: iat + 301 s',
    ),
    hostile(
      'lifetime.exp-equals-iat',
      'Rejects an assertion whose exp equals its iat',
      ['AUTH-VER-007'],
      ['Lifetime'],
      withClaims({ exp: iat }),
      'ERR_ASSERTION_LIFETIME',
      'exp: iat (16 s before currentDate, within the skew)',
    ),
    hostile(
      'lifetime.exp-before-iat',
      'Rejects an assertion whose exp is before its iat',
      ['AUTH-VER-007'],
      ['Lifetime'],
      withClaims({ exp: iat - 1 }),
      'ERR_ASSERTION_LIFETIME',
      'exp: iat − 1 s (17 s before currentDate, within the skew)',
    ),
    hostile(
      'time.issued-in-future',
      'Rejects an assertion issued beyond the clock skew',
      ['AUTH-VER-007'],
      ['Future'],
      withClaims({ iat: now + 121, exp: now + 421 }),
      'ERR_ASSERTION_NOT_YET_VALID',
      'iat: currentDate + 121 s; exp: iat + 300 s',
    ),
    hostile(
      'time.not-before-in-future',
      'Rejects an assertion valid only from beyond the clock skew',
      ['AUTH-VER-007'],
      ['Future'],
      withClaims({ nbf: now + 121 }),
      'ERR_ASSERTION_NOT_YET_VALID',
      'nbf: currentDate + 121 s; iat and exp unchanged',
    ),
    hostile(
      'time.expired',
      'Rejects an assertion that expired beyond the clock skew',
      ['AUTH-VER-007'],
      ['Expired'],
      withClaims({ iat: now - 421, exp: now - 121 }),
      'ERR_ASSERTION_EXPIRED',
      'iat: currentDate − 421 s; exp: currentDate − 121 s',
    ),
    hostile(
      'json.duplicate-member',
      'Rejects claims that repeat a member name',
      ['AUTH-VER-009'],
      ['DuplicateMember'],
      prepend('"aud":"https://intruder.example"'),
      'ERR_JSON_INVALID',
      '"aud" appears twice (https://intruder.example first, this tool last)',
    ),
    hostile(
      'json.escaped-duplicate-member',
      'Rejects claims that repeat a member name spelled with an escape',
      ['AUTH-VER-009'],
      ['DuplicateMember'],
      prepend('"\\u0061ud":"https://intruder.example"'),
      'ERR_JSON_INVALID',
      '"\\u0061ud" (that is, "aud") precedes the real "aud" claim',
    ),
    hostile(
      'json.bom',
      'Refuses a byte-order mark before the claims JSON',
      ['AUTH-VER-009', 'EVT-JSON-002'],
      ['ByteOrderMark'],
      forge(header, `\ufeff${JSON.stringify(claims)}`, d),
      'ERR_JSON_INVALID',
      'claims bytes EF BB BF (U+FEFF) prepended, then signed',
    ),
    hostile(
      'json.not-utf8',
      'Rejects signed claims that are not UTF-8 as invalid JSON',
      ['AUTH-VER-009'],
      ['NotUtf8'],
      forge(header, new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), d),
      'ERR_JSON_INVALID',
      'claims bytes: 7B 22 FF 22 3A 31 7D ({"<FF>":1}), correctly signed',
    ),
    hostile(
      'json.proto-member',
      'Rejects claims with a __proto__ member',
      ['AUTH-VER-009'],
      ['ProtoMember'],
      prepend('"__proto__":{"roles":["admin"]}'),
      'ERR_JSON_INVALID',
      '"__proto__": {"roles": ["admin"]} prepended to the claims',
    ),
    hostile(
      'schema.exp-1e400',
      'Rejects an exp of 1e400',
      ['AUTH-VER-009'],
      ['SchemaViolation'],
      forge(header, JSON.stringify(claims).replace(`"exp":${claims.exp}`, '"exp":1e400'), d),
      'ERR_SCHEMA_INVALID',
      'exp written as 1e400',
    ),
  )

  // Replay: one relying tool that accepts assertions from members' browsers, one replay memory.
  const sequence = (
    id: string,
    title: string,
    tokens: string[],
    expected: SingleExpectation[],
    mutation: string,
    flags: string[],
  ) =>
    vector({
      dir: 'assertions/replay',
      id: `asn.replay.${id}`,
      title,
      requirements: ['AUTH-VER-008'],
      operation: 'verifyGroupAssertionSequence',
      requires: ['assertions:replay-cache'],
      flags,
      input: { tokens, ...base },
      expected: { sequence: expected },
      informative: { derivedFrom: 'examples/documents/membership-assertion-claims.json', mutation },
    })
  const otherJti = '01K2Z8V3F6N9Q4T7W1X5C8B2M7'
  out.push(
    sequence(
      'same-token',
      'Rejects the second presentation of the same assertion',
      [golden, golden],
      [accepted, { error: 'ERR_REPLAYED' }],
      'the same bytes presented twice',
      ['Replay'],
    ),
    sequence(
      'same-jti-other-bytes',
      'Rejects an assertion re-issued with the jti of one already accepted',
      [golden, await issue({ iat: iat + 1 })],
      [accepted, { error: 'ERR_REPLAYED' }],
      'second: the same claims issued one second later (other bytes, same iss and jti)',
      ['Replay'],
    ),
    sequence(
      'rejected-not-remembered',
      'Accepts the genuine assertion after a rejected forgery with its jti',
      [forge(header, claims, key('attacker')), golden],
      [{ error: 'ERR_SIGNATURE_INVALID' }, accepted],
      'first: the claims signed by conformance/keys/attacker',
      ['Replay', 'SignatureInvalid'],
    ),
    sequence(
      'other-jti',
      'Accepts two assertions about the same member with different jti',
      [golden, await issue({ jti: otherJti })],
      [accepted, { ...accepted, result: { sub: example.sub, groups: [group], jti: otherJti } }],
      `second: the same claims with jti ${otherJti}`,
      ['Valid'],
    ),
  )
  return out
}

/**
 * Delivery vectors: the two signed requests a producer verifies. A subscription request from
 * budgeting.example for its inbox (examples/documents/tool-manifest.json) to decisions.example,
 * and request tokens from decisions.example for the feed and subscriptions of budgeting.example
 * (the same manifest); each with its mutation catalogue and its replays.
 */
async function deliveryVectors(keys: Map<KeyName, TestKey>): Promise<(Vector & { dir: string })[]> {
  const key = (name: KeyName): TestKey => {
    const k = keys.get(name)
    if (k === undefined) throw new Error(`no key ${name}`)
    return k
  }
  const manifest = (await readJson(join(EXAMPLES, 'tool-manifest.json'))) as {
    id: string
    inbox: string
    subscriptions: string
    feed: string
  }
  const group = String(((await readJson(join(EXAMPLES, 'group.json'))) as Doc)['id'])
  const trust = publishedTrust(keys)
  const p256 = key('decisions-p256')
  const trustEs = trust.map((t) =>
    t.source === 'https://decisions.example'
      ? {
          ...t,
          jwks: {
            keys: [...t.jwks.keys, { ...p256.signing.publicJwk }],
          },
        }
      : t,
  )
  // The subscription of spec/delivery.md, signed 16 seconds before the clock.
  const currentDate = '2026-08-20T09:13:16Z'
  const now = Date.parse(currentDate) / 1000
  const iat = now - 16
  const at = (seconds: number) => new Date(seconds * 1000)
  const out: (Vector & { dir: string })[] = []

  // Subscription requests: budgeting.example subscribes at decisions.example.
  const producer = 'https://decisions.example'
  const b = key('budgeting')
  const subJti = '01K33C5X0D7H2M9R4T8W1Y6B3E'
  const wanted = { sink: manifest.inbox, group, types: ['tech.collaborative.membership.*'] }
  const subscribe = (
    changes: { sink?: string; everyType?: true } = {},
    options: { iat?: number; jti?: string; key?: TestKey; audience?: string } = {},
  ) =>
    signSubscriptionRequest(
      changes.everyType === true
        ? { sink: changes.sink ?? wanted.sink, group }
        : { ...wanted, sink: changes.sink ?? wanted.sink },
      (options.key ?? b).signing,
      {
        audience: options.audience ?? producer,
        currentDate: at(options.iat ?? iat),
        jti: options.jti ?? subJti,
      },
    )
  const golden = await subscribe()
  const [gh = '', gp = '', gs = ''] = golden.split('.')
  const payload = JSON.parse(Buffer.from(gp, 'base64url').toString('utf8')) as Doc
  const header = { alg: 'EdDSA', kid: b.signing.kid, typ: 'cta-subscription+jws' }
  const subscribed = (subscriber: string, sink: string): SingleExpectation => ({
    valid: true,
    kind: 'SubscriptionRequest',
    result: { subscriber, sink, group },
  })
  const accepted = subscribed(manifest.id, manifest.inbox)
  const subscription = (
    dir: 'valid' | 'invalid',
    id: string,
    title: string,
    requirements: string[],
    flags: string[],
    jws: string,
    expected: SingleExpectation,
    mutation: string,
    options: { audience?: string; trust?: TrustedTool[]; requires?: string[] } = {},
  ) =>
    vector({
      dir: `delivery/subscriptions/${dir}`,
      id: `dlv.sub.${id}`,
      title,
      requirements,
      operation: 'verifySubscriptionRequest',
      ...(options.requires === undefined ? {} : { requires: options.requires }),
      flags,
      input: {
        jws,
        currentDate,
        audience: options.audience ?? producer,
        trust: options.trust ?? trust,
      },
      expected,
      informative: {
        derivedFrom: 'examples/documents/tool-manifest.json (inbox)',
        mutation,
        protectedHeader: decodeHeader(jws),
      },
    })
  const refused = (
    id: string,
    title: string,
    requirements: string[],
    flags: string[],
    jws: string,
    error: string,
    mutation: string,
  ) => subscription('invalid', id, title, requirements, flags, jws, { error }, mutation)
  const withMembers = (changes: Doc) => forge(header, { ...payload, ...changes }, b)
  const intruder = key('intruder')

  out.push(
    subscription(
      'valid',
      'valid.eddsa',
      'Accepts a subscription request signed by the subscriber for its own inbox',
      ['DLV-SUB-002', 'DLV-SUB-003', 'DLV-SUB-004'],
      ['Valid'],
      golden,
      accepted,
      'none: signed by signSubscriptionRequest with conformance/keys/budgeting, 16 s before currentDate',
    ),
    subscription(
      'valid',
      'valid.es256',
      'Accepts a subscription request signed with ES256 and a P-256 key',
      ['DLV-SUB-002'],
      ['Valid'],
      forge(
        { ...header, alg: 'ES256', kid: p256.signing.kid },
        {
          ...payload,
          sink: 'https://decisions.example/cta/inbox',
          aud: manifest.id,
        },
        p256,
      ),
      subscribed('https://decisions.example', 'https://decisions.example/cta/inbox'),
      'decisions.example subscribes at budgeting.example; signed with conformance/keys/decisions-p256 (RFC 6979 nonce)',
      { audience: manifest.id, trust: trustEs, requires: ['alg:ES256'] },
    ),
    subscription(
      'valid',
      'valid.every-type',
      'Accepts a subscription request without types',
      ['DLV-SUB-002'],
      ['Valid'],
      await subscribe({ everyType: true }),
      accepted,
      'types left out: every type of the group',
    ),
    subscription(
      'valid',
      'sink.other-path',
      'Accepts a sink anywhere on the subscriber’s origin',
      ['DLV-SUB-004'],
      ['Valid'],
      await subscribe({ sink: `${manifest.id}/hooks/cta?via=conformance` }),
      subscribed(manifest.id, `${manifest.id}/hooks/cta?via=conformance`),
      `sink: ${manifest.id}/hooks/cta?via=conformance`,
    ),
    subscription(
      'valid',
      'time.issued-within-skew',
      'Accepts a subscription request signed 30 seconds ahead of the clock',
      ['DLV-SUB-003'],
      ['Valid'],
      await subscribe({}, { iat: now + 30 }),
      accepted,
      'iat: currentDate + 30 s',
    ),
    subscription(
      'valid',
      'time.within-window',
      'Accepts a subscription request 4 minutes and 50 seconds old',
      ['DLV-SUB-003'],
      ['Valid'],
      await subscribe({}, { iat: now - 290 }),
      accepted,
      'iat: currentDate − 290 s',
    ),
    ...['none', 'NONE'].map((alg) =>
      refused(
        `sig.alg-none.${alg}`,
        `Rejects alg "${alg}" with an empty signature`,
        ['DLV-SUB-002'],
        ['AlgNone'],
        `${b64u(JSON.stringify({ ...header, alg }))}.${gp}.`,
        'ERR_ALG_NOT_ALLOWED',
        `protected header alg: "${alg}"; signature removed`,
      ),
    ),
    ...(
      [
        ['event', 'cta-event+jws', 'an event'],
        ['request-token', 'cta-request+jws', 'a request token'],
        ['jwt', 'JWT', 'a JWT'],
      ] as const
    ).map(([name, typ, what]) =>
      refused(
        `sig.typ.${name}`,
        `Rejects typ "${typ}": ${what} presented as a subscription request`,
        ['DLV-SUB-002'],
        ['TypMismatch'],
        forge({ ...header, typ }, payload, b),
        'ERR_TYP_MISMATCH',
        `typ: "${typ}"`,
      ),
    ),
    refused(
      'sig.typ.missing',
      'Rejects a protected header without typ',
      ['DLV-SUB-002'],
      ['TypMismatch'],
      forge({ alg: 'EdDSA', kid: b.signing.kid }, payload, b),
      'ERR_TYP_MISMATCH',
      'typ removed',
    ),
    ...(
      [
        ['jwk', { jwk: b.signing.publicJwk }, 'EmbeddedJwk'],
        ['crit', { crit: ['exp'], exp: 1 }, 'CritUnknown'],
      ] as const
    ).map(([name, extra, flag]) =>
      refused(
        `sig.header.${name}`,
        `Rejects a protected header with ${Object.keys(extra).join(' and ')}`,
        ['DLV-SUB-002'],
        [flag],
        forge({ ...header, ...extra }, payload, b),
        'ERR_HEADER_NOT_ALLOWED',
        `header members added: ${JSON.stringify(extra)}`,
      ),
    ),
    refused(
      'key.kid-unknown',
      'Rejects a kid that resolves to no key of the subscriber',
      ['DLV-SUB-002'],
      ['KidUnknown'],
      forge({ ...header, kid: `${manifest.id}#unknown` }, payload, b),
      'ERR_KEY_UNRESOLVED',
      `kid: ${manifest.id}#unknown`,
    ),
    refused(
      'sig.signature-by-other-key',
      'Rejects a signature made by another key under the subscriber’s kid',
      ['DLV-SUB-002'],
      ['SignatureInvalid'],
      forge(header, payload, key('attacker')),
      'ERR_SIGNATURE_INVALID',
      'kid of conformance/keys/budgeting; signed with conformance/keys/attacker',
    ),
    refused(
      'sig.payload-tampered',
      'Rejects a request altered after signing',
      ['DLV-SUB-002'],
      ['PayloadTampered'],
      `${gh}.${b64u(JSON.stringify({ ...payload, filters: [{ exact: { group: 'https://decisions.example/g/other' } }] }))}.${gs}`,
      'ERR_SIGNATURE_INVALID',
      'filters changed to the group https://decisions.example/g/other; signature unchanged',
    ),
    refused(
      'aud.other-producer',
      'Rejects a subscription request made for another producer',
      ['DLV-SUB-003'],
      ['AudienceMismatch'],
      await subscribe({}, { audience: 'https://intruder.example' }),
      'ERR_UNAUTHORIZED',
      'aud: https://intruder.example',
    ),
    refused(
      'aud.trailing-slash',
      'Rejects an aud that differs from the producer’s origin by a trailing slash',
      ['DLV-SUB-003'],
      ['AudienceMismatch'],
      withMembers({ aud: `${producer}/` }),
      'ERR_UNAUTHORIZED',
      `aud: ${producer}/`,
    ),
    refused(
      'time.stale',
      'Rejects a subscription request older than 5 minutes and the skew',
      ['DLV-SUB-003'],
      ['Stale'],
      await subscribe({}, { iat: now - 421 }),
      'ERR_UNAUTHORIZED',
      'iat: currentDate − 421 s (5 minutes, the 60 s skew and 61 s more)',
    ),
    refused(
      'time.future',
      'Rejects a subscription request signed beyond the clock skew',
      ['DLV-SUB-003'],
      ['Future'],
      await subscribe({}, { iat: now + 121 }),
      'ERR_UNAUTHORIZED',
      'iat: currentDate + 121 s',
    ),
    refused(
      'sink.other-origin',
      'Rejects a sink on another origin than the subscriber’s',
      ['DLV-SUB-004'],
      ['SinkOriginMismatch'],
      await subscribe({ sink: 'https://intruder.example/cta/inbox' }),
      'ERR_UNAUTHORIZED',
      'sink: https://intruder.example/cta/inbox',
    ),
    refused(
      'sink.other-port',
      'Rejects a sink on another port of the subscriber’s host',
      ['DLV-SUB-004'],
      ['SinkOriginMismatch'],
      await subscribe({ sink: 'https://budgeting.example:8443/cta/inbox' }),
      'ERR_UNAUTHORIZED',
      'sink: https://budgeting.example:8443/cta/inbox',
    ),
    refused(
      'sink.third-party-inbox',
      'Rejects a request that directs events to another tool’s inbox',
      ['DLV-SUB-004'],
      ['SinkOriginMismatch'],
      await subscribe({}, { key: intruder }),
      'ERR_UNAUTHORIZED',
      `signed by conformance/keys/intruder (https://intruder.example); sink: ${manifest.inbox}`,
    ),
    subscription(
      'invalid',
      'schema.unknown-member',
      'Rejects a request with a member the closed payload does not have',
      ['DLV-SUB-002'],
      ['SchemaViolation'],
      withMembers({ config: { secret: 'x' } }),
      {
        error: 'ERR_SCHEMA_INVALID',
        issue: { instancePath: '/config', keyword: 'additionalProperties' },
      },
      'member added: "config": {"secret": "x"}',
    ),
    subscription(
      'invalid',
      'schema.protocol',
      'Rejects a protocol other than HTTP',
      ['DLV-SUB-002'],
      ['SchemaViolation'],
      withMembers({ protocol: 'MQTT' }),
      { error: 'ERR_SCHEMA_INVALID', issue: { instancePath: '/protocol', keyword: 'const' } },
      'protocol: "MQTT"',
    ),
    refused(
      'json.duplicate-member',
      'Rejects a request that repeats a member name',
      ['DLV-SUB-002'],
      ['DuplicateMember'],
      forge(
        header,
        `{"sink":"https://intruder.example/cta/inbox",${JSON.stringify(payload).slice(1)}`,
        b,
      ),
      'ERR_JSON_INVALID',
      '"sink" appears twice (https://intruder.example first, the subscriber’s inbox last)',
    ),
    refused(
      'json.bom',
      'Refuses a byte-order mark before the request JSON',
      ['DLV-SUB-002', 'EVT-JSON-002'],
      ['ByteOrderMark'],
      forge(header, `\ufeff${JSON.stringify(payload)}`, b),
      'ERR_JSON_INVALID',
      'payload bytes EF BB BF (U+FEFF) prepended, then signed',
    ),
    refused(
      'sig.newline-in-payload',
      'Rejects a line break inside the payload part as malformed, before the signature',
      ['DLV-SUB-002', 'EVT-SIG-004'],
      ['NonUrlSafeBase64'],
      `${gh}.${gp.slice(0, 40)}\n${gp.slice(40)}.${gs}`,
      'ERR_JWS_MALFORMED',
      'a "\\n" inserted after the 40th character of the payload part',
    ),
  )

  // Replays: one producer, one memory of the jti it has seen from each subscriber.
  const subscriptions = (
    id: string,
    title: string,
    requests: string[],
    expected: SingleExpectation[],
    mutation: string,
    flags: string[],
  ) =>
    vector({
      dir: 'delivery/subscriptions/replay',
      id: `dlv.sub.replay.${id}`,
      title,
      requirements: ['DLV-SUB-003'],
      operation: 'verifySubscriptionRequestSequence',
      flags,
      input: { requests, currentDate, audience: producer, trust },
      expected: { sequence: expected },
      informative: { derivedFrom: 'examples/documents/tool-manifest.json (inbox)', mutation },
    })
  const otherJti = '01K33C9F4K8N1Q5V2Z6D3G7J0M'
  out.push(
    subscriptions(
      'same-request',
      'Rejects the second use of the same subscription request',
      [golden, golden],
      [accepted, { error: 'ERR_UNAUTHORIZED' }],
      'the same bytes posted twice',
      ['Replay'],
    ),
    subscriptions(
      'same-jti-other-bytes',
      'Rejects a request signed again with the jti of one already accepted',
      [golden, await subscribe({}, { iat: iat + 1 })],
      [accepted, { error: 'ERR_UNAUTHORIZED' }],
      'second: the same request signed one second later (other bytes, same jti)',
      ['Replay'],
    ),
    subscriptions(
      'rejected-not-remembered',
      'Accepts the genuine request after a rejected forgery with its jti',
      [forge(header, payload, key('attacker')), golden],
      [{ error: 'ERR_SIGNATURE_INVALID' }, accepted],
      'first: the request signed by conformance/keys/attacker under the subscriber’s kid',
      ['Replay', 'SignatureInvalid'],
    ),
    subscriptions(
      'other-jti',
      'Accepts two requests of one subscriber with different jti',
      [golden, await subscribe({}, { jti: otherJti })],
      [accepted, accepted],
      `second: the same request with jti ${otherJti}`,
      ['Valid'],
    ),
    subscriptions(
      'same-jti-other-subscriber',
      'Accepts the jti of one subscriber from another subscriber',
      [golden, await subscribe({ sink: 'https://intruder.example/cta/inbox' }, { key: intruder })],
      [accepted, subscribed('https://intruder.example', 'https://intruder.example/cta/inbox')],
      'second: https://intruder.example subscribes its own inbox with the same jti',
      ['Valid'],
    ),
  )

  // Request tokens: decisions.example reads and deletes at budgeting.example.
  const d = key('decisions')
  const feed = `${manifest.feed}?group=${encodeURIComponent(group)}`
  const one = `${manifest.subscriptions}/5d1c1a8e-6a55-4cf0-9a55-2f0f0c1b3e5a`
  const reqJti = '01K33CD2M6Q9T3X7A1E5H8K2N4'
  const token = (
    method: string,
    url: string,
    options: { iat?: number; jti?: string; key?: TestKey } = {},
  ) =>
    signRequestToken({ method, url }, (options.key ?? d).signing, {
      currentDate: at(options.iat ?? iat),
      jti: options.jti ?? reqJti,
    })
  const feedToken = await token('GET', feed)
  const fp = feedToken.split('.')[1] ?? ''
  const claims = JSON.parse(Buffer.from(fp, 'base64url').toString('utf8')) as Doc
  const readToken = await token('GET', one)
  const [rh = '', rp = '', rs = ''] = readToken.split('.')
  const tokenHeader = { alg: 'EdDSA', kid: d.signing.kid, typ: 'cta-request+jws' }
  const authenticated: SingleExpectation = {
    valid: true,
    kind: 'RequestToken',
    result: { tool: 'https://decisions.example' },
  }
  const request = (
    dir: 'valid' | 'invalid',
    id: string,
    title: string,
    flags: string[],
    call: TokenRequest,
    expected: SingleExpectation,
    mutation: string,
    options: { trust?: TrustedTool[]; requires?: string[] } = {},
  ) =>
    vector({
      dir: `delivery/request-tokens/${dir}`,
      id: `dlv.req.${id}`,
      title,
      requirements: ['DLV-REQ-001'],
      operation: 'verifyRequestToken',
      ...(options.requires === undefined ? {} : { requires: options.requires }),
      flags,
      input: { ...call, currentDate, trust: options.trust ?? trust },
      expected,
      informative: {
        derivedFrom: 'examples/documents/tool-manifest.json (feed, subscriptions)',
        mutation,
        protectedHeader: decodeHeader(call.token),
      },
    })
  const denied = (
    id: string,
    title: string,
    flags: string[],
    call: TokenRequest,
    error: string,
    mutation: string,
  ) => request('invalid', id, title, flags, call, { error }, mutation)
  const getFeed = (t: string): TokenRequest => ({ token: t, method: 'GET', url: feed })

  out.push(
    request(
      'valid',
      'valid.feed',
      'Accepts a token made for reading the feed, its query aside',
      ['Valid'],
      getFeed(feedToken),
      authenticated,
      'none: signed by signRequestToken with conformance/keys/decisions, 16 s before currentDate; htu leaves out the query',
    ),
    request(
      'valid',
      'valid.delete-subscription',
      'Accepts a token made for deleting a subscription',
      ['Valid'],
      { token: await token('DELETE', one), method: 'DELETE', url: one },
      authenticated,
      `DELETE ${one}`,
    ),
    request(
      'valid',
      'valid.es256',
      'Accepts a token signed with ES256 and a P-256 key',
      ['Valid'],
      getFeed(forge({ ...tokenHeader, alg: 'ES256', kid: p256.signing.kid }, claims, p256)),
      authenticated,
      'signed with conformance/keys/decisions-p256 (RFC 6979 nonce)',
      { trust: trustEs, requires: ['alg:ES256'] },
    ),
    request(
      'valid',
      'time.issued-within-skew',
      'Accepts a token signed 30 seconds ahead of the clock',
      ['Valid'],
      getFeed(await token('GET', feed, { iat: now + 30 })),
      authenticated,
      'iat: currentDate + 30 s',
    ),
    request(
      'valid',
      'time.within-window',
      'Accepts a token 4 minutes and 50 seconds old',
      ['Valid'],
      getFeed(await token('GET', feed, { iat: now - 290 })),
      authenticated,
      'iat: currentDate − 290 s',
    ),
    denied(
      'htm.other-method',
      'Rejects a token made for reading a subscription, presented to delete it',
      ['MethodMismatch'],
      { token: readToken, method: 'DELETE', url: one },
      'ERR_UNAUTHORIZED',
      `htm: GET; the request: DELETE ${one}`,
    ),
    denied(
      'htu.other-path',
      'Rejects a token made for another path of the producer',
      ['UrlMismatch'],
      { token: feedToken, method: 'GET', url: manifest.subscriptions },
      'ERR_UNAUTHORIZED',
      `htu: ${manifest.feed}; the request: GET ${manifest.subscriptions}`,
    ),
    denied(
      'htu.other-origin',
      'Rejects a token made for the same path on another origin',
      ['UrlMismatch'],
      getFeed(await token('GET', 'https://intruder.example/cta/events')),
      'ERR_UNAUTHORIZED',
      'htu: https://intruder.example/cta/events',
    ),
    denied(
      'htu.with-query',
      'Rejects an htu that carries the request’s query',
      ['UrlMismatch'],
      getFeed(forge(tokenHeader, { ...claims, htu: feed }, d)),
      'ERR_UNAUTHORIZED',
      `htu: ${feed}`,
    ),
    denied(
      'time.stale',
      'Rejects a token older than 5 minutes and the skew',
      ['Stale'],
      getFeed(await token('GET', feed, { iat: now - 421 })),
      'ERR_UNAUTHORIZED',
      'iat: currentDate − 421 s (5 minutes, the 60 s skew and 61 s more)',
    ),
    denied(
      'time.future',
      'Rejects a token signed beyond the clock skew',
      ['Future'],
      getFeed(await token('GET', feed, { iat: now + 121 })),
      'ERR_UNAUTHORIZED',
      'iat: currentDate + 121 s',
    ),
    denied(
      'sig.alg-none.none',
      'Rejects alg "none" with an empty signature',
      ['AlgNone'],
      getFeed(`${b64u(JSON.stringify({ ...tokenHeader, alg: 'none' }))}.${fp}.`),
      'ERR_ALG_NOT_ALLOWED',
      'protected header alg: "none"; signature removed',
    ),
    ...(
      [
        ['subscription', 'cta-subscription+jws', 'a subscription request'],
        ['dpop', 'dpop+jwt', 'a DPoP proof'],
      ] as const
    ).map(([name, typ, what]) =>
      denied(
        `sig.typ.${name}`,
        `Rejects typ "${typ}": ${what} presented as a request token`,
        ['TypMismatch'],
        getFeed(forge({ ...tokenHeader, typ }, claims, d)),
        'ERR_TYP_MISMATCH',
        `typ: "${typ}"`,
      ),
    ),
    denied(
      'sig.header.jwk',
      'Rejects a protected header with jwk, as a DPoP proof carries',
      ['EmbeddedJwk'],
      getFeed(forge({ ...tokenHeader, jwk: d.signing.publicJwk }, claims, d)),
      'ERR_HEADER_NOT_ALLOWED',
      'header member added: jwk (the caller’s public key)',
    ),
    denied(
      'key.kid-unknown',
      'Rejects a kid that resolves to no key of the caller',
      ['KidUnknown'],
      getFeed(forge({ ...tokenHeader, kid: 'https://decisions.example#unknown' }, claims, d)),
      'ERR_KEY_UNRESOLVED',
      'kid: https://decisions.example#unknown',
    ),
    denied(
      'sig.signature-by-other-key',
      'Rejects a signature made by another key under the caller’s kid',
      ['SignatureInvalid'],
      getFeed(forge(tokenHeader, claims, key('attacker'))),
      'ERR_SIGNATURE_INVALID',
      'kid of conformance/keys/decisions; signed with conformance/keys/attacker',
    ),
    denied(
      'sig.payload-tampered',
      'Rejects a token altered after signing to fit another method',
      ['PayloadTampered'],
      {
        token: `${rh}.${b64u(JSON.stringify({ ...JSON.parse(Buffer.from(rp, 'base64url').toString('utf8')), htm: 'DELETE' }))}.${rs}`,
        method: 'DELETE',
        url: one,
      },
      'ERR_SIGNATURE_INVALID',
      `htm of a token for GET ${one} changed to DELETE; signature unchanged`,
    ),
    request(
      'invalid',
      'schema.unknown-member',
      'Rejects a token with a member the closed payload does not have',
      ['SchemaViolation'],
      getFeed(forge(tokenHeader, { ...claims, nonce: 'n-0S6_WzA2Mj' }, d)),
      {
        error: 'ERR_SCHEMA_INVALID',
        issue: { instancePath: '/nonce', keyword: 'additionalProperties' },
      },
      'member added: "nonce": "n-0S6_WzA2Mj"',
    ),
    denied(
      'json.duplicate-member',
      'Rejects a token that repeats a member name',
      ['DuplicateMember'],
      getFeed(
        forge(
          tokenHeader,
          `{"htu":"https://intruder.example/cta/events",${JSON.stringify(claims).slice(1)}`,
          d,
        ),
      ),
      'ERR_JSON_INVALID',
      '"htu" appears twice (https://intruder.example first, the feed last)',
    ),
  )

  // Replays: one producer, one memory of used jti.
  const requests = (
    id: string,
    title: string,
    calls: TokenRequest[],
    expected: SingleExpectation[],
    mutation: string,
    flags: string[],
  ) =>
    vector({
      dir: 'delivery/request-tokens/replay',
      id: `dlv.req.replay.${id}`,
      title,
      requirements: ['DLV-REQ-001'],
      operation: 'verifyRequestTokenSequence',
      flags,
      input: { requests: calls, currentDate, trust },
      expected: { sequence: expected },
      informative: {
        derivedFrom: 'examples/documents/tool-manifest.json (feed, subscriptions)',
        mutation,
      },
    })
  out.push(
    requests(
      'same-token',
      'Rejects the second use of the same token',
      [getFeed(feedToken), getFeed(feedToken)],
      [authenticated, { error: 'ERR_UNAUTHORIZED' }],
      'the same token sent with two requests for the feed',
      ['Replay'],
    ),
    requests(
      'same-jti-other-request',
      'Rejects a token for another request with the jti of one already used',
      [getFeed(feedToken), { token: await token('DELETE', one), method: 'DELETE', url: one }],
      [authenticated, { error: 'ERR_UNAUTHORIZED' }],
      `second: a token for DELETE ${one} with the same jti`,
      ['Replay'],
    ),
    requests(
      'refused-not-remembered',
      'Accepts a token for its own request after it was refused for another',
      [
        { token: readToken, method: 'DELETE', url: one },
        { token: readToken, method: 'GET', url: one },
      ],
      [{ error: 'ERR_UNAUTHORIZED' }, authenticated],
      `first: the token for GET ${one} sent with DELETE; then with GET`,
      ['Replay', 'MethodMismatch'],
    ),
    requests(
      'fresh-tokens',
      'Accepts two requests, each with a token of its own',
      [getFeed(feedToken), getFeed(await token('GET', feed, { jti: otherJti }))],
      [authenticated, authenticated],
      `second: a token for the same request with jti ${otherJti}`,
      ['Valid'],
    ),
  )
  return out
}

type Doc = Record<string, unknown>

/**
 * Intent vectors: amounts inside documents (schema), amount operations, and matching, from the
 * example offer and bounty of examples/documents/.
 */
async function intentVectors(): Promise<(Vector & { dir: string })[]> {
  const offer = (await readJson(join(EXAMPLES, 'proposal-offer.json'))) as Doc
  const request = (await readJson(join(EXAMPLES, 'proposal-request.json'))) as Doc
  const hc = (await readJson(join(EXAMPLES, 'resource-specification.json'))) as Doc
  const context = hc['@context']
  const currency = (
    id: string,
    name: string,
    currencyType: string,
    symbol: string,
    decimals: number,
  ) =>
    ({
      '@context': context,
      id,
      type: 'ResourceSpecification',
      name,
      currencyType,
      symbol,
      decimals,
    }) as Doc
  const eur = currency('https://ledger.example/currencies/eur', 'Euro', 'fiat', 'EUR', 2)
  const points = currency(
    'https://ledger.example/currencies/bike-points',
    'Bike points',
    'points',
    'BP',
    0,
  )
  const [HC, EUR, PTS] = [String(hc['id']), String(eur['id']), String(points['id'])]
  const out: (Vector & { dir: string })[] = []
  const source = (file: string) => `examples/documents/${file}`

  /** A copy of `base` with members of its top level, `publishes` and `reciprocal` changed. */
  const patch = (base: Doc, top: Doc, publishes: Doc = {}, reciprocal: Doc = {}): Doc => {
    const doc: Doc = { ...base, ...top }
    doc['publishes'] = { ...(base['publishes'] as Doc), ...publishes }
    if (base['reciprocal'] !== undefined) {
      doc['reciprocal'] = { ...(base['reciprocal'] as Doc), ...reciprocal }
    }
    // Only the defect a vector is about may make a proposal unacceptable: each must validate.
    const result = validateDocument(doc, { kind: 'Proposal' })
    if (!result.valid) {
      throw new Error(`invalid proposal ${String(doc['id'])}: ${JSON.stringify(result.issues)}`)
    }
    return doc
  }
  /** The offer under another id (intent ids follow, INT-PROP-001). */
  const offerAs = (slug: string, top: Doc = {}, publishes: Doc = {}, reciprocal: Doc = {}): Doc => {
    const id = `https://budgeting.example/proposals/${slug}`
    return patch(
      offer,
      { id, ...top },
      { id: `${id}#primary`, ...publishes },
      { id: `${id}#reciprocal`, ...reciprocal },
    )
  }
  const price = (value: string, currencyIri = HC) => ({
    resourceConformsTo: currencyIri,
    resourceQuantity: { hasUnit: 'one', hasNumericalValue: value },
  })

  // Amounts inside a document: the schema (DOC-AMT-001) enforces INT-AMT-001.
  const bounty = (value: string): Doc => ({
    ...request,
    reciprocal: { ...(request['reciprocal'] as Doc), ...price(value) },
  })
  const inDocument = (id: string, title: string, value: string, expected: SingleExpectation) =>
    vector({
      dir: 'intents/documents',
      id: `int.amt.in-document.${id}`,
      title,
      requirements: ['INT-AMT-001', 'DOC-AMT-001'],
      operation: 'validateDocument',
      flags: ['valid' in expected ? 'Valid' : 'SchemaViolation'],
      input: { document: bounty(value) },
      expected,
      informative: {
        derivedFrom: source('proposal-request.json'),
        mutation: `reciprocal.resourceQuantity.hasNumericalValue: "${value.length > 70 ? `${value.slice(0, 8)}… (${value.length} characters)` : value}"`,
      },
    })
  const schemaError = { error: 'ERR_SCHEMA_INVALID' }
  out.push(
    inDocument(
      'thirty-digits',
      'Accepts a bounty of 30 integer and 30 fraction digits',
      `${'9'.repeat(30)}.${'9'.repeat(30)}`,
      { valid: true, kind: 'Proposal' },
    ),
    inDocument('negative', 'Rejects a negative bounty', '-30.00', schemaError),
    inDocument(
      'decimal-comma',
      'Rejects a bounty written with a decimal comma',
      '30,00',
      schemaError,
    ),
    inDocument('leading-zero', 'Rejects a bounty with a leading zero', '030.00', schemaError),
    inDocument(
      'too-many-digits',
      'Rejects a bounty of 31 integer digits',
      `${'9'.repeat(31)}.00`,
      schemaError,
    ),
  )

  // Amount operations.
  const amount = (
    id: string,
    title: string,
    requirements: string[],
    input: ComputeAmountInput,
    expected: SingleExpectation | string | number,
    note?: string,
  ) =>
    vector({
      dir: 'intents/amounts',
      id: `int.amt.${id}`,
      title,
      requirements,
      operation: 'computeAmount',
      flags: [typeof expected === 'object' && 'error' in expected ? 'AmountRejected' : 'Valid'],
      input,
      expected:
        typeof expected === 'object'
          ? expected
          : { valid: true, kind: 'Amount', result: { value: expected } },
      ...(note === undefined ? {} : { informative: { note } }),
    })
  const invalidAmount = { error: 'ERR_AMOUNT_INVALID' }
  out.push(
    amount(
      'valid.thirty-digits',
      'Accepts an amount of 30 integer and 30 fraction digits',
      ['INT-AMT-001'],
      { op: 'normalize', a: `${'9'.repeat(30)}.${'9'.repeat(30)}` },
      `${'9'.repeat(30)}.${'9'.repeat(30)}`,
    ),
    ...(
      [
        ['exponent', '1e400', 'an exponent'],
        ['nan', 'NaN', 'NaN'],
        ['negative', '-1', 'a sign'],
        ['negative-zero', '-0', 'minus zero'],
        ['decimal-comma', '1,5', 'a decimal comma'],
        ['grouping', '1,000.00', 'a grouping comma'],
        ['leading-zero', '01.5', 'a leading zero'],
        ['integer-digits', '9'.repeat(31), '31 integer digits'],
        ['fraction-digits', `0.${'1'.repeat(31)}`, '31 fraction digits'],
        ['ten-thousand-digits', '9'.repeat(10_000), 'a 10,000-digit string'],
      ] as const
    ).map(([id, a, what]) =>
      amount(
        `invalid.${id}`,
        `Rejects an amount with ${what}`,
        ['INT-AMT-001'],
        { op: 'normalize', a },
        invalidAmount,
      ),
    ),
    amount(
      'exact.add',
      'Adds 0.1 and 0.2 exactly',
      ['INT-AMT-002'],
      { op: 'add', a: '0.1', b: '0.2' },
      '0.3',
      'binary floating point gives 0.30000000000000004',
    ),
    amount(
      'exact.multiply',
      'Multiplies 1.1 by 1.1 exactly',
      ['INT-AMT-002'],
      { op: 'multiply', a: '1.1', b: '1.1' },
      '1.21',
      'binary floating point gives 1.2100000000000002',
    ),
    amount(
      'exact.compare-thirty-digits',
      'Orders two 30-digit amounts that differ by one unit',
      ['INT-AMT-002'],
      { op: 'compare', a: `1${'0'.repeat(27)}.01`, b: `1${'0'.repeat(27)}.02` },
      -1,
      'as binary floating point numbers the two are equal',
    ),
    amount(
      'precision.too-precise',
      'Rejects an amount more precise than its currency',
      ['INT-AMT-003'],
      { op: 'normalize', a: '1.505', decimals: 2 },
      { error: 'ERR_AMOUNT_PRECISION' },
    ),
    amount(
      'precision.trailing-zeros',
      'Accepts trailing zeros beyond the currency’s decimals',
      ['INT-AMT-003'],
      { op: 'normalize', a: '1.500', decimals: 2 },
      '1.50',
    ),
    amount(
      'precision.padded',
      'Writes an amount with exactly the currency’s decimals',
      ['INT-AMT-003', 'INT-AMT-006'],
      { op: 'normalize', a: '45', decimals: 2 },
      '45.00',
    ),
    amount(
      'round.half-even-down',
      'Rounds 2.345 half to even: 2.34',
      ['INT-AMT-004'],
      { op: 'round', a: '2.345', decimals: 2 },
      '2.34',
    ),
    amount(
      'round.half-even-up',
      'Rounds 2.355 half to even: 2.36',
      ['INT-AMT-004'],
      { op: 'round', a: '2.355', decimals: 2 },
      '2.36',
    ),
    amount(
      'round.half-up',
      'Rounds 2.345 half up when configured: 2.35',
      ['INT-AMT-004'],
      { op: 'round', a: '2.345', decimals: 2, rounding: 'half-up' },
      '2.35',
    ),
    amount(
      'round.once',
      'Rounds 1.2345 half up once, from the exact value: 1.23',
      ['INT-AMT-004'],
      { op: 'round', a: '1.2345', decimals: 2, rounding: 'half-up' },
      '1.23',
      'rounding twice (1.235, then 1.24) is wrong',
    ),
    amount(
      'convert.rate',
      'Converts with the supplied rate and rounds once, half to even',
      ['INT-AMT-004', 'INT-AMT-005'],
      {
        op: 'convert',
        a: '10.00',
        from: HC,
        to: EUR,
        rates: [{ from: HC, to: EUR, rate: '0.1225' }],
        currencies: [hc, eur],
      },
      '1.22',
      '10.00 × 0.1225 = 1.225 exactly, to 2 decimals half to even',
    ),
    amount(
      'convert.inverse-rate-only',
      'Refuses to invert a rate',
      ['INT-AMT-005'],
      {
        op: 'convert',
        a: '10.00',
        from: HC,
        to: EUR,
        rates: [{ from: EUR, to: HC, rate: '8' }],
        currencies: [hc, eur],
      },
      { error: 'ERR_RATE_UNKNOWN' },
      'only EUR → HC is supplied; HC → EUR is asked',
    ),
    amount(
      'convert.chained-rates-only',
      'Refuses to chain rates',
      ['INT-AMT-005'],
      {
        op: 'convert',
        a: '10.00',
        from: HC,
        to: EUR,
        rates: [
          { from: HC, to: PTS, rate: '10' },
          { from: PTS, to: EUR, rate: '0.01' },
        ],
        currencies: [hc, eur, points],
      },
      { error: 'ERR_RATE_UNKNOWN' },
      'HC → BP and BP → EUR are supplied; HC → EUR is asked',
    ),
    amount(
      'convert.currency-unknown',
      'Refuses to convert into a currency whose decimals are unknown',
      ['INT-AMT-005'],
      {
        op: 'convert',
        a: '10.00',
        from: HC,
        to: EUR,
        rates: [{ from: HC, to: EUR, rate: '0.125' }],
        currencies: [hc],
      },
      { error: 'ERR_CURRENCY_UNKNOWN' },
      'the rate is supplied; the metadata of EUR is not',
    ),
  )

  // Matching: a matcher holding `proposals`, queried with the bounty (or another proposal).
  const now = '2026-09-02T00:00:00Z'
  const match = (
    id: string,
    title: string,
    requirements: string[],
    fields: Partial<MatchProposalsInput> & { proposals: Doc[] },
    expected: SingleExpectation,
    mutation: string,
    flags: string[] = ['valid' in expected ? 'Valid' : 'Rejected'],
  ) =>
    vector({
      dir: 'intents/matching',
      id: `int.mat.${id}`,
      title,
      requirements,
      operation: 'matchProposals',
      flags,
      input: {
        currentDate: now,
        currencies: [hc, eur, points],
        rates: [],
        ...fields,
        query: fields.query ?? request,
      },
      expected,
      informative: {
        derivedFrom: [source('proposal-offer.json'), source('proposal-request.json')],
        mutation,
      },
    })
  const found = (
    matches: [Doc, string][],
    arrivals?: string[],
    query: Doc = request,
  ): SingleExpectation => ({
    valid: true,
    kind: 'Proposal',
    result: {
      ...(arrivals === undefined ? {} : { arrivals }),
      matches: matches.map(([p, score]) => ({ subject: query['id'], object: p['id'], score })),
    },
  })
  const none = (arrivals?: string[]) => found([], arrivals)
  const hours = (n: string) => ({ hasUnit: 'hour', hasNumericalValue: n })
  const days = (n: string) => ({ hasUnit: 'day', hasNumericalValue: n })
  const tagged = (...names: string[]) => ({ tag: names.map((name) => ({ type: 'Hashtag', name })) })

  out.push(
    match(
      'example',
      'Scores the example offer for the example bounty 0.975',
      [
        'INT-MAT-002',
        'INT-MAT-004',
        'INT-MAT-005',
        'INT-MAT-006',
        'INT-MAT-007',
        'INT-MAT-008',
        'INT-MAT-009',
        'INT-MAT-011',
      ],
      { proposals: [offer] },
      found([[offer, '0.975']], ['held']),
      'none: (2 × 1 + 6/6 + (1 − 6/30 ÷ 2)) ÷ 4 = 0.975',
    ),
    match(
      'example-from-offer',
      'Scores the pair the same when the offer is the query',
      ['INT-MAT-002', 'INT-MAT-009', 'INT-MAT-011'],
      { proposals: [request], query: offer },
      found([[request, '0.975']], ['held'], offer),
      'the bounty is held; the offer is the query',
    ),
    match(
      'same-author',
      'Does not match two proposals of the same author',
      ['INT-MAT-001'],
      { proposals: [offerAs('same-author', { attributedTo: request['attributedTo'] })] },
      none(),
      `offer attributedTo: ${String(request['attributedTo'])}, the author of the bounty`,
    ),
    match(
      'expired-candidate',
      'Does not hold or match a proposal that has expired',
      ['INT-MAT-001', 'INT-PROP-002'],
      { proposals: [offerAs('expired', { endTime: '2026-09-01T12:00:00Z' })] },
      none(['ERR_PROPOSAL_EXPIRED']),
      'offer endTime: 2026-09-01T12:00:00Z, 12 hours before currentDate',
    ),
    match(
      'same-purpose',
      'Does not match a request with a request',
      ['INT-MAT-002'],
      {
        proposals: [
          patch(
            request,
            { id: 'https://budgeting.example/buckets/43', attributedTo: offer['attributedTo'] },
            { id: 'https://budgeting.example/buckets/43#primary' },
            { id: 'https://budgeting.example/buckets/43#reciprocal' },
          ),
        ],
      },
      none(),
      'held: another bounty for the same skill, by another author',
    ),
    match(
      'other-group',
      'Does not match a proposal cast into another group',
      ['INT-MAT-003'],
      {
        proposals: [
          offerAs('other-group', {
            audience: 'https://decisions.example/g/other',
            to: ['https://decisions.example/g/other'],
          }),
        ],
      },
      none(),
      'offer audience: https://decisions.example/g/other; by default a proposal sees its own group only',
    ),
    match(
      'other-resource',
      'Does not match another resource without a hashtag in common',
      ['INT-MAT-004'],
      {
        proposals: [
          offerAs(
            'welding',
            {},
            { resourceConformsTo: 'https://decisions.example/g/harbour-commons/skills/welding' },
          ),
        ],
      },
      none(),
      'offer resourceConformsTo: …/skills/welding; the bounty has no hashtags',
    ),
    match(
      'shared-hashtag',
      'Matches another resource through a hashtag in common, normalised',
      ['INT-MAT-004', 'INT-MAT-009'],
      {
        proposals: [
          offerAs(
            'welding',
            {},
            { resourceConformsTo: 'https://decisions.example/g/harbour-commons/skills/welding' },
          ),
        ],
        query: { ...request, ...tagged('#Repairs', 'bikes') },
      },
      found(
        [
          [
            offerAs(
              'welding',
              {},
              { resourceConformsTo: 'https://decisions.example/g/harbour-commons/skills/welding' },
            ),
            '0.725',
          ],
        ],
        undefined,
        request,
      ),
      'offer: …/skills/welding, #repairs; bounty: #Repairs and bikes. resource = 1/2: (2 × 0.5 + 1 + 0.9) ÷ 4 = 0.725',
    ),
    match(
      'incompatible-actions',
      'Does not match incompatible actions',
      ['INT-MAT-005'],
      { proposals: [offerAs('transfer', {}, { action: 'transfer' })] },
      none(),
      'offer publishes.action: transfer; the bounty asks for deliverService',
    ),
    match(
      'compatible-actions',
      'Matches work with deliverService',
      ['INT-MAT-005'],
      { proposals: [offerAs('work', {}, { action: 'work' })] },
      found([[offerAs('work', {}, { action: 'work' }), '0.975']]),
      'offer publishes.action: work',
    ),
    match(
      'units-differ',
      'Does not match quantities in different units',
      ['INT-MAT-006'],
      {
        proposals: [
          offerAs('days', {}, { resourceQuantity: days('1'), availableQuantity: days('2') }),
        ],
      },
      none(),
      'offer quantities in days; the bounty’s in hours',
    ),
    match(
      'ranges-disjoint',
      'Does not match when the larger minimum exceeds the exchanged quantity',
      ['INT-MAT-006'],
      { proposals: [offerAs('minimum', {}, { minimumQuantity: hours('8') })] },
      none(),
      'offer minimumQuantity: 8 hours; q = min(12, 6) = 6',
    ),
    match(
      'windows-disjoint',
      'Does not match time windows that do not overlap',
      ['INT-MAT-007'],
      { proposals: [offerAs('august', {}, { hasEnd: '2026-08-31T23:59:59Z' })] },
      none(),
      'offer hasEnd: 2026-08-31T23:59:59Z; the bounty begins 2026-09-01T00:00:00Z',
    ),
    match(
      'windows-touch',
      'Matches time windows that share one instant',
      ['INT-MAT-007'],
      { proposals: [offerAs('until-september', {}, { hasEnd: '2026-09-01T00:00:00Z' })] },
      found([[offerAs('until-september', {}, { hasEnd: '2026-09-01T00:00:00Z' }), '0.975']]),
      'offer hasEnd: 2026-09-01T00:00:00Z, the instant the bounty begins (windows are closed)',
    ),
    match(
      'over-budget',
      'Does not match an offer that costs more than the bounty',
      ['INT-MAT-008'],
      { proposals: [offerAs('six', {}, {}, price('6.00'))] },
      none(),
      'offer price 6.00 per hour: cost 36.00 > budget 30.00',
    ),
    match(
      'at-budget',
      'Matches an offer that costs exactly the bounty',
      ['INT-MAT-008', 'INT-MAT-009'],
      { proposals: [offerAs('five', {}, {}, price('5.00'))] },
      found([[offerAs('five', {}, {}, price('5.00')), '0.875']]),
      'offer price 5.00 per hour: cost 30.00 = budget; (2 + 1 + (1 − 1 ÷ 2)) ÷ 4 = 0.875',
    ),
    match(
      'cross-currency.forward-rate',
      'Compares prices in two currencies with a rate from the offer’s currency',
      ['INT-MAT-008', 'INT-MAT-009'],
      {
        proposals: [offerAs('in-euro', {}, {}, price('2.00', EUR))],
        rates: [{ from: EUR, to: HC, rate: '2' }],
      },
      found([[offerAs('in-euro', {}, {}, price('2.00', EUR)), '0.9']]),
      'offer 2.00 EUR per hour; EUR → HC 2: cost 12.00 EUR × 2 = 24 HC ≤ 30; price = 1 − 0.8 ÷ 2',
    ),
    match(
      'cross-currency.backward-rate',
      'Compares prices in two currencies with a rate from the bounty’s currency',
      ['INT-MAT-008', 'INT-MAT-009'],
      {
        proposals: [offerAs('in-euro', {}, {}, price('2.00', EUR))],
        rates: [{ from: HC, to: EUR, rate: '0.5' }],
      },
      found([[offerAs('in-euro', {}, {}, price('2.00', EUR)), '0.9']]),
      'offer 2.00 EUR per hour; HC → EUR 0.5: cost 12.00 ≤ 30 × 0.5 = 15 EUR; price = 1 − 0.8 ÷ 2',
    ),
    match(
      'cross-currency.no-rate',
      'Does not match prices in two currencies without a rate',
      ['INT-MAT-008'],
      { proposals: [offerAs('in-euro', {}, {}, price('2.00', EUR))] },
      none(),
      'offer 2.00 EUR per hour; no rate between EUR and HC',
    ),
  )

  // Order: score, then published, then id by code point; the limit applies after ordering.
  const ranked = [
    offerAs('alpha', { published: '2026-08-01T09:00:00Z' }),
    offerAs('Zeta', { published: '2026-08-01T09:00:00Z' }),
    offerAs('early', { published: '2026-07-01T09:00:00Z' }),
    offerAs('pricier', { published: '2026-06-01T09:00:00Z' }, {}, price('2.00')),
  ] as const
  const [alpha, zeta, early] = ranked
  out.push(
    match(
      'order-and-limit',
      'Orders by score, then published, then id by code point, and then applies the limit',
      ['INT-MAT-010'],
      { proposals: [...ranked], limit: 3 },
      found([
        [early, '0.975'],
        [zeta, '0.975'],
        [alpha, '0.975'],
      ]),
      'four offers: three score 0.975 (early published first; "Zeta" before "alpha" by code point), one 0.95 cut by limit 3',
    ),
  )

  // Versions of one proposal (INT-PROP-003, INT-PROP-004), observed through the match's score.
  const v1 = offer
  const v2 = patch(offer, { updated: '2026-08-15T09:00:00Z' }, {}, price('2.00'))
  const byOther = patch(
    offer,
    { updated: '2026-08-15T09:00:00Z', attributedTo: 'https://decisions.example/u/mere' },
    {},
    price('2.00'),
  )
  out.push(
    match(
      'versions.newer-replaces',
      'Replaces a proposal with its newer version',
      ['INT-PROP-003'],
      { proposals: [v1, v2] },
      found([[v2, '0.95']], ['held', 'held']),
      'held: the offer, then a version updated 2026-08-15 at 2.00 per hour (score 0.95)',
    ),
    match(
      'versions.older-ignored',
      'Ignores an older version that arrives late',
      ['INT-PROP-003'],
      { proposals: [v2, v1] },
      found([[v2, '0.95']], ['held', 'ignored']),
      'held: the version updated 2026-08-15 at 2.00 per hour, then the original (older)',
    ),
    match(
      'versions.author-changed',
      'Rejects a version that changes attributedTo',
      ['INT-PROP-004'],
      { proposals: [v1, byOther] },
      found([[v1, '0.975']], ['held', 'ERR_PROPOSAL_CONFLICT']),
      'second: a newer version attributed to https://decisions.example/u/mere',
    ),
    match(
      'query-expired',
      'Rejects a query that has already expired',
      ['INT-PROP-002'],
      { proposals: [offer], query: patch(request, { endTime: '2026-09-01T12:00:00Z' }) },
      { error: 'ERR_PROPOSAL_EXPIRED' },
      'bounty endTime: 2026-09-01T12:00:00Z, 12 hours before currentDate',
    ),
    match(
      'query-too-precise',
      'Rejects a bounty more precise than its currency',
      ['INT-AMT-003'],
      { proposals: [offer], query: patch(request, {}, {}, price('30.005')) },
      { error: 'ERR_AMOUNT_PRECISION' },
      'bounty 30.005 Harbour Credit, a currency of 2 decimals',
    ),
  )
  return out
}

async function writeFormatted(path: string, value: unknown): Promise<void> {
  // The repository's Prettier settings, wherever the files go, so that every run writes the same bytes.
  const config = (await resolveConfig(join(ROOT, 'vectors', 'x.json'))) ?? {}
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, await format(JSON.stringify(value), { ...config, filepath: path }))
}

/** Writes the keys and vectors under `out` (by default, conformance/). */
export async function generate(out: string = ROOT): Promise<number> {
  const keys = new Map<KeyName, TestKey>()
  for (const { name, origin, alg } of KEYS) keys.set(name, await deriveKey(name, origin, alg))
  await rm(join(out, 'vectors'), { recursive: true, force: true })
  for (const k of keys.values()) {
    await writeFormatted(join(out, 'keys', `${k.name}.private.jwk.json`), k.privateJwk)
  }
  const vectors = [
    ...(await documentVectors()),
    ...(await textVectors()),
    ...(await eventVectors(keys)),
    ...(await assertionVectors(keys)),
    ...(await intentVectors()),
    ...(await deliveryVectors(keys)),
    ...(await budgetingVectors({ examples: EXAMPLES, vector })),
    ...(await creditVectors({ examples: EXAMPLES, vector })),
    ...(await taskVectors({ examples: EXAMPLES, vector })),
    ...(await privacyVectors({ examples: EXAMPLES, vector })),
    ...(await limitsVectors({
      examples: EXAMPLES,
      vector,
      key: keys.get('decisions')?.signing as SigningKey,
      trust: publishedTrust(keys),
    })),
    ...(await decisionVectors({ examples: EXAMPLES, vector })),
    ...(await extensibilityVectors({
      examples: EXAMPLES,
      vector,
      sign: (event) => signEvent(event, keys.get('decisions')?.signing as SigningKey),
      forge: (payload) => {
        const k = keys.get('decisions') as TestKey
        return forge({ alg: 'EdDSA', kid: k.signing.kid, typ: 'cta-event+jws' }, payload, k)
      },
      trust: publishedTrust(keys),
      addSeconds,
    })),
    ...(await orderingVectors({
      examples: EXAMPLES,
      vector,
      sign: (event) => signEvent(event, keys.get('decisions')?.signing as SigningKey),
      forge: (payload) => {
        const k = keys.get('decisions') as TestKey
        return forge({ alg: 'EdDSA', kid: k.signing.kid, typ: 'cta-event+jws' }, payload, k)
      },
      trust: publishedTrust(keys),
      addSeconds,
    })),
    ...(await exportVectors({
      examples: EXAMPLES,
      vector,
      forge: (payload, name, typ) => {
        const k = keys.get(name) as TestKey
        return forge({ alg: k.signing.alg, kid: k.signing.kid, typ }, payload, k)
      },
      trust: publishedTrust(keys),
    })),
  ]
  const ids = new Set<string>()
  for (const { dir, ...v } of vectors) {
    if (ids.has(v.id)) throw new Error(`duplicate vector id ${v.id}`)
    ids.add(v.id)
    await writeFormatted(join(out, 'vectors', dir, `${v.id}.json`), v)
  }
  return vectors.length
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out')
  const out = i >= 0 ? resolve(process.argv[i + 1] ?? '.') : ROOT
  const count = await generate(out)
  process.stdout.write(`wrote ${count} vectors and ${KEYS.length} keys under ${out}\n`)
}
