// What the profiles' render functions share: reading other tools' data defensively (any field may
// be missing or of the wrong type) and writing it escaped. Nothing here throws on bad data.
import { esc } from '../../src/http.js'
import type { EventData } from '../render-kinds.js'

/** A non-empty string, else `undefined`. */
export const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined
/** An object (not an array), else `{}`. */
export const obj = (value: unknown): EventData =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as EventData) : {}
/** An array, else `[]`; at most 200 items are read. */
export const list = (value: unknown): readonly unknown[] =>
  Array.isArray(value) ? value.slice(0, 200) : []
/** A finite, non-negative safe integer, else `undefined`. */
export const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined
/** An IRI, or the `id` of an object. */
export const idOf = (value: unknown): string | undefined => str(value) ?? str(obj(value)['id'])

/** Bold, escaped. */
export const b = (text: string): string => `<strong>${esc(text)}</strong>`
/** In quotation marks, escaped. */
export const quoted = (text: string): string => `“${esc(text)}”`
/** Text with any markup removed and cut to `max` characters, escaped. */
export function plain(text: unknown, max = 280): string | undefined {
  const t = str(text)
    ?.replace(/<[^>]*>?/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  if (t === undefined || t === '') return undefined
  const points = Array.from(t)
  return esc(points.length <= max ? t : `${points.slice(0, max - 1).join('')}…`)
}

/** A point in time, readable (`10 Dec 2026, 09:00 UTC`), the exact instant on hover. */
export function dateText(iso: unknown): string | undefined {
  const s = str(iso)
  const t = s === undefined ? Number.NaN : Date.parse(s)
  if (Number.isNaN(t)) return undefined
  const d = new Date(t)
  const day = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(d)
  const exact = d.toISOString().replace(/\.\d{3}Z$/, 'Z')
  const hm = exact.slice(11, 16)
  return `<span class="date" title="${esc(exact.replace('T', ' ').replace('Z', ' UTC'))}">${esc(hm === '00:00' ? day : `${day}, ${hm} UTC`)}</span>`
}

/** A status as a small badge whose colour follows it (`funded`, `blocked`, `completed`). */
export const badge = (status: string, tone = status): string =>
  `<span class="kind-status status-${esc(tone.replace(/[^a-zA-Z-]/g, ''))}">${esc(status)}</span>`

/** A line of details under the sentence. */
export const details = (parts: readonly (string | undefined)[]): string => {
  const shown = parts.filter((p): p is string => p !== undefined && p !== '')
  return shown.length === 0 ? '' : `<p class="kind-details">${shown.join(' · ')}</p>`
}

const DECIMAL = /^(-?)(\d{1,40})(?:\.(\d{1,18}))?$/

/** An exact decimal as an integer of its smallest unit and its scale; `undefined` when it is none. */
export function decimal(value: unknown): { units: bigint; scale: number } | undefined {
  const m = typeof value === 'string' ? DECIMAL.exec(value) : null
  if (m === null) return undefined
  const fraction = m[3] ?? ''
  const units = BigInt(`${m[2] ?? '0'}${fraction}`)
  return { units: m[1] === '-' ? -units : units, scale: fraction.length }
}

const scaled = (d: { units: bigint; scale: number }, scale: number) =>
  d.units * 10n ** BigInt(scale - d.scale)

/** The exact sum of decimals (`undefined` ones skipped), written with the most digits any has. */
export function sum(values: readonly unknown[]): string {
  const ds = values.map(decimal).filter((d) => d !== undefined)
  const scale = Math.max(0, ...ds.map((d) => d.scale))
  const total = ds.reduce((acc, d) => acc + scaled(d, scale), 0n)
  const negative = total < 0n
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0')
  const whole = digits.slice(0, digits.length - scale)
  return `${negative ? '-' : ''}${whole}${scale === 0 ? '' : `.${digits.slice(-scale)}`}`
}

/** `a / b` as a number between 0 and 1 (for a bar's width only), `undefined` when unreadable. */
export function ratio(a: unknown, b: unknown): number | undefined {
  const x = decimal(a)
  const y = decimal(b)
  if (x === undefined || y === undefined || y.units <= 0n) return undefined
  const scale = Math.max(x.scale, y.scale)
  const r = Number((scaled(x, scale) * 10000n) / scaled(y, scale)) / 10000
  return Math.min(1, Math.max(0, r))
}

/** A width for a bar, as a CSS percentage with at most one decimal (`40.5%`). */
export const percent = (r: number): string => `${String(Math.round(r * 1000) / 10)}%`
