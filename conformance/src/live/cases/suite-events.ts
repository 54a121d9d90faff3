/** Events the suite sends as a peer tool, and how it sends them. */
import { CompactSign } from 'jose'
import { createEvent, signEvent, type SigningKey } from '@cta-interop/sdk'
import type { LiveContext } from '../case.js'
import { check, Untested } from '../case.js'
import type { PeerTool } from '../peer.js'

/** The problem `type` the spec's error registry gives a code. */
export const problemType = (code: string): string => `https://w3id.org/cta/errors#${code}`

/** The group the session's events go to. */
export function sessionGroup(ctx: LiveContext): string {
  if (ctx.session === undefined) throw new Untested('this case needs a session of the control API')
  return ctx.session.group
}

let counter = 0

/** A valid event from `from` (default: the suite's tool) into the session's group, as plain JSON. */
export function suiteEvent(ctx: LiveContext, from: PeerTool = ctx.peer): Record<string, unknown> {
  const group = sessionGroup(ctx)
  const n = ++counter
  const published = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
  const event = createEvent(
    'example.conformance.notice',
    {
      id: `${from.origin}/activities/${Date.now()}-${n}`,
      type: 'Create',
      actor: { id: from.origin, type: 'Application', name: 'cta-conformance' },
      object: { id: `${from.origin}/notes/${n}`, type: 'Note', name: `Conformance notice ${n}` },
      summary: `Conformance notice ${n}`,
      published,
      url: `${from.origin}/notes/${n}`,
      audience: group,
    },
    { source: from.origin },
  )
  return structuredClone(event)
}

/** Signs any payload text with any protected header: the hostile events. */
export async function signRaw(
  header: Record<string, unknown>,
  payload: string,
  key: SigningKey,
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader(header as { alg: string })
    .sign(key.privateKey)
}

/** Signs an event as a conformant emitter would. */
export const signValid = (event: Record<string, unknown>, key: SigningKey): Promise<string> =>
  signEvent(event, key)

/** The standard protected header of the suite's events. */
export const headerOf = (key: SigningKey): Record<string, unknown> => ({
  alg: key.alg,
  kid: key.kid,
  typ: 'cta-event+jws',
})

/** What an inbox answered. */
export interface InboxAnswer {
  readonly status: number
  readonly contentType: string
  readonly problemType?: string
}

/** POSTs a body to the tool's inbox. */
export async function postToInbox(
  ctx: LiveContext,
  body: string,
  contentType = 'application/jose',
): Promise<InboxAnswer> {
  const inbox = ctx.manifest.inbox
  if (inbox === undefined) throw new Untested('the tool manifest names no inbox')
  const response = await ctx.wire.fetch(inbox, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  })
  const text = await response.text()
  const type = response.headers.get('content-type') ?? ''
  let problem: string | undefined
  if (type.startsWith('application/problem+json')) {
    try {
      const parsed = JSON.parse(text) as { type?: unknown }
      if (typeof parsed.type === 'string') problem = parsed.type
    } catch {
      problem = undefined
    }
  }
  return {
    status: response.status,
    contentType: type,
    ...(problem === undefined ? {} : { problemType: problem }),
  }
}

/** Checks a rejection: not 2xx, a problem document, the registry's type for `code`. */
export function expectRejection(answer: InboxAnswer, code: string, status?: number) {
  const expected = {
    status: status ?? '4xx',
    contentType: 'application/problem+json',
    type: problemType(code),
  }
  const actual = {
    status: answer.status,
    contentType: answer.contentType,
    type: answer.problemType,
  }
  check(
    answer.status < 200 || answer.status >= 300,
    `the inbox accepted it (${answer.status})`,
    expected,
    actual,
  )
  check(
    status === undefined || answer.status === status,
    `expected status ${status}, got ${answer.status}`,
    expected,
    actual,
  )
  check(
    answer.contentType.startsWith('application/problem+json'),
    `expected an application/problem+json rejection, got "${answer.contentType}"`,
    expected,
    actual,
  )
  check(
    answer.problemType === problemType(code),
    `expected the problem type ${problemType(code)}, got ${String(answer.problemType)}`,
    expected,
    actual,
  )
  return { expected, actual }
}

/** With the control API: checks that the tool did not act on the event with this id. */
export async function expectNotObserved(ctx: LiveContext, id: string): Promise<void> {
  if (ctx.control === undefined || ctx.session === undefined) return
  const accepted = await ctx.control.observations(ctx.session)
  check(
    !accepted.some((o) => o.id === id),
    'the tool reports that it accepted the rejected event',
    { accepted: `no event ${id}` },
    { accepted: accepted.map((o) => o.id) },
  )
}
