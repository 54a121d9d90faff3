// What each runtime runs (bundled with the built core entry, `@cta-interop/sdk`): sign an event,
// verify it, validate a document, and refuse a tampered event. Web APIs only, no Node built-in.
import {
  createEvent,
  generateSigningKey,
  isProtocolError,
  signEvent,
  staticKeyResolver,
  toJwks,
  validateDocument,
  verifyEvent,
} from '@cta-interop/sdk'

export interface SmokeResult {
  readonly runtime: string
  readonly verifiedType: string
  readonly validKind: string | null
  readonly invalidCode: string | null
  readonly tamperedCode: string
  readonly es256Verified: boolean
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function fromBase64url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

function toBase64url(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Runs the checks and returns what happened; the test on the Node side asserts the result. */
export async function smoke(runtime: string): Promise<SmokeResult> {
  const source = 'https://budgeting.example'
  const key = await generateSigningKey({ origin: source })
  const es256 = await generateSigningKey({ origin: source, alg: 'ES256' })
  const event = createEvent(
    'tech.collaborative.ping',
    {
      id: `${source}/activities/1`,
      type: 'Create',
      actor: { id: source, type: 'Application', name: 'Budgeting' },
      object: { type: 'Note', content: `Test event from ${runtime}` },
      summary: 'Budgeting sent a test event',
      url: `${source}/settings/integrations`,
      published: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      audience: 'https://decisions.example/g/harbour-commons',
    },
    { source },
  )
  const resolveKey = staticKeyResolver([{ source, jwks: toJwks([key, es256]) }])

  const jws = await signEvent(event, key)
  const { event: verified } = await verifyEvent(jws, { resolveKey })
  const es256Verified =
    (await verifyEvent(await signEvent(event, es256), { resolveKey })).event.id === event.id

  const valid = validateDocument(verified)
  const invalid = validateDocument({ ...verified, specversion: '0.3' })

  // The same signature over a payload with one member changed.
  const [header = '', payload = '', signature = ''] = jws.split('.')
  const changed = JSON.parse(decoder.decode(fromBase64url(payload))) as {
    data: { summary: string }
  }
  changed.data.summary = 'Budgeting sent a tampered event'
  const tampered = `${header}.${toBase64url(encoder.encode(JSON.stringify(changed)))}.${signature}`
  let tamperedCode = 'accepted'
  try {
    await verifyEvent(tampered, { resolveKey })
  } catch (error) {
    tamperedCode = isProtocolError(error) ? error.code : `not a protocol error: ${String(error)}`
  }

  return {
    runtime,
    verifiedType: verified.type,
    validKind: valid.valid ? valid.kind : null,
    invalidCode: invalid.valid ? null : invalid.code,
    tamperedCode,
    es256Verified,
  }
}
