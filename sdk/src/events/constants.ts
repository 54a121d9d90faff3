/** The `typ` of a signed event (a compact JWS whose payload is the CloudEvent JSON). */
export const EVENT_JWS_TYP = 'cta-event+jws'
/** Longest compact JWS accepted (64 KiB of payload, base64url-encoded, plus header and signature). */
export const MAX_EVENT_JWS_LENGTH = 96 * 1024
/** Longest protected header accepted, base64url-encoded (1 KiB decoded). */
export const MAX_HEADER_LENGTH = 1368
/** Deepest JSON nesting accepted in an event. */
export const MAX_EVENT_DEPTH = 32
/**
 * An event's window, in seconds after its `time`: 72 hours. Producers attempt no delivery of the
 * event after it ([DLV-WIN-001](https://w3id.org/cta/spec/delivery#DLV-WIN-001)); receivers accept
 * the event until it ends, plus the clock skew, and refuse it after that
 * ([EVT-AGE-001](https://w3id.org/cta/spec/events#EVT-AGE-001)). One clock, the event's `time`,
 * for both.
 */
export const EVENT_WINDOW = 72 * 60 * 60
/** How long after its `time` an event is accepted, in seconds: the {@link EVENT_WINDOW}. */
export const DEFAULT_MAX_EVENT_AGE = EVENT_WINDOW
/** Clock skew tolerated between tools, in seconds. */
export const DEFAULT_CLOCK_TOLERANCE = 60
