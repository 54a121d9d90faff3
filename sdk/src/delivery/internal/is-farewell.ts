import { decodeBase64url } from '../../internal/base64url.js'
import type { Subscription } from '../../stores/delivery-store.js'

const decoder = new TextDecoder()

/** The event that tells a tool its installation in a group ended. */
const DISCONNECTED = 'tech.collaborative.group.tool.disconnected'

/**
 * Whether a queued event is the `tech.collaborative.group.tool.disconnected` event of the
 * subscriber's own installation in the subscription's group: the one event a producer may still
 * deliver to a subscriber whose installation ended (DLV-SUB-009), so that the tool learns it and
 * ends its members' access (AUTH-END-003). It carries the installation, no member data.
 * @internal
 */
export function isFarewell(
  jws: string,
  subscription: Pick<Subscription, 'group' | 'subscriber'>,
): boolean {
  try {
    const payload = jws.split('.')[1] ?? ''
    const event = JSON.parse(decoder.decode(decodeBase64url(payload))) as {
      type?: unknown
      group?: unknown
      data?: { object?: { tool?: unknown } }
    }
    return (
      event.type === DISCONNECTED &&
      event.group === subscription.group &&
      event.data?.object?.tool === subscription.subscriber
    )
  } catch {
    return false
  }
}
