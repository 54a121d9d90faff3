import type { ResourceSpecification } from '../schemas/index.js'
import { ProtocolError } from '../errors.js'
import {
  AMOUNT_DIGITS,
  checkRoundingMode,
  formatDecimal,
  parseDecimal,
  parseRate,
  rescale,
} from './internal/decimal.js'
import { normalizeAmount } from './normalize-amount.js'
import type { RoundingMode } from './round-amount.js'

/**
 * An exchange rate the caller trusts: one unit of `from` is worth `rate` units of `to`. Rates are
 * directional; the SDK never inverts a rate or chains two.
 * @see {@link https://w3id.org/cta/spec/intents#INT-AMT-005 Spec: INT-AMT-005}
 */
export interface ExchangeRate {
  /** The currency IRI converted from. */
  readonly from: string
  /** The currency IRI converted to. */
  readonly to: string
  /** A positive decimal string. */
  readonly rate: string
}

/** Options of {@link convertAmount}. */
export interface ConvertAmountOptions {
  /** The IRI of the amount's currency. */
  readonly from: string
  /** The IRI of the currency to convert into. */
  readonly to: string
  /** The rates to use; one from `from` to `to` must be among them (unless they are equal). */
  readonly rates: readonly ExchangeRate[]
  /** Metadata of the currencies involved: both `from` and `to` must be among them. */
  readonly currencies: readonly ResourceSpecification[]
  /** How to round the result to the decimals of `to`. Defaults to `half-even`. */
  readonly rounding?: RoundingMode
}

/**
 * Converts an amount from one currency into another with a caller-supplied rate: the exact product
 * `amount × rate`, rounded once to the target currency's `decimals`.
 *
 * @param amount The amount in `options.from`; it must respect that currency's decimals.
 * @param options `from`, `to`, `rates`, `currencies` and `rounding`.
 * @returns The amount in `options.to`, with exactly that currency's decimals.
 * @throws {ProtocolError} `ERR_CURRENCY_UNKNOWN` when `from` or `to` has no metadata in `currencies`.
 * @throws {ProtocolError} `ERR_RATE_UNKNOWN` when no rate from `from` to `to` is given.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when `amount` is not an amount.
 * @throws {ProtocolError} `ERR_AMOUNT_PRECISION` when `amount` is more precise than `from` allows.
 * @throws {TypeError} When a rate is not a positive decimal string, or `rounding` is invalid.
 * @example
 * ```ts
 * import { convertAmount, type ResourceSpecification } from '@cta-interop/sdk'
 * declare const usdSpec: ResourceSpecification, nzdSpec: ResourceSpecification
 * const usd = 'https://www.wikidata.org/wiki/Q4917'
 * const nzd = 'https://www.wikidata.org/wiki/Q1472704'
 * convertAmount('30.00', {
 *   from: usd, to: nzd,
 *   rates: [{ from: usd, to: nzd, rate: '1.6843' }],
 *   currencies: [usdSpec, nzdSpec],
 * }) // '50.53' (50.529, half-even)
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-AMT-005 Spec: INT-AMT-005}
 */
export function convertAmount(amount: string, options: ConvertAmountOptions): string {
  const rounding = checkRoundingMode(options.rounding ?? 'half-even')
  const from = metadata(options.currencies, options.from)
  const to = metadata(options.currencies, options.to)
  const source = normalizeAmount(amount, { decimals: from.decimals })
  const decimals = to.decimals
  if (options.from === options.to) return source
  const rate = options.rates.find((r) => r.from === options.from && r.to === options.to)
  if (rate === undefined) {
    throw new ProtocolError('ERR_RATE_UNKNOWN', `no rate from ${options.from} to ${options.to}`)
  }
  const r = parseRate(rate.rate)
  const a = parseDecimal(source, { signed: false, digits: AMOUNT_DIGITS })
  return formatDecimal(
    rescale({ units: a.units * r.units, scale: a.scale + r.scale }, decimals, rounding),
  )
}

function metadata(
  currencies: readonly ResourceSpecification[],
  iri: string,
): ResourceSpecification {
  const spec = currencies.find((c) => c.id === iri)
  if (spec === undefined) {
    throw new ProtocolError('ERR_CURRENCY_UNKNOWN', `no metadata for currency ${iri}`)
  }
  return spec
}
