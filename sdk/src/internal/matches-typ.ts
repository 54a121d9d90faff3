/** ASCII letters only: media types are ASCII, and `'\u212A'.toLowerCase()` is a plain `k`. */
const asciiLower = (s: string): string =>
  s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32))

/**
 * Whether a protected header's `typ` names the media type `application/<expected>`, compared as
 * RFC 7515 §4.1.9 says: case-insensitively (ASCII), with `application/` implied when the value
 * has no `/`. So `cta-event+jws`, `CTA-Event+JWS` and `application/cta-event+jws` all match
 * `cta-event+jws`; `text/cta-event+jws`, a parameter (`; v=1`) or white space do not.
 * @param typ The header's `typ`, of any JSON type; anything but a string never matches.
 * @param expected The registered `typ`, lower case, without `application/`.
 * @see {@link https://w3id.org/cta/spec/events#EVT-SIG-003 EVT-SIG-003}
 * @internal
 */
export function matchesTyp(typ: unknown, expected: string): boolean {
  if (typeof typ !== 'string') return false
  const value = asciiLower(typ)
  return (value.includes('/') ? value : `application/${value}`) === `application/${expected}`
}
