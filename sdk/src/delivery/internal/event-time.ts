import { decodeBase64url } from '../../internal/base64url.js'
import { parseInstant } from '../../internal/parse-instant.js'

const decoder = new TextDecoder()

/**
 * The `time` of a signed event the producer queued, in milliseconds since the epoch: the clock
 * that bounds its deliveries (DLV-WIN-001). `NaN` when the token holds no readable `time`, which
 * the store's own records never do: `publishEvent` validated it before queueing.
 * @internal
 */
export function eventTimeOf(jws: string): number {
  try {
    const payload = jws.split('.')[1] ?? ''
    const event = JSON.parse(decoder.decode(decodeBase64url(payload))) as { time?: unknown }
    return parseInstant(event.time)
  } catch {
    return Number.NaN
  }
}
