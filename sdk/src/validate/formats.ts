/**
 * The string formats CTA schemas use, as pure functions. The same functions back the generated
 * validators and the TypeBox format registry used by the differential tests.
 * @internal
 */

// An absolute IRI (RFC 3987): a scheme, a colon, then no spaces, controls or the characters
// RFC 3987 excludes. Deliberately simple: it rejects what would break a parser or a log line.
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`\u0000-\u001f\u007f-\u009f]+$/u

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const

/** Is `value` an absolute IRI of at most 2048 characters? */
export function isIri(value: string): boolean {
  return value.length <= 2048 && IRI.test(value)
}

/** Is `value` an RFC 3339 date-time with an upper-case `T` and a zone (`Z` or `±hh:mm`)? */
export function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value)
  if (m === null) return false
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const maxDay = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0)
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= maxDay &&
    Number(m[4]) <= 23 &&
    Number(m[5]) <= 59 &&
    Number(m[6]) <= 60 &&
    (m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59))
  )
}

/** Every format, by the name schemas use. */
export const formats: Readonly<Record<'iri' | 'date-time', (value: string) => boolean>> = {
  iri: isIri,
  'date-time': isDateTime,
}
