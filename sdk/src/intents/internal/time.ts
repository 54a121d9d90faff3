/**
 * Reads an RFC 3339 date-time (as the schemas accept it) as milliseconds since the epoch, with the
 * rules the matching semantics fix so that every implementation compares the same instants:
 * fraction digits beyond milliseconds are dropped (truncated), and a leap second (`:60`) is read
 * as `:59.999`. Returns `NaN` for anything else.
 * @internal
 */
export function parseInstant(value: string): number {
  const m = INSTANT.exec(value)
  if (m === null) return Number.NaN
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as string[]
  const second = Number(s)
  const millis = second === 60 ? 999 : Number(((frac ?? '') + '000').slice(0, 3))
  let offset = 0
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000
  }
  const days = daysFromCivil(Number(y), Number(mo), Number(d))
  const seconds = (Number(h) * 60 + Number(mi)) * 60 + Math.min(second, 59)
  return days * 86_400_000 + seconds * 1000 + millis - offset
}

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
}

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
