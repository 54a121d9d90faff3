/**
 * Receiver cases about keys over time: a sender whose keys cannot be fetched now (a transient
 * refusal, never a permanent one), a bogus `kid` sent just before a rotation, a key retired in the
 * middle of the run (refused once the receiver's copy of the key set is past its maximum age), and
 * a key revoked in a hurry (refused at once). The sender is a variant peer of the suite's that
 * serves its manifest and JWKS with `Cache-Control: max-age=1`, so the bound of EVT-KEY-007 is its
 * floor, 10 seconds, and the case takes seconds rather than an hour.
 */
import { generateSigningKey, signKeyRevocation, toJwks, type SigningKey } from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { Untested, check } from '../case.js'
import { startVariantPeer, withTrustedPeer, type VariantPeer } from './receiver-variant-peer.js'
import {
  expectNotObserved,
  expectRejection,
  headerOf,
  signRaw,
  signValid,
  suiteEvent,
  type InboxAnswer,
} from './suite-events.js'

/** The floor of a key set's maximum age and the refetch interval (EVT-KEY-006, EVT-KEY-007), ms. */
const BOUND = 10_000
/** Longest Retry-After the cases wait for, in seconds. */
const LONGEST_WAIT = 15

/** An inbox answer with its `Retry-After`. */
export interface TimedAnswer extends InboxAnswer {
  readonly retryAfter: string | null
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** POSTs a body to the tool's inbox, keeping the `Retry-After` of the answer. */
export async function post(ctx: LiveContext, body: string): Promise<TimedAnswer> {
  const inbox = ctx.manifest.inbox
  if (inbox === undefined) throw new Untested('the tool manifest names no inbox')
  const response = await ctx.wire.fetch(inbox, {
    method: 'POST',
    headers: { 'content-type': 'application/jose' },
    body,
  })
  const text = await response.text()
  const contentType = response.headers.get('content-type') ?? ''
  let problemType: string | undefined
  if (contentType.startsWith('application/problem+json')) {
    try {
      const parsed = JSON.parse(text) as { type?: unknown }
      if (typeof parsed.type === 'string') problemType = parsed.type
    } catch {
      problemType = undefined
    }
  }
  return {
    status: response.status,
    contentType,
    retryAfter: response.headers.get('retry-after'),
    ...(problemType === undefined ? {} : { problemType }),
  }
}

const FETCH_FAILED = 'https://w3id.org/cta/errors#ERR_FETCH_FAILED'

/** Whether an answer is the transient refusal of EVT-KEY-008. */
const isRetry = (answer: InboxAnswer): boolean =>
  answer.status === 503 && answer.problemType === FETCH_FAILED

/**
 * POSTs a body, and when the tool answers that it cannot fetch the sender's keys now (`503`
 * `ERR_FETCH_FAILED`, EVT-KEY-008) with a `Retry-After` of at most 15 seconds, waits that long and
 * POSTs it once more, as a producer would.
 */
export async function postHonouringRetry(ctx: LiveContext, body: string): Promise<TimedAnswer> {
  const first = await post(ctx, body)
  const wait = Number(first.retryAfter)
  if (!isRetry(first) || !(wait >= 0 && wait <= LONGEST_WAIT)) return first
  await sleep(wait * 1000 + 250)
  return post(ctx, body)
}

/** Checks the transient refusal: `503`, `ERR_FETCH_FAILED`, a `Retry-After` of 1–300 seconds. */
function expectRetry(answer: TimedAnswer, what: string) {
  const expected = { status: 503, type: FETCH_FAILED, retryAfter: '1 to 300 seconds' }
  const actual = { status: answer.status, type: answer.problemType, retryAfter: answer.retryAfter }
  check(
    isRetry(answer),
    `${what}: expected 503 ${FETCH_FAILED} (a refusal the producer retries), got ${answer.status} ${String(answer.problemType)}`,
    expected,
    actual,
  )
  const seconds = Number(answer.retryAfter)
  check(
    answer.retryAfter !== null && /^\d+$/.test(answer.retryAfter) && seconds >= 1 && seconds <= 300,
    `${what}: expected a Retry-After of 1 to 300 seconds, got ${String(answer.retryAfter)}`,
    expected,
    actual,
  )
  return { expected, actual }
}

/** Checks that the tool accepted an event. */
function expectAccepted(answer: InboxAnswer, what: string): void {
  check(
    answer.status === 202 || answer.status === 200,
    `${what}: expected 202, got ${answer.status} ${String(answer.problemType)}`,
    { status: 202 },
    answer,
  )
}

/** A valid event of `peer`'s signed with `key` (default its first key). */
async function eventOf(ctx: LiveContext, peer: VariantPeer, key: SigningKey = peer.key) {
  const event = suiteEvent(ctx, peer.tool)
  const jws =
    key === peer.key
      ? await signValid(event, key)
      : await signRaw(headerOf(key), JSON.stringify(event), key)
  return { id: event['id'] as string, jws }
}

/** A variant peer whose published keys the case changes as it goes, served with max-age=1. */
async function rotatingPeer(ctx: LiveContext) {
  const published: { keys: SigningKey[] | undefined } = { keys: undefined }
  const peer = await startVariantPeer(ctx, {
    jwks: (own) => toJwks(published.keys ?? [own]),
    headers: { 'cache-control': 'max-age=1' },
  })
  const fresh = () => generateSigningKey({ origin: peer.origin })
  return {
    peer,
    fresh,
    publish: (keys: SigningKey[]) => {
      published.keys = keys
    },
  }
}

/** Runs `body` with a rotating peer trusted by the tool, then closes it. */
async function withRotatingPeer<T>(
  ctx: LiveContext,
  body: (inSession: LiveContext, rotating: Awaited<ReturnType<typeof rotatingPeer>>) => Promise<T>,
): Promise<T> {
  const rotating = await rotatingPeer(ctx)
  try {
    return await withTrustedPeer(ctx, rotating.peer.origin, (inSession) =>
      body(inSession, rotating),
    )
  } finally {
    await rotating.peer.close()
  }
}

/**
 * A bogus kid of a sender, sent just after the tool fetched its keys, then the sender's new key,
 * used the moment it is published: both are "retry" (503, Retry-After) while the tool may not
 * fetch again, and the new key is accepted after Retry-After (EVT-KEY-006, EVT-KEY-008).
 */
function bogusKidFirst(ctx: LiveContext): Promise<Outcome> {
  return withRotatingPeer(ctx, async (inSession, { peer, fresh, publish }) => {
    const first = await eventOf(inSession, peer)
    expectAccepted(
      await postHonouringRetry(inSession, first.jws),
      'an event under the published key',
    )
    const fetched = peer.requests.length
    // Within the refetch interval: an attacker's bogus kid of the sender, then the sender's
    // new key, used the moment it is published.
    const bogus = await eventOf(inSession, peer, await fresh())
    const bogusAnswer = await post(inSession, bogus.jws)
    const next = await fresh()
    publish([peer.key, next])
    const rotated = await eventOf(inSession, peer, next)
    const early = await post(inSession, rotated.jws)
    const expected = {
      bogus: '503 ERR_FETCH_FAILED',
      newKey: '503 ERR_FETCH_FAILED, then 202 after Retry-After',
      requests: `${fetched} until Retry-After`,
    }
    const actual = {
      bogus: { status: bogusAnswer.status, type: bogusAnswer.problemType },
      newKey: { status: early.status, type: early.problemType, retryAfter: early.retryAfter },
      requests: peer.requests.length,
    }
    expectRetry(bogusAnswer, 'a bogus kid within 10 s of the last fetch')
    expectRetry(early, 'the new kid within 10 s of the last fetch')
    check(
      peer.requests.length === fetched,
      `the tool fetched the sender's manifest or keys again within 10 seconds (${peer.requests.length - fetched} requests)`,
      expected,
      actual,
    )
    const wait = Math.min(Number(early.retryAfter), LONGEST_WAIT)
    await sleep(wait * 1000 + 250)
    const later = await postHonouringRetry(inSession, rotated.jws)
    expectAccepted(later, 'the new kid after Retry-After')
    await expectNotObserved(inSession, bogus.id)
    return { expected, actual: { ...actual, later: later.status } }
  })
}

/**
 * A key retired while the tool holds a copy of the key set with it: refused once that copy is past
 * its maximum age (EVT-KEY-007), with the new key still accepted.
 */
function retiredKeyRefused(ctx: LiveContext): Promise<Outcome> {
  return withRotatingPeer(ctx, async (inSession, { peer, fresh, publish }) => {
    const next = await fresh()
    publish([peer.key, next])
    const old = await eventOf(inSession, peer)
    expectAccepted(await postHonouringRetry(inSession, old.jws), 'an event under the old key')
    const rotated = await eventOf(inSession, peer, next)
    expectAccepted(await postHonouringRetry(inSession, rotated.jws), 'an event under the new key')
    // Retire the old key. The key set is served with max-age=1, so every copy the tool holds
    // is past its maximum age (at least 10 s, EVT-KEY-007) after this wait.
    publish([next])
    await sleep(BOUND + 1000)
    const retired = await eventOf(inSession, peer)
    const answer = await postHonouringRetry(inSession, retired.jws)
    const result = expectRejection(answer, 'ERR_KEY_UNRESOLVED', 401)
    await expectNotObserved(inSession, retired.id)
    const after = await eventOf(inSession, peer, next)
    expectAccepted(
      await postHonouringRetry(inSession, after.jws),
      'the new key after the retirement',
    )
    return result
  })
}

/** What a scenario of a case found. */
interface Outcome {
  readonly expected: unknown
  readonly actual: unknown
}

export const RECEIVER_ROTATION_CASES: readonly LiveCase[] = [
  {
    id: 'live.receiver.key-fetch-failure-retryable',
    title:
      'An event whose sender keys cannot be fetched now is refused 503 ERR_FETCH_FAILED with Retry-After, not 401',
    requirements: ['EVT-KEY-008'],
    profile: 'receiver',
    level: 'MUST',
    async run(ctx) {
      const down = await startVariantPeer(ctx, { failWith: 502 })
      try {
        return await withTrustedPeer(ctx, down.origin, async (inSession) => {
          const { id, jws } = await eventOf(inSession, down)
          const result = expectRetry(await post(inSession, jws), 'the manifest answered 502')
          await expectNotObserved(inSession, id)
          return result
        })
      } finally {
        await down.close()
      }
    },
  },
  {
    id: 'live.receiver.kid-unknown',
    title: 'An event signed with an unpublished key is rejected',
    requirements: ['EVT-KEY-002', 'DLV-INB-001'],
    profile: 'receiver',
    level: 'MUST',
    async run(ctx) {
      // A sender the tool has not fetched yet: its first fetch ends after the event arrived, so
      // the answer is final (EVT-KEY-008), whenever the run reaches this case.
      return withRotatingPeer(ctx, async (inSession, { peer, fresh }) => {
        const unpublished = await eventOf(inSession, peer, await fresh())
        const result = expectRejection(
          await postHonouringRetry(inSession, unpublished.jws),
          'ERR_KEY_UNRESOLVED',
        )
        await expectNotObserved(inSession, unpublished.id)
        return result
      })
    },
  },
  {
    id: 'live.receiver.key-rotation',
    title:
      'The suite rotates its key mid-run: the tool accepts the new kid (a bogus kid sent just before only delays it, 503 with Retry-After, never 401) and refuses the retired key once its copy of the key set is past its maximum age',
    requirements: ['EVT-KEY-006', 'EVT-KEY-007', 'EVT-KEY-008'],
    profile: 'receiver',
    level: 'MUST',
    async run(ctx) {
      // Two senders at once, so that the two waits of 10 seconds overlap.
      const settled = await Promise.allSettled([bogusKidFirst(ctx), retiredKeyRefused(ctx)])
      const found: Outcome[] = []
      for (const outcome of settled) {
        if (outcome.status === 'rejected') throw outcome.reason
        found.push(outcome.value)
      }
      const [bogusKid, retiredKey] = found as [Outcome, Outcome]
      return {
        expected: { bogusKid: bogusKid.expected, retiredKey: retiredKey.expected },
        actual: { bogusKid: bogusKid.actual, retiredKey: retiredKey.actual },
      }
    },
  },
  {
    id: 'live.receiver.revoked-key-refused-at-once',
    title:
      'A key revocation signed with the key is accepted, and the key is refused at once with ERR_KEY_REVOKED though still published; the other keys keep working',
    requirements: ['EVT-REV-002', 'EVT-REV-003'],
    profile: 'receiver',
    level: 'MUST',
    async run(ctx) {
      return withRotatingPeer(ctx, async (inSession, { peer, fresh, publish }) => {
        const other = await fresh()
        // Both stay published: the tool must act on the revocation, not on a refetch.
        publish([peer.key, other])
        const before = await eventOf(inSession, peer)
        expectAccepted(await postHonouringRetry(inSession, before.jws), 'an event under the key')
        const revocation = await signKeyRevocation(peer.key)
        const revoked = await post(inSession, revocation)
        check(
          revoked.status === 202 || revoked.status === 200,
          `the key revocation was not accepted (${revoked.status} ${String(revoked.problemType)})`,
          { revocation: 202 },
          { revocation: revoked.status, type: revoked.problemType },
        )
        const after = await eventOf(inSession, peer)
        const answer = await post(inSession, after.jws)
        const result = expectRejection(answer, 'ERR_KEY_REVOKED', 401)
        await expectNotObserved(inSession, after.id)
        const again = await post(inSession, revocation)
        check(
          again.status === 200 || again.status === 202,
          `the same revocation, sent again, was refused (${again.status})`,
          { again: 200 },
          { again: again.status },
        )
        const unaffected = await eventOf(inSession, peer, other)
        expectAccepted(await postHonouringRetry(inSession, unaffected.jws), "the tool's other key")
        return result
      })
    },
  },
  {
    id: 'live.receiver.revocation-by-another-key-refused',
    title:
      "A key revocation of one key signed with another of the tool's keys is refused, and the key it names keeps working",
    requirements: ['EVT-REV-002'],
    profile: 'receiver',
    level: 'MUST',
    async run(ctx) {
      return withRotatingPeer(ctx, async (inSession, { peer, fresh, publish }) => {
        const thief = await fresh()
        publish([peer.key, thief])
        const warm = await eventOf(inSession, peer)
        expectAccepted(await postHonouringRetry(inSession, warm.jws), 'an event under the key')
        // The holder of the tool's other key tries to revoke the good one.
        const forged = await signRaw(
          { alg: thief.alg, kid: thief.kid, typ: 'cta-key-revocation+jws' },
          JSON.stringify({ revoked: peer.key.kid }),
          thief,
        )
        const result = expectRejection(await post(inSession, forged), 'ERR_SCHEMA_INVALID')
        const still = await eventOf(inSession, peer)
        expectAccepted(await post(inSession, still.jws), 'the key a forged revocation named')
        return result
      })
    },
  },
]
