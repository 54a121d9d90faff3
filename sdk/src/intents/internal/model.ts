import type { EmbeddedIntent, Proposal, Quantity } from '../../schemas/index.js'
import { normalizeAmount } from '../normalize-amount.js'
import { AMOUNT_DIGITS, parseDecimal, pow10 } from './decimal.js'
import { parseInstant } from './time.js'

// The matching semantics of spec/intents.md ("Matching"), as data and pure functions. Both the
// indexed matcher and the linear reference scan call `evaluate`, so they apply the very same rules.

/** Every amount and quantity is held as an integer number of 10^-30 units. */
const SCALE = AMOUNT_DIGITS
/** Scores are truncated to this many units: six fraction digits. */
const MICRO = 1_000_000n

/** What a proposal asks or gives in return, when it states one (resource and quantity). */
export interface Stated {
  readonly resource: string
  readonly unit: string
  readonly action: string
  readonly amount: bigint
}

/**
 * A proposal as the matcher sees it: everything the rules read, parsed once.
 * @internal
 */
export interface Entry {
  readonly id: string
  readonly proposal: Proposal
  readonly offer: boolean
  readonly group: string
  readonly author: string
  readonly resource: string | undefined
  /** Normalized hashtag names, distinct. */
  readonly tags: readonly string[]
  readonly action: string
  /** The unit of the primary intent's quantities, if it states any. */
  readonly unit: string | undefined
  readonly min: bigint
  /** The most it offers or wants; `undefined` is unbounded. */
  readonly max: bigint | undefined
  /** The quantity a unit-based price refers to, when the proposal is unit-based. */
  readonly basis: bigint | undefined
  readonly start: number
  readonly end: number
  readonly expires: number
  readonly published: number
  readonly version: number
  readonly price: Stated | undefined
  /** The last query that collected this entry (dedupe in the index). */
  stamp: number
}

/** Caller configuration the rules depend on. @internal */
export interface Rules {
  readonly allowSameAuthor: boolean
  /** `rates.get(from)?.get(to)`: one `from` is worth `rate / 10^30` `to`. */
  readonly rates: ReadonlyMap<string, ReadonlyMap<string, bigint>>
  /** Known currencies' decimals. */
  readonly decimals: ReadonlyMap<string, number>
}

/** A compatible pair, with its score in millionths. @internal */
export interface Pair {
  readonly entry: Entry
  readonly micro: number
}

function scaled(q: Quantity): bigint {
  const d = parseDecimal(q.hasNumericalValue, { signed: false, digits: SCALE })
  return d.units * pow10(SCALE - d.scale)
}

/** The normalized form of a hashtag name: without one leading `#`, lower-cased. @internal */
export function normalizeTag(name: string): string {
  return (name.startsWith('#') ? name.slice(1) : name).toLowerCase()
}

const NONE: readonly string[] = Object.freeze([])

function tagsOf(proposal: Proposal): readonly string[] {
  if (proposal.tag === undefined || proposal.tag.length === 0) return NONE
  const out = new Set<string>()
  for (const tag of proposal.tag) {
    if (tag.type !== 'Hashtag') continue
    const name = normalizeTag(tag.name)
    if (name !== '') out.add(name)
  }
  return out.size === 0 ? NONE : [...out]
}

function stated(intent: EmbeddedIntent | undefined, rules: Rules): Stated | undefined {
  const resource = intent?.resourceConformsTo
  const quantity = intent?.resourceQuantity
  if (intent === undefined || resource === undefined || quantity === undefined) return undefined
  const decimals = rules.decimals.get(resource)
  // A known currency's decimals bound its amounts (ERR_AMOUNT_PRECISION otherwise).
  if (decimals !== undefined) normalizeAmount(quantity.hasNumericalValue, { decimals })
  return { resource, unit: quantity.hasUnit, action: intent.action, amount: scaled(quantity) }
}

/**
 * Reads a schema-valid proposal into an entry.
 * @throws {ProtocolError} `ERR_AMOUNT_PRECISION` when its price is more precise than its
 *   (known) currency allows.
 * @internal
 */
export function toEntry(proposal: Proposal, rules: Rules): Entry {
  const p = proposal.publishes
  const most = p.availableQuantity ?? p.resourceQuantity ?? p.effortQuantity
  const least = p.minimumQuantity
  const unit = most?.hasUnit ?? least?.hasUnit
  const base = p.resourceQuantity ?? p.effortQuantity
  const basis =
    proposal.unitBased === true && base !== undefined && base.hasUnit === unit
      ? scaled(base)
      : undefined
  return {
    id: proposal.id,
    proposal,
    offer: proposal.purpose === 'offer',
    group: proposal.audience,
    author: proposal.attributedTo,
    resource: p.resourceConformsTo,
    tags: tagsOf(proposal),
    action: p.action,
    unit,
    min: least !== undefined && least.hasUnit === unit ? scaled(least) : 0n,
    max: most === undefined ? undefined : scaled(most),
    basis: basis === 0n ? undefined : basis,
    start: p.hasBeginning === undefined ? -Infinity : parseInstant(p.hasBeginning),
    end: p.hasEnd === undefined ? Infinity : parseInstant(p.hasEnd),
    expires: proposal.endTime === undefined ? Infinity : parseInstant(proposal.endTime),
    published: parseInstant(proposal.published),
    version: parseInstant(proposal.updated ?? proposal.published),
    price: stated(proposal.reciprocal, rules),
    stamp: 0,
  }
}

const ACTION_CLASS: Readonly<Record<string, string>> = {
  transferAllRights: 'transfer',
  work: 'deliverService',
}

/** Two actions are compatible when equal or in the same class (spec: INT-MAT-005). @internal */
export function compatibleActions(a: string, b: string): boolean {
  return a === b || (ACTION_CLASS[a] ?? a) === (ACTION_CLASS[b] ?? b)
}

function minOf(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return a < b ? a : b
}

/** A price or budget at the exchanged quantity: a fraction `n / d` of 10^-30 units. */
function atQuantity(e: Entry, amount: bigint, q: bigint | undefined): [bigint, bigint] {
  return e.basis !== undefined && q !== undefined ? [amount * q, e.basis] : [amount, 1n]
}

/**
 * Applies the compatibility rules other than identity, purpose, author, expiry and visibility
 * (which the callers check first, where their index makes it cheap) and scores the pair.
 * @returns The score in millionths, or -1 when the pair is not compatible.
 * @internal
 */
export function evaluate(q: Entry, c: Entry, queryTags: ReadonlySet<string>, rules: Rules): number {
  // Resource: the same kind, or at least one hashtag in common.
  let resNum = 1n
  let resDen = 1n
  if (q.resource === undefined || q.resource !== c.resource) {
    let shared = 0
    for (const t of c.tags) if (queryTags.has(t)) shared++
    if (shared === 0) return -1
    resNum = BigInt(shared)
    resDen = BigInt(q.tags.length + c.tags.length - shared)
  }
  if (!compatibleActions(q.action, c.action)) return -1
  // Quantities: the same unit, and [min, max] ranges that overlap.
  if (q.unit !== undefined && c.unit !== undefined && q.unit !== c.unit) return -1
  const exchanged = minOf(q.max, c.max)
  const floor = q.min > c.min ? q.min : c.min
  if (exchanged !== undefined && floor > exchanged) return -1
  // Time windows: closed intervals that overlap.
  if ((q.start > c.start ? q.start : c.start) > (q.end < c.end ? q.end : c.end)) return -1
  const offer = q.offer ? q : c
  const request = q.offer ? c : q
  // Quantity fit: how much of the request the exchange covers.
  let qtyNum = 1n
  let qtyDen = 1n
  if (exchanged !== undefined && request.max !== undefined && request.max > 0n) {
    qtyNum = exchanged
    qtyDen = request.max
  }
  // Price: when both state one, the offer's cost must be within the request's budget.
  let priceNum = 1n
  let priceDen = 1n
  const cost = offer.price
  const budget = request.price
  if (cost !== undefined && budget !== undefined) {
    if (cost.unit !== budget.unit || !compatibleActions(cost.action, budget.action)) return -1
    let [cn, cd] = atQuantity(offer, cost.amount, exchanged)
    let [bn, bd] = atQuantity(request, budget.amount, exchanged)
    if (cost.resource !== budget.resource) {
      const forward = rules.rates.get(cost.resource)?.get(budget.resource)
      const inverse =
        forward === undefined ? rules.rates.get(budget.resource)?.get(cost.resource) : undefined
      if (forward !== undefined) {
        cn *= forward
        cd *= pow10(SCALE)
      } else if (inverse !== undefined) {
        bn *= inverse
        bd *= pow10(SCALE)
      } else {
        return -1
      }
    }
    // cost <= budget  <=>  cn * bd <= bn * cd (denominators are positive)
    const left = cn * bd
    const right = bn * cd
    if (left > right) return -1
    if (right > 0n) {
      // 1 - (cost / budget) / 2
      priceNum = 2n * right - left
      priceDen = 2n * right
    }
  }
  // score = (2 * resource + quantity + price) / 4, truncated to millionths.
  const num =
    2n * resNum * qtyDen * priceDen + qtyNum * resDen * priceDen + priceNum * resDen * qtyDen
  const den = 4n * resDen * qtyDen * priceDen
  return Number((num * MICRO) / den)
}

/**
 * Compares two strings by Unicode code point (the order of their UTF-8 bytes), not by UTF-16 code
 * unit as `<` does, so that every language sorts identifiers alike.
 * @internal
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x === y) continue
    // Surrogates (U+D800–U+DFFF) stand for code points above U+FFFF: move them above U+E000–U+FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x += x < 0xe000 ? 0x2000 : -0x800
      y += y < 0xe000 ? 0x2000 : -0x800
    }
    return x - y
  }
  return a.length - b.length
}

/** The ranking: score descending, then `published` ascending, then `id` by code point. @internal */
export function rank(a: Pair, b: Pair): number {
  return (
    b.micro - a.micro ||
    a.entry.published - b.entry.published ||
    compareCodePoints(a.entry.id, b.entry.id)
  )
}

/** A score in millionths as the decimal string a `Match` carries (`'0.975'`, `'1'`). @internal */
export function formatScore(micro: number): string {
  if (micro >= 1_000_000) return '1'
  if (micro <= 0) return '0'
  return `0.${String(micro).padStart(6, '0').replace(/0+$/, '')}`
}
