// The bridge's outbound side: a CTA event the bridge received, delivered to the tool's webhook URL
// as a Standard Webhook signed with the tool's secret, retried a few times at once. When every try
// fails, the caller (the bridge's inbox) throws: nothing is recorded and the CTA producer retries
// later from its durable outbox.
import { createHash } from 'node:crypto'
import type { Event } from '@cta-interop/sdk'
import { Webhook } from 'standardwebhooks'

/** Options of {@link sendWebhook}. */
export interface SendWebhookOptions {
  readonly secret: string
  readonly url: string
  /** Waits between tries, in milliseconds: one more try than waits. Default `[200, 800]`. */
  readonly backoff?: readonly number[]
  /** Timeout of one try, in milliseconds. Default 5000. */
  readonly timeout?: number
}

/**
 * The `webhook-id` of an event: the same for every try and every copy of the event, so that the
 * tool can drop duplicates (an event is unique by its `source` and `id`).
 */
export function webhookIdOf(event: Event): string {
  return `msg_${createHash('sha256').update(`${event.source} ${event.id}`).digest('base64url').slice(0, 32)}`
}

/**
 * Delivers one event: the body is `{ type, timestamp, data }` (Standard Webhooks' payload
 * structure), `data` being the verified CTA event. A 2xx answer delivers it.
 *
 * @throws {Error} When no try got a 2xx answer.
 */
export async function sendWebhook(event: Event, options: SendWebhookOptions): Promise<void> {
  const webhook = new Webhook(options.secret)
  const id = webhookIdOf(event)
  const payload = JSON.stringify({ type: event.type, timestamp: event.time, data: event })
  const waits = options.backoff ?? [200, 800]
  let last: unknown
  for (let attempt = 0; attempt <= waits.length; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, waits[attempt - 1]))
    const sent = new Date()
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(sent.getTime() / 1000)),
          'webhook-signature': webhook.sign(id, sent, payload),
        },
        body: payload,
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeout ?? 5000),
      })
      await response.body?.cancel().catch(() => undefined)
      if (response.ok) return
      last = new Error(`the tool's webhook answered ${response.status}`)
    } catch (err) {
      last = err
    }
  }
  throw new Error('the tool’s webhook did not take the event', { cause: last })
}
