import { ProtocolError, type ProtocolErrorCode } from '../errors.js'
import { isDateTime } from '../validate/formats.js'

/**
 * Reads an RFC 3339 date-time, as DOC-TIME-001 allows it, as milliseconds since the epoch. Every
 * comparison of a time in the SDK goes through here, so that every implementation compares the
 * same instants: fraction digits beyond milliseconds are dropped (truncated), and a leap second
 * (`:60`) is read as the last millisecond of its minute, `:59.999`. Returns `NaN` for anything
 * that is not such a date-time (a lower-case `t`, no zone, 30 February, `:61`, a number, …);
 * callers that compare use {@link readInstant}, which refuses instead.
 * @see {@link https://w3id.org/cta/spec/events#EVT-TIME-001 Spec: EVT-TIME-001}
 * @internal
 */
export function parseInstant(value: unknown): number {
  if (typeof value !== 'string' || !isDateTime(value)) return Number.NaN
  const m = INSTANT.exec(value)
  if (m === null) return Number.NaN
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as string[]
  const second = Number(s)
  const millis = second === 60 ? 999 : Number(((frac ?? '') + '000').slice(0, 3))
  let offset = 0
  if (zone !== 'Z') {
    const sign = (zone as string).startsWith('-') ? -1 : 1
    offset =
      sign * (Number((zone as string).slice(1, 3)) * 60 + Number((zone as string).slice(4, 6)))
  }
  const days = daysFromCivil(Number(y), Number(mo), Number(d))
  const seconds = (Number(h) * 60 + Number(mi) - offset) * 60 + Math.min(second, 59)
  return days * 86_400_000 + seconds * 1000 + millis
}

/**
 * Like {@link parseInstant}, but a time that cannot be compared is refused rather than read as
 * `NaN` (every comparison with `NaN` is false, so it would pass every check it meets).
 * @param value The date-time, as received.
 * @param code The code to refuse it with. Default `ERR_SCHEMA_INVALID`.
 * @returns Milliseconds since the epoch.
 * @throws {ProtocolError} `code` when `value` is not an RFC 3339 date-time of DOC-TIME-001.
 * @see {@link https://w3id.org/cta/spec/events#EVT-TIME-001 Spec: EVT-TIME-001}
 * @internal
 */
export function readInstant(
  value: unknown,
  code: ProtocolErrorCode = 'ERR_SCHEMA_INVALID',
): number {
  const instant = parseInstant(value)
  if (!Number.isFinite(instant)) {
    throw new ProtocolError(code, 'a time is not an RFC 3339 date-time that can be compared')
  }
  return instant
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
