/**
 * The string formats CTA schemas use, as pure functions. The same functions back the generated
 * validators and the TypeBox format registry used by the differential tests.
 * @internal
 */

// An absolute IRI (RFC 3987): a scheme, a colon, then no spaces, controls or the characters
// RFC 3987 excludes. Deliberately simple: it rejects what would break a parser or a log line.
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`\u0000-\u001f\u007f-\u009f]+$/u

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const

/** Is `value` an absolute IRI of at most 2048 characters? */
export function isIri(value: string): boolean {
  return value.length <= 2048 && IRI.test(value)
}

/** The number written by `count` ASCII digits at `at`, or -1 if any of them is not a digit. */
function digits(value: string, at: number, count: number): number {
  let n = 0
  for (let i = at; i < at + count; i++) {
    const d = value.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n
}

/**
 * Is `value` an RFC 3339 date-time with an upper-case `T`, seconds, at most nine fraction digits
 * and a zone (`Z` or `±hh:mm`), naming a real calendar day? Hand-parsed rather than matched with a
 * regular expression: it runs for every timestamp of every document a receiver validates.
 */
export function isDateTime(value: string): boolean {
  // YYYY-MM-DDTHH:MM:SS is 19 characters; the shortest zone is `Z`.
  if (value.length < 20 || value.length > 64) return false
  const year = digits(value, 0, 4)
  const month = digits(value, 5, 2)
  const day = digits(value, 8, 2)
  const hour = digits(value, 11, 2)
  const minute = digits(value, 14, 2)
  const second = digits(value, 17, 2)
  if (
    year < 0 ||
    value[4] !== '-' ||
    value[7] !== '-' ||
    value[10] !== 'T' ||
    value[13] !== ':' ||
    value[16] !== ':' ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 60
  ) {
    return false
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const maxDay = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0)
  if (day > maxDay) return false
  let i = 19
  if (value[i] === '.') {
    const start = ++i
    while (i < value.length && digits(value, i, 1) >= 0) i++
    if (i === start || i - start > 9) return false
  }
  if (value[i] === 'Z') return i + 1 === value.length
  if (value[i] !== '+' && value[i] !== '-') return false
  const zoneHour = digits(value, i + 1, 2)
  const zoneMinute = digits(value, i + 4, 2)
  return (
    i + 6 === value.length &&
    value[i + 3] === ':' &&
    zoneHour >= 0 &&
    zoneHour <= 23 &&
    zoneMinute >= 0 &&
    zoneMinute <= 59
  )
}

/** Every format, by the name schemas use. */
export const formats: Readonly<Record<'iri' | 'date-time', (value: string) => boolean>> = {
  iri: isIri,
  'date-time': isDateTime,
}
