export { parseInstant } from '../../internal/parse-instant.js'

/** The current time of a clock, in milliseconds. @internal */
export function nowOf(clock: (() => number) | undefined): number {
  const now = clock === undefined ? Date.now() : clock()
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new TypeError('the clock must return milliseconds since the epoch')
  }
  return now
}

/** A date as RFC 3339 in UTC, without a `.000` millisecond part when it has none. @internal */
export function isoString(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z')
}
