/**
 * What the emitter cases share: subscribing a sink of the suite to the tool, making the tool emit
 * through the control API, finding a delivery by event id, and extra sessions and sinks of the
 * suite's own for the cases that must not disturb the run's main subscription.
 */
import { signRequestToken, signSubscriptionRequest } from '@cta-interop/sdk'
import type { LiveContext } from '../case.js'
import { check, Untested, waitUntil } from '../case.js'
import type { Session } from '../control.js'
import { startPeer, type Delivery, type PeerTool } from '../peer.js'
import { sessionGroup } from './suite-events.js'

/** What the subscriptions endpoint answered. */
export interface SubscriptionAnswer {
  readonly status: number
  readonly location: string | null
  /** The problem `type`, when the answer is a problem document. */
  readonly type: string | undefined
}

/** The tool's subscriptions endpoint, or the case is untested. */
export function subscriptionsUrl(ctx: LiveContext): string {
  const url = ctx.manifest.subscriptions
  if (url === undefined) throw new Untested('the tool manifest names no subscriptions endpoint')
  return url
}

/** The tool's feed, or the case is untested. */
export function feedUrl(ctx: LiveContext): string {
  const url = ctx.manifest.feed
  if (url === undefined) throw new Untested('the tool manifest names no feed')
  return url
}

/** POSTs a signed subscription request to the tool. */
export async function postSubscription(
  ctx: LiveContext,
  body: string,
): Promise<SubscriptionAnswer> {
  const response = await ctx.wire.fetch(subscriptionsUrl(ctx), {
    method: 'POST',
    headers: { 'content-type': 'application/jose' },
    body,
  })
  const text = await response.text()
  let type: string | undefined
  try {
    type = (JSON.parse(text) as { type?: string }).type
  } catch {
    type = undefined
  }
  return { status: response.status, location: response.headers.get('location'), type }
}

/** Subscribes `tool`'s inbox to `group` (every type, or `types`). */
export async function subscribeTool(
  ctx: LiveContext,
  tool: PeerTool,
  group: string,
  types?: readonly string[],
): Promise<SubscriptionAnswer> {
  const body = await signSubscriptionRequest(
    { sink: `${tool.origin}/cta/inbox`, group, ...(types === undefined ? {} : { types }) },
    tool.key,
    { audience: ctx.sut.endpoints.origin },
  )
  return postSubscription(ctx, body)
}

const subscribed = new WeakMap<LiveContext, Promise<SubscriptionAnswer>>()

/** Subscribes the suite's inbox to every event of the run's session's group, once per run. */
export function subscribe(ctx: LiveContext): Promise<SubscriptionAnswer> {
  let pending = subscribed.get(ctx)
  if (pending === undefined) {
    pending = subscribeTool(ctx, ctx.peer, sessionGroup(ctx))
    subscribed.set(ctx, pending)
  }
  return pending
}

/** Fails the case unless the run's main subscription exists. */
export async function expectSubscribed(ctx: LiveContext): Promise<void> {
  expectCreated(await subscribe(ctx), "the suite's inbox")
}

/** Fails the case unless a subscription was created. */
export function expectCreated(answer: SubscriptionAnswer, what: string): void {
  check(
    answer.status === 201,
    `subscribing ${what} was answered ${answer.status}`,
    { status: 201 },
    answer,
  )
}

/** The `id` in a delivered JWS's payload, without verifying it (a byte-order mark is skipped). */
export function deliveredId(body: string): string | undefined {
  try {
    const text = Buffer.from(body.split('.')[1] ?? '', 'base64url')
      .toString('utf8')
      .replace(/^\uFEFF/, '')
    const payload = JSON.parse(text) as { id?: unknown }
    return typeof payload.id === 'string' ? payload.id : undefined
  } catch {
    return undefined
  }
}

/** The ids of the events delivered to `tool`, from delivery `from` on, in arrival order. */
export const deliveredIds = (tool: PeerTool, from = 0): (string | undefined)[] =>
  tool.deliveries.slice(from).map((d) => deliveredId(d.body))

/** The control API and the run's session, or the case is untested. */
export function controlOf(ctx: LiveContext): {
  control: NonNullable<LiveContext['control']>
  session: Session
} {
  if (ctx.control === undefined || ctx.session === undefined) {
    throw new Untested('needs the control API')
  }
  return { control: ctx.control, session: ctx.session }
}

/** Makes the tool emit one event (of `type`, if given) in `session`'s group; returns its id. */
export async function emitIn(ctx: LiveContext, session: Session, type?: string): Promise<string> {
  const { control } = controlOf(ctx)
  const result = await control.act(session, 'emit', type === undefined ? {} : { type })
  const id = result['id']
  if (typeof id !== 'string') throw new Error('the emit action returned no event id')
  if (type !== undefined && result['type'] !== undefined && result['type'] !== type) {
    throw new Error(`the emit action emitted ${JSON.stringify(result['type'])}, not ${type}`)
  }
  return id
}

/** Waits for the first delivery of event `id` to `tool` from delivery `from` on; fails without. */
export async function awaitDelivery(
  ctx: LiveContext,
  tool: PeerTool,
  id: string,
  from = 0,
): Promise<{ delivery: Delivery; index: number }> {
  const index = await waitUntil(() => {
    const i = tool.deliveries.findIndex((d, n) => n >= from && deliveredId(d.body) === id)
    return i < 0 ? undefined : i
  }, ctx.patience)
  check(
    index !== undefined,
    `no delivery of event ${id} within ${ctx.patience} ms`,
    { delivered: id },
    { deliveries: deliveredIds(tool, from) },
  )
  return { delivery: tool.deliveries[index as number] as Delivery, index: index as number }
}

/**
 * Lets everything the tool queued so far be attempted: emits an event in the run's session and
 * waits for it at the suite's main inbox, twice. The second event is emitted only once the first
 * arrived, so it is queued after every attempt that was due with the first; once it arrives, a
 * delivery queued before the first has been attempted (or was never going to be).
 */
export async function settle(ctx: LiveContext): Promise<void> {
  const { session } = controlOf(ctx)
  for (let i = 0; i < 2; i++) {
    const from = ctx.peer.deliveries.length
    await awaitDelivery(ctx, ctx.peer, await emitIn(ctx, session), from)
  }
}

/**
 * The tool's own event types that a case can ask it to emit: the concrete types of its manifest's
 * `emits`, the tool's own before the core ones (core events carry a specific activity).
 */
export function emittableTypes(ctx: LiveContext): string[] {
  const concrete = ctx.manifest.emits.filter((t) => !t.includes('*'))
  const own = concrete.filter((t) => !t.startsWith('tech.collaborative.'))
  return [...own, ...concrete.filter((t) => t.startsWith('tech.collaborative.'))]
}

/**
 * Runs `body` with a sink of the suite's own (a tool on an origin of its own) and a session in a
 * group of its own where that tool is installed (unless `install` is false), then closes both.
 */
export async function withSeparateSession<T>(
  ctx: LiveContext,
  options: { readonly extraPeer: boolean; readonly install?: boolean },
  body: (session: Session, tool: PeerTool) => Promise<T>,
): Promise<T> {
  const { control, session: main } = controlOf(ctx)
  const tool = options.extraPeer
    ? await startPeer({
        name: 'cta-conformance sink',
        wire: ctx.wire,
        sut: ctx.sut.endpoints.origin,
      })
    : ctx.peer
  try {
    const session = await control.openSession({
      peer: tool.origin,
      members: [],
      separateGroup: true,
      ...(options.install === false ? { install: false } : {}),
    })
    if (session.group === main.group) {
      throw new Error(`the tool opened a "separateGroup" session in the run's group ${main.group}`)
    }
    try {
      return await body(session, tool)
    } finally {
      await control.closeSession(session).catch(() => undefined)
    }
  } finally {
    if (tool !== ctx.peer) await tool.close()
  }
}

/** GETs a feed URL with a fresh request token of `tool` (default the suite's). */
export async function getFeed(
  ctx: LiveContext,
  query: string,
  tool: PeerTool = ctx.peer,
): Promise<{ status: number; body: { items?: unknown; next?: unknown; type?: unknown } }> {
  const feed = feedUrl(ctx)
  const token = await signRequestToken({ method: 'GET', url: feed }, tool.key)
  const response = await ctx.wire.fetch(`${feed}?${query}`, {
    headers: { authorization: `CTA-JWS ${token}` },
  })
  const body = (await response.json().catch(() => ({}))) as {
    items?: unknown
    next?: unknown
    type?: unknown
  }
  return { status: response.status, body }
}

/** The `group=` query of the run's session. */
export const groupQuery = (ctx: LiveContext, group = sessionGroup(ctx)): string =>
  `group=${encodeURIComponent(group)}`
