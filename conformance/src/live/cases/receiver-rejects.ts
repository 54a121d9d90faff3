/** The shape of most receiver cases: push one hostile event, expect its refusal code. */
import type { LiveCase, LiveContext } from '../case.js'
import { expectNotObserved, expectRejection, postToInbox, suiteEvent } from './suite-events.js'

/** Turns a valid event of the suite's into the body (and media type) the case pushes. */
export type Mutation = (
  ctx: LiveContext,
  event: Record<string, unknown>,
) => Promise<{ body: string; contentType?: string }>

/**
 * A case that pushes `mutate(valid event)` to the inbox and expects a problem document of `code`
 * (and `status`, when given), and that the tool reports no such event accepted.
 */
export const rejects = (
  id: string,
  title: string,
  requirements: string[],
  code: string,
  mutate: Mutation,
  status?: number,
): LiveCase => ({
  id: `live.receiver.${id}`,
  title,
  // Each also proves the inbox's rejection itself: a problem document whose type names the code.
  requirements: requirements.includes('DLV-INB-001')
    ? requirements
    : [...requirements, 'DLV-INB-001'],
  profile: 'receiver',
  level: 'MUST',
  actions: [],
  async run(ctx) {
    const event = suiteEvent(ctx)
    const { body, contentType } = await mutate(ctx, event)
    let answer = await postToInbox(ctx, body, contentType)
    // A tool that may not fetch the suite's keys again yet answers "retry" (EVT-KEY-008, at most
    // 10 s after its last fetch, EVT-KEY-006): the case retries once, as a producer would.
    if (answer.status === 503 && answer.problemType?.endsWith('#ERR_FETCH_FAILED') === true) {
      await new Promise((resolve) => setTimeout(resolve, 10_500))
      answer = await postToInbox(ctx, body, contentType)
    }
    const result = expectRejection(answer, code, status)
    await expectNotObserved(ctx, event['id'] as string)
    return result
  },
})

/** An event as the JSON text a signer signs. */
export const payload = (event: Record<string, unknown>): string => JSON.stringify(event)
