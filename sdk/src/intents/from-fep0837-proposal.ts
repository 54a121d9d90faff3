import { CONTEXT } from '../constants.js'
import { ProtocolError, SchemaInvalid } from '../errors.js'
import { deepFreeze } from '../internal/freeze.js'
import type { Proposal } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import { isoString } from './internal/time.js'

/** Options of {@link fromFep0837Proposal}. */
export interface FromFep0837ProposalOptions {
  /** The group the proposal is cast into (FEP-0837 has no such member). */
  readonly audience: string
  /** The title to use when the proposal has no `name` (FEP-0837 only recommends one). */
  readonly name?: string
  /** The time to use as `published` when it has none. Defaults to the system clock. */
  readonly now?: Date
}

type Json = Record<string, unknown>

const QUANTITIES = ['resourceQuantity', 'effortQuantity', 'availableQuantity', 'minimumQuantity']

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function notAProposal(instancePath: string, message: string): SchemaInvalid {
  return new SchemaInvalid([{ instancePath, keyword: 'type', message }])
}

/** An AS2 reference: an IRI, or an object with an `id` (the first of an array). */
function ref(value: unknown): unknown {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value
  if (isObject(first)) return typeof first['id'] === 'string' ? first['id'] : first
  return first
}

/** A link: an IRI, or a `Link` with an `href` (the first of an array). */
function link(value: unknown): unknown {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value
  return isObject(first) && typeof first['href'] === 'string' ? first['href'] : first
}

/**
 * A JSON number as a decimal string, only when it can be exact: a safe integer, or a number whose
 * shortest decimal form has no exponent and at most 15 significant digits (what a double carries
 * without change). Everything else was possibly altered by the sender's JSON parser.
 */
function amountOf(value: unknown, path: string): unknown {
  if (typeof value !== 'number') return value
  const text = String(value)
  const significant = text.replace(/^[-0.]+/, '').replace('.', '').length
  const exact = Number.isInteger(value) ? Number.isSafeInteger(value) : significant <= 15
  if (!Number.isFinite(value) || value < 0 || /e/i.test(text) || !exact) {
    throw new ProtocolError('ERR_AMOUNT_INVALID', `${path} is a JSON number that is not exact`)
  }
  return text
}

function intentOf(input: unknown, path: string): unknown {
  if (!isObject(input)) return input
  const out: Json = {}
  for (const key of ['id', 'type', 'action', 'name', 'note', 'hasBeginning', 'hasEnd']) {
    if (input[key] !== undefined) out[key] = input[key]
  }
  for (const key of ['provider', 'receiver', 'resourceConformsTo']) {
    if (input[key] !== undefined) out[key] = ref(input[key])
  }
  for (const key of QUANTITIES) {
    const q = input[key]
    // FEP-0837 allows a quantity without a value ("arbitrary amounts"): it states no bound.
    if (isObject(q) && q['hasNumericalValue'] === undefined) continue
    out[key] = isObject(q)
      ? {
          hasUnit: q['hasUnit'],
          hasNumericalValue: amountOf(q['hasNumericalValue'], `${path}/${key}`),
        }
      : q
  }
  return out
}

function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

function nameOf(input: Json, options: FromFep0837ProposalOptions): unknown {
  if (input['name'] !== undefined) return input['name']
  if (options.name !== undefined) return options.name
  const content = typeof input['content'] === 'string' ? textOf(input['content']) : ''
  if (content !== '') return Array.from(content).slice(0, 256).join('')
  return input['purpose'] === 'request' ? 'Untitled request' : 'Untitled offer'
}

/**
 * Reads a proposal published as FEP-0837 ("Federated Marketplace") describes it, with its own
 * inline JSON-LD context, into a CTA `Proposal`: the pinned context replaces the inline one (its
 * terms map to the same ValueFlows and OM 2.0 IRIs), `audience` comes from the options, `to` is
 * made an array, AS2 references given as objects are reduced to their `id`, quantities without a
 * value (allowed by FEP-0837) are left out, and members CTA does not define (`location`, …) are
 * dropped. The result is validated like any proposal from a peer.
 *
 * @param input The FEP-0837 proposal, parsed JSON from a peer.
 * @param options `audience` (required), and `name` and `now` for the members FEP-0837 only recommends.
 * @returns The CTA proposal, validated and frozen.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the input is not a proposal (its `type` is
 *   neither `Proposal` nor `Note`) or the result does not validate.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when an amount is a JSON number that cannot be
 *   exact (an exponent, more than 15 significant digits, an unsafe integer, a negative number).
 * @example
 * ```ts
 * import { fromFep0837Proposal } from '@cta-interop/sdk'
 * const proposal = fromFep0837Proposal(JSON.parse(body), {
 *   audience: 'https://decisions.example/g/harbour-commons',
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-FEP-001 Spec: INT-FEP-001}
 */
export function fromFep0837Proposal(input: unknown, options: FromFep0837ProposalOptions): Proposal {
  if (!isObject(options)) {
    throw new TypeError('options.audience is required')
  }
  if (!isObject(input)) throw notAProposal('', 'must be object')
  const types = Array.isArray(input['type']) ? (input['type'] as unknown[]) : [input['type']]
  if (!types.includes('Proposal') && !types.includes('Note')) {
    throw notAProposal('/type', 'must be Proposal (or Note, as FEP-0837 allows)')
  }
  const doc: Json = {
    '@context': CONTEXT,
    id: input['id'],
    type: 'Proposal',
    purpose: input['purpose'],
    name: nameOf(input, options),
  }
  for (const key of ['summary', 'content', 'updated', 'endTime', 'unitBased']) {
    if (input[key] !== undefined) doc[key] = input[key]
  }
  if (input['url'] !== undefined) doc['url'] = link(input['url'])
  doc['attributedTo'] = ref(input['attributedTo'])
  doc['published'] = input['published'] ?? isoString(options.now ?? new Date())
  doc['audience'] = options.audience
  const to = input['to']
  if (to !== undefined) doc['to'] = [...new Set(Array.isArray(to) ? (to as unknown[]) : [to])]
  if (Array.isArray(input['tag'])) {
    // Hashtags and mentions only, reduced to the members CTA defines (AS2 peers add others).
    doc['tag'] = (input['tag'] as unknown[]).flatMap((t) =>
      isObject(t) && (t['type'] === 'Hashtag' || t['type'] === 'Mention')
        ? [
            {
              type: t['type'],
              name: t['name'],
              ...(t['href'] === undefined ? {} : { href: t['href'] }),
            },
          ]
        : [],
    )
  }
  doc['publishes'] = intentOf(input['publishes'], '/publishes')
  if (input['reciprocal'] !== undefined) {
    doc['reciprocal'] = intentOf(input['reciprocal'], '/reciprocal')
  }
  return deepFreeze(assertValid(doc, { kind: 'Proposal' }))
}
