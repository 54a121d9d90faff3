import { createInbox, type Msg, type NatsConnection } from '@nats-io/transport-node'

/** A message pulled from a consumer, with the reply subject that acknowledges it. */
export interface PulledMessage {
  readonly data: Uint8Array
  /** The `$JS.ACK…` subject of this delivery of the message. */
  readonly reply: string
}

/**
 * Pulls up to `batch` messages that are available now from a durable pull consumer, without
 * waiting for more (`no_wait`): the delivery worker polls, so a claim must come back at once
 * with what there is. `@nats-io/jetstream`'s `fetch` waits at least a second for a full batch.
 */
export async function pullNow(
  nc: NatsConnection,
  stream: string,
  consumer: string,
  batch: number,
  timeoutMs = 5000,
): Promise<PulledMessage[]> {
  const inbox = createInbox()
  const messages: PulledMessage[] = []
  const sub = nc.subscribe(inbox)
  const timer = setTimeout(() => {
    sub.unsubscribe()
  }, timeoutMs)
  try {
    nc.publish(
      `$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`,
      JSON.stringify({ batch, no_wait: true }),
      { reply: inbox },
    )
    for await (const m of sub as AsyncIterable<Msg>) {
      // Status messages (404 no messages, 408 request expired, 409 …) end the pull.
      if (m.headers !== undefined && m.headers.code >= 100 && m.data.length === 0) break
      if (m.reply === undefined || m.reply === '') continue
      messages.push({ data: m.data, reply: m.reply })
      if (messages.length >= batch) break
    }
  } finally {
    clearTimeout(timer)
    sub.unsubscribe()
  }
  return messages
}

/** Removes a message from the work queue (its delivery is finished). */
export function ackMessage(nc: NatsConnection, reply: string): void {
  nc.publish(reply, '+ACK')
}

/** Hands a message back to the consumer, to be delivered again after `delayMs`. */
export function nakMessage(nc: NatsConnection, reply: string, delayMs: number): void {
  const delay = Math.max(0, Math.round(delayMs)) * 1_000_000
  nc.publish(reply, delay > 0 ? `-NAK ${JSON.stringify({ delay })}` : '-NAK')
}

/** Tells the server the holder is still working on a message: its ack wait starts again. */
export function workingMessage(nc: NatsConnection, reply: string): void {
  nc.publish(reply, '+WPI')
}
