/** The `typ` of a signed event (a compact JWS whose payload is the CloudEvent JSON). */
export const EVENT_JWS_TYP = 'cta-event+jws'
/** Longest compact JWS accepted (64 KiB of payload, base64url-encoded, plus header and signature). */
export const MAX_EVENT_JWS_LENGTH = 96 * 1024
/** Longest protected header accepted, base64url-encoded (1 KiB decoded). */
export const MAX_HEADER_LENGTH = 1368
/** Deepest JSON nesting accepted in an event. */
export const MAX_EVENT_DEPTH = 32
/** How long after its `time` an event is still accepted, in seconds: the retry window and slack. */
export const DEFAULT_MAX_EVENT_AGE = 4 * 24 * 60 * 60
/** Clock skew tolerated between tools, in seconds. */
export const DEFAULT_CLOCK_TOLERANCE = 60
