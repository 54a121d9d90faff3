/**
 * Reads a `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns the
 * delay in seconds from `now` (0 for a date in the past), or `undefined` when the value is neither
 * form, so that the caller falls back to its own schedule.
 * @internal
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined
  const text = value.trim()
  if (/^\d{1,10}$/.test(text)) return Number(text)
  // IMF-fixdate, and the obsolete RFC 850 and asctime forms that Date.parse also reads.
  if (!/^[A-Za-z]{3},? /.test(text) && !/^[A-Za-z]{6,9}, /.test(text)) return undefined
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, Math.ceil((date - now) / 1000))
}
