import { readFile } from 'node:fs/promises'
import process from 'node:process'
import { parseArgs } from 'node:util'
import {
  createMemoryDedupeStore,
  isProtocolError,
  verifyEvent,
  verifyGroupAssertion,
  verifySubscriptionRequest,
  type ResolveKey,
} from '@cta-interop/sdk'
import { nodeSignatureVerifier } from '@cta-interop/sdk/node'
import { checkResults, type CheckResult, type TokenKind } from './checks.js'
import { CliError, EXIT } from './cli-error.js'
import { keySource } from './key-source.js'
import { createPrinter } from './print.js'

const TYP_KIND: Readonly<Record<string, TokenKind>> = {
  'cta-event+jws': 'event',
  'cta-membership+jwt': 'assertion',
  'cta-subscription+jws': 'subscription',
}

/** Decodes one base64url JSON part without verifying anything; `undefined` if it is not one. */
function peek(part: string | undefined): Record<string, unknown> | undefined {
  if (part === undefined) return undefined
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** The token: the argument itself, a file holding it, or stdin (`-`). */
async function readToken(arg: string): Promise<string> {
  if (arg === '-') {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8').trim()
  }
  if (/^[\w-]+\.[\w-]*\.[\w-]*$/.test(arg)) return arg
  try {
    return (await readFile(arg, 'utf8')).trim()
  } catch (err) {
    throw new CliError(
      'ERR_FILE_UNREADABLE',
      `not a token nor a readable file: ${(err as Error).message}`,
    )
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/** `cta inspect <token|file|->`: every check of the SDK's verification core, with its requirement. */
export async function inspect(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      manifest: { type: 'string' },
      jwks: { type: 'string' },
      source: { type: 'string' },
      kind: { type: 'string' },
      audience: { type: 'string' },
      authority: { type: 'string' },
      group: { type: 'string' },
      at: { type: 'string' },
      'allow-http': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  })
  const out = createPrinter(values.json === true)
  const arg = positionals[0]
  if (arg === undefined) throw new CliError('ERR_USAGE', 'cta inspect <token|file|-> needs a token')
  const token = await readToken(arg)
  const [h, p] = token.split('.')
  const header = peek(h)
  const payload = peek(p)
  const typ = str(header?.['typ'])
    ?.toLowerCase()
    .replace(/^application\//, '')
  const kind: TokenKind =
    (values.kind as TokenKind | undefined) ??
    (typ === undefined ? undefined : TYP_KIND[typ]) ??
    'event'
  if (!['event', 'assertion', 'subscription'].includes(kind)) {
    throw new CliError('ERR_USAGE', '--kind is event, assertion or subscription')
  }
  const kid = str(header?.['kid'])
  const keys = await keySource(
    {
      manifest: values.manifest,
      jwks: values.jwks,
      source: values.source,
      allowHttp: values['allow-http'],
    },
    kid,
  )
  const currentDate = values.at === undefined ? new Date() : new Date(values.at)
  if (Number.isNaN(currentDate.getTime())) throw new CliError('ERR_USAGE', '--at must be a date')
  out.progress(`verifying ${kind} signed by ${kid ?? '(no kid)'} against ${keys.describe}`)
  const notes: string[] = []
  let failure: { code: string; message: string } | undefined
  try {
    await verifyAs(kind, token, keys.resolveKey, currentDate, payload, values, notes)
  } catch (err) {
    if (!isProtocolError(err)) throw err
    failure = { code: err.code, message: err.message }
  }
  const checks = checkResults(kind, failure)
  const ok = failure === undefined
  out.result({ ok, kind, header, payload, checks, notes, ...(ok ? {} : { error: failure }) })
  out.line(`${kind} ${kid ?? ''}`)
  for (const note of notes) out.line(`  note: ${note}`)
  for (const check of checks) out.line(describeCheck(check))
  out.line(ok ? 'valid: every check passed' : `invalid: ${failure?.code} (${failing(checks)})`)
  if (!ok && failure?.code === 'ERR_FETCH_FAILED') return EXIT.unavailable
  return ok ? EXIT.ok : EXIT.failed
}

const MARK = { pass: '✓', fail: '✗', 'not run': '·' } as const

function describeCheck(check: CheckResult): string {
  const line = `  ${MARK[check.status]} ${check.name.padEnd(28)} ${check.requirement.padEnd(13)}`
  return check.status === 'fail'
    ? `${line} ${check.code}: ${check.message}`
    : `${line} ${check.status}`
}

const failing = (checks: CheckResult[]): string => {
  const c = checks.find((x) => x.status === 'fail')
  return c === undefined ? '' : `${c.name}, ${c.requirement}`
}

/** Runs the SDK's verifier for the kind; throws its ProtocolError. */
async function verifyAs(
  kind: TokenKind,
  token: string,
  resolveKey: ResolveKey,
  currentDate: Date,
  payload: Record<string, unknown> | undefined,
  values: {
    audience?: string | undefined
    authority?: string | undefined
    group?: string | undefined
  },
  notes: string[],
): Promise<void> {
  const verifySignature = nodeSignatureVerifier()
  if (kind === 'event') {
    await verifyEvent(token, { resolveKey, currentDate, verifySignature })
    return
  }
  const pick = (given: string | undefined, claim: string, name: string): string => {
    if (given !== undefined) return given
    notes.push(`${name} taken from the token's own ${claim} (pass --${name} to check it)`)
    return claim === 'groups'
      ? (str((payload?.['groups'] as unknown[] | undefined)?.[0]) ?? '-')
      : (str(payload?.[claim]) ?? '-')
  }
  if (kind === 'assertion') {
    await verifyGroupAssertion(token, {
      resolveKey,
      currentDate,
      verifySignature,
      authority: pick(values.authority, 'iss', 'authority'),
      audience: pick(values.audience, 'aud', 'audience'),
      group: pick(values.group, 'groups', 'group'),
    })
    return
  }
  await verifySubscriptionRequest(token, {
    resolveKey,
    currentDate,
    verifySignature,
    audience: pick(values.audience, 'aud', 'audience'),
    replay: createMemoryDedupeStore(),
  })
}
