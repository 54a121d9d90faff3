// The bridge's inbound side: a Standard Webhook from a tool that does not run the SDK, verified
// (HMAC signature, timestamp tolerance, size) and parsed before anything is stored. The `webhook-id`
// replay check is the caller's, after the document was validated (see bridge.ts), so that a refused
// request leaves nothing behind.
import { ProtocolError } from '@cta-interop/sdk'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'

/** The Standard Webhooks library's own bound on the timestamp's age, in seconds. */
export const MAX_WEBHOOK_TOLERANCE = 300

/** What a tool posts: an activity, its event type and its group. */
export interface BridgedActivity {
  /** The CTA event type, one of the types the tool's manifest `emits`. */
  readonly type: string
  /** The group the activity belongs to (its `audience`). */
  readonly group: string
  /** The ActivityStreams activity, as in the event's `data`; `@context` may be left out. */
  readonly activity: Record<string, unknown>
}

/** A verified, parsed webhook: its id (for the replay check) and its content. */
export interface ReceivedWebhook {
  readonly webhookId: string
  readonly timestamp: Date
  readonly body: BridgedActivity
}

/** Options of {@link receiveWebhook}. */
export interface ReceiveWebhookOptions {
  /** The tool's secret, `whsec_<base64>` as Standard Webhooks writes it. */
  readonly secret: string
  /** Largest body accepted, in bytes. */
  readonly maxBodyBytes: number
  /** How far the `webhook-timestamp` may be from now, in seconds (at most 300). */
  readonly tolerance: number
  /** "Now", for tests. */
  readonly now?: () => number
}

async function readCapped(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0')
  if (declared > maxBytes)
    throw new ProtocolError('ERR_TOO_LARGE', `body larger than ${maxBytes} bytes`)
  if (request.body === null) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw new ProtocolError('ERR_TOO_LARGE', `body larger than ${maxBytes} bytes`)
    }
    chunks.push(value)
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks))
  } catch {
    throw new ProtocolError('ERR_JSON_INVALID', 'the body is not UTF-8')
  }
}

/**
 * Verifies and parses one Standard Webhook: the body's size first (`ERR_TOO_LARGE`, 413), then
 * the headers and the timestamp (`ERR_EVENT_STALE` / `ERR_EVENT_FUTURE`, 422), the HMAC signature
 * (`ERR_SIGNATURE_INVALID`, 401), and the JSON (`ERR_JSON_INVALID`, 400; a body that is not an
 * object with `type`, `group` and `activity`: `ERR_REQUEST_INVALID`, 400).
 */
export async function receiveWebhook(
  request: Request,
  options: ReceiveWebhookOptions,
): Promise<ReceivedWebhook> {
  const payload = await readCapped(request, options.maxBodyBytes)
  const id = request.headers.get('webhook-id')
  const timestamp = request.headers.get('webhook-timestamp')
  const signature = request.headers.get('webhook-signature')
  if (id === null || timestamp === null || signature === null || id === '' || id.length > 256)
    throw new ProtocolError(
      'ERR_SIGNATURE_INVALID',
      'webhook-id, webhook-timestamp and webhook-signature are required',
    )
  const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : Number.NaN
  if (!Number.isFinite(seconds))
    throw new ProtocolError('ERR_SIGNATURE_INVALID', 'webhook-timestamp is not a Unix time')
  const now = Math.floor((options.now ?? Date.now)() / 1000)
  const tolerance = Math.min(options.tolerance, MAX_WEBHOOK_TOLERANCE)
  if (now - seconds > tolerance)
    throw new ProtocolError('ERR_EVENT_STALE', `webhook-timestamp older than ${tolerance} s`)
  if (seconds - now > tolerance)
    throw new ProtocolError('ERR_EVENT_FUTURE', `webhook-timestamp more than ${tolerance} s ahead`)
  try {
    new Webhook(options.secret).verify(
      payload,
      {
        'webhook-id': id,
        'webhook-timestamp': timestamp,
        'webhook-signature': signature,
      },
      { jsonParse: false },
    )
  } catch (err) {
    if (!(err instanceof WebhookVerificationError)) throw err
    // A fixed detail: which check failed stays here.
    throw new ProtocolError('ERR_SIGNATURE_INVALID', 'the webhook signature does not verify', {
      cause: err,
    })
  }
  let body: unknown
  try {
    body = JSON.parse(payload)
  } catch (err) {
    throw new ProtocolError('ERR_JSON_INVALID', 'the body is not JSON', { cause: err })
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    typeof (body as { type?: unknown }).type !== 'string' ||
    typeof (body as { group?: unknown }).group !== 'string' ||
    typeof (body as { activity?: unknown }).activity !== 'object' ||
    (body as { activity?: unknown }).activity === null ||
    Array.isArray((body as { activity?: unknown }).activity)
  )
    throw new ProtocolError(
      'ERR_REQUEST_INVALID',
      'the body must be an object with type, group and activity',
    )
  return { webhookId: id, timestamp: new Date(seconds * 1000), body: body as BridgedActivity }
}
