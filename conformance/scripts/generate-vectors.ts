// `npm run vectors`: (re)generates conformance/keys/ and conformance/vectors/ from the example
// documents under examples/documents/, seeded test keys and the mutation catalogue below.
// Ed25519 signatures are deterministic, so a second run writes byte-identical files; a test fails
// when the committed files differ from what this script writes (drift).
//
//   tsx conformance/scripts/generate-vectors.ts [--out <dir>]
import { createHash, createHmac, createPrivateKey, sign } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { importSigningKey, signEvent, toJwks, type SigningKey } from '@cta-interop/sdk'
import type { Expectation, Level, Profile, TrustedTool, Vector } from '../src/types.js'

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
  'DOC-VAL-001': { profiles: ['core'], level: 'MUST' },
  'DOC-VAL-002': { profiles: ['core'], level: 'MUST' },
  'DOC-VAL-003': { profiles: ['core'], level: 'MUST' },
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
  'EVT-SIG-001': { profiles: ['emitter'], level: 'MUST' },
  'EVT-SIG-002': { profiles: ['emitter', 'receiver'], level: 'MUST' },
  'EVT-SIG-003': { profiles: ['receiver'], level: 'MUST' },
  'EVT-SIG-004': { profiles: ['receiver'], level: 'MUST' },
  'EVT-SIG-005': { profiles: ['receiver'], level: 'MUST' },
  'EVT-KEY-002': { profiles: ['receiver'], level: 'MUST' },
  'EVT-SRC-001': { profiles: ['receiver'], level: 'MUST' },
  'EVT-LIM-001': { profiles: ['receiver'], level: 'MUST' },
  'EVT-JSON-001': { profiles: ['receiver'], level: 'MUST' },
  'EVT-CTX-001': { profiles: ['receiver'], level: 'MUST' },
  'EVT-GRP-001': { profiles: ['emitter', 'receiver'], level: 'MUST' },
  'EVT-AGE-001': { profiles: ['receiver'], level: 'MUST' },
  'EVT-DUP-001': { profiles: ['receiver'], level: 'MUST' },
}

export const CITED_REQUIREMENTS = REQUIREMENTS

/** The test keys: name, the tool origin that publishes it, and whether it is published at all. */
const KEYS = [
  { name: 'decisions', origin: 'https://decisions.example', published: true },
  { name: 'decisions-next', origin: 'https://decisions.example', published: true },
  { name: 'budgeting', origin: 'https://budgeting.example', published: true },
  { name: 'intruder', origin: 'https://intruder.example', published: true },
  { name: 'attacker', origin: 'https://decisions.example', published: false },
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

/** An Ed25519 private JWK from `sha256("cta-interop/conformance/keys/<name>")`. */
async function deriveKey(name: KeyName, origin: string): Promise<TestKey> {
  const seed = createHash('sha256').update(`cta-interop/conformance/keys/${name}`).digest()
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed])
  const jwk = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({
    format: 'jwk',
  })
  const signing = await importSigningKey(jwk, { origin })
  const privateJwk = { ...signing.publicJwk, d: jwk.d }
  return { name, origin, privateJwk, signing }
}

/** Signs arbitrary header and payload text, bypassing every check: for forgeries. */
function forge(header: Record<string, unknown> | string, payload: unknown, key: TestKey): string {
  const h = b64u(typeof header === 'string' ? header : JSON.stringify(header))
  const p = b64u(typeof payload === 'string' ? payload : JSON.stringify(payload))
  const privateKey = createPrivateKey({ key: key.privateJwk as never, format: 'jwk' })
  return `${h}.${p}.${b64u(sign(null, Buffer.from(`${h}.${p}`), privateKey))}`
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
  ]
  return { profiles: [...profiles].sort((a, b) => order.indexOf(a) - order.indexOf(b)), level }
}

/** Verifying is what a receiver does: those vectors test the receiver profile only. */
const RECEIVER_OPERATIONS = new Set(['verifyEvent', 'verifyEventSequence'])

function vector(
  fields: Omit<Vector, '$schema' | 'profiles' | 'level'> & { dir: string },
): Vector & { dir: string } {
  const { dir, ...rest } = fields
  const derived = profilesAndLevel(rest.requirements)
  const level = derived.level
  const profiles: Profile[] = RECEIVER_OPERATIONS.has(rest.operation)
    ? ['receiver']
    : derived.profiles
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
      const expected: Expectation =
        entry.instancePath !== undefined && entry.keyword !== undefined
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
          flags: ['SchemaViolation'],
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

const SIGNED_VALID = [
  'EVT-SIG-001',
  'EVT-SIG-002',
  'EVT-SIG-005',
  'EVT-KEY-002',
  'EVT-SRC-001',
  'EVT-AGE-001',
]

const addSeconds = (iso: string, seconds: number): string =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString().replace('.000Z', 'Z')

/** Signed-event vectors: every example event, then the mutation catalogue on a golden one. */
async function eventVectors(keys: Map<KeyName, TestKey>): Promise<(Vector & { dir: string })[]> {
  const key = (name: KeyName): TestKey => {
    const k = keys.get(name)
    if (k === undefined) throw new Error(`no key ${name}`)
    return k
  }
  const trust: TrustedTool[] = []
  for (const origin of [
    'https://decisions.example',
    'https://budgeting.example',
    'https://intruder.example',
  ]) {
    const published = KEYS.filter((k) => k.published && k.origin === origin).map(
      (k) => key(k.name).signing,
    )
    trust.push({ source: origin, jwks: toJwks(published) as unknown as TrustedTool['jwks'] })
  }
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
  ) =>
    vector({
      dir: 'events/invalid',
      id: `evt.${id}`,
      title,
      requirements,
      operation: 'verifyEvent',
      flags,
      input: { jws, currentDate: now, trust },
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
      await signEvent({ ...golden, time: addSeconds(now, -(4 * 86400 + 61 + 60)) }, d.signing),
      'ERR_EVENT_STALE',
      'time: 4 days, 2 minutes and 1 second before currentDate',
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
    ['within-window', 'Accepts an event 3 days and 23 hours old', -(4 * 86400 - 3600)],
    ['within-skew', 'Accepts an event dated 30 seconds ahead', 30],
  ] as const) {
    const v = edge(id, title, offset)
    const jws = await signEvent({ ...golden, time: addSeconds(now, offset) }, d.signing)
    out.push({ ...v, input: { jws, currentDate: now, trust } })
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
  for (const { name, origin } of KEYS) keys.set(name, await deriveKey(name, origin))
  await rm(join(out, 'vectors'), { recursive: true, force: true })
  for (const k of keys.values()) {
    await writeFormatted(join(out, 'keys', `${k.name}.private.jwk.json`), k.privateJwk)
  }
  const vectors = [...(await documentVectors()), ...(await eventVectors(keys))]
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
