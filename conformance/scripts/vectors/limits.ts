// The vectors of the protocol's plain-JSON shapes (examples/documents/protocol: the feed page, the
// subscription request and request token payloads, the problem document, the installations
// collection, validated by naming their kind) and of the request token's size limit
// (spec/delivery.md "Size limits", DLV-LIM-003): a valid token of 4,096 characters is accepted, one
// character more is refused before it is verified. Registered in ../generate-vectors.ts.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SIZE_LIMITS, signRequestToken, type SigningKey } from '@cta-interop/sdk'
import type { Level, Profile, SingleExpectation, TrustedTool } from '../../src/types.js'
import type { Built, ProfileVectorTools } from './manifest-vectors.js'

/** The requirements these vectors cite, with their profiles and level as the spec states them. */
export const LIMITS_REQUIREMENTS: Record<string, { profiles: Profile[]; level: Level }> = {
  'DLV-LIM-003': { profiles: ['emitter'], level: 'MUST' },
  'DLV-FED-001': { profiles: ['emitter'], level: 'MUST' },
  'MEM-INS-001': { profiles: ['group-authority'], level: 'MUST' },
  'ERR-REG-001': { profiles: ['core'], level: 'MUST' },
}

/** What the generator lends this module besides the examples and its vector builder. */
export interface LimitsVectorTools extends ProfileVectorTools {
  /** decisions.example's published signing key. */
  readonly key: SigningKey
  readonly trust: TrustedTool[]
}

interface ManifestEntry {
  readonly file: string
  readonly kind: string
  readonly title?: string
  readonly defect?: string
  readonly twinOf?: string
  readonly instancePath?: string
  readonly keyword?: string
  readonly requirements: string[]
}

/** The protocol shapes' examples and twins as validateDocument vectors, their kind named. */
async function shapeVectors(tools: ProfileVectorTools): Promise<Built[]> {
  const read = async (file: string): Promise<unknown> =>
    JSON.parse(await readFile(join(tools.examples, file), 'utf8')) as unknown
  const manifest = (await read('protocol/manifest.json')) as {
    examples: ManifestEntry[]
    invalid: ManifestEntry[]
  }
  const slug = (file: string): string =>
    file
      .replace('protocol/', '')
      .replace(/^invalid\//, '')
      .replace(/\.json$/, '')
  const out: Built[] = []
  for (const entry of manifest.examples) {
    out.push(
      tools.vector({
        dir: 'documents/valid',
        id: `proto.doc.valid.${slug(entry.file)}`,
        title: entry.title ?? entry.file,
        requirements: entry.requirements,
        operation: 'validateDocument',
        flags: ['Valid'],
        input: { document: await read(entry.file), kind: entry.kind },
        expected: { valid: true, kind: entry.kind },
        informative: { source: `examples/documents/${entry.file}` },
      }),
    )
  }
  for (const entry of manifest.invalid) {
    const expected: SingleExpectation = {
      error: 'ERR_SCHEMA_INVALID',
      issue: { instancePath: entry.instancePath ?? '', keyword: entry.keyword ?? '' },
    }
    out.push(
      tools.vector({
        dir: 'documents/invalid',
        id: `proto.doc.invalid.${slug(entry.file)}`,
        title: `Rejects: ${entry.defect ?? entry.file}`,
        requirements: entry.requirements,
        operation: 'validateDocument',
        flags: ['SchemaViolation'],
        input: { document: await read(entry.file), kind: entry.kind },
        expected,
        informative: {
          source: `examples/documents/${entry.file}`,
          ...(entry.twinOf === undefined ? {} : { twinOf: `examples/documents/${entry.twinOf}` }),
        },
      }),
    )
  }
  return out
}

/**
 * A request token for `GET <url>` whose URL path is padded so that the token is exactly `length`
 * characters (a compact EdDSA JWS grows by 4 characters for every 3 bytes of payload).
 */
async function tokenOfLength(
  key: SigningKey,
  base: string,
  length: number,
  currentDate: Date,
): Promise<{ token: string; url: string }> {
  for (let pad = 0; pad < 4096; pad++) {
    const url = `${base}/${'p'.repeat(pad)}`
    const token = await signRequestToken({ method: 'GET', url }, key, {
      currentDate,
      jti: '01K33CD2M6Q9T3X7A1E5H8K2N5',
    })
    if (token.length === length) return { token, url }
    if (token.length > length) break
  }
  throw new Error(`no request token of exactly ${length} characters`)
}

/** Every vector of this module. */
export async function limitsVectors(tools: LimitsVectorTools): Promise<Built[]> {
  const currentDate = '2026-08-20T09:13:16Z'
  const signedAt = new Date(Date.parse(currentDate) - 16_000)
  const base = 'https://budgeting.example/cta/feed'
  const max = SIZE_LIMITS.requestToken
  const atLimit = await tokenOfLength(tools.key, base, max, signedAt)
  // One character more: the same URL with one more byte of path, whose token is 4,096 + 1..4.
  const over = `${atLimit.token}A`
  const vector = (
    dir: 'valid' | 'invalid',
    id: string,
    title: string,
    flags: string[],
    token: string,
    expected: SingleExpectation,
    mutation: string,
  ): Built =>
    tools.vector({
      dir: `delivery/request-tokens/${dir}`,
      id: `dlv.lim.${id}`,
      title,
      requirements: ['DLV-LIM-003'],
      operation: 'verifyRequestToken',
      flags,
      input: { token, method: 'GET', url: atLimit.url, currentDate, trust: tools.trust },
      expected,
      informative: { mutation, length: token.length },
    })
  return [
    ...(await shapeVectors(tools)),
    vector(
      'valid',
      'request-token.at-limit',
      'Accepts a request token of exactly 4,096 characters',
      ['Valid'],
      atLimit.token,
      { valid: true, kind: 'RequestToken', result: { tool: 'https://decisions.example' } },
      'none: signed by signRequestToken with conformance/keys/decisions, its htu path padded to make the token 4,096 characters',
    ),
    vector(
      'invalid',
      'request-token.over-limit',
      'Refuses a request token of 4,097 characters before verifying it',
      ['TooLarge'],
      over,
      { error: 'ERR_TOO_LARGE' },
      'the at-limit token with one more character appended to its signature',
    ),
  ]
}
