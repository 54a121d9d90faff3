import { AS2_CONTEXT } from '../constants.js'
import { deepFreeze } from '../internal/freeze.js'
import type { Proposal } from '../schemas/index.js'

/**
 * The inline JSON-LD context FEP-0837 documents use, extended with the ValueFlows terms a CTA
 * proposal may carry beyond the FEP's examples.
 */
export const FEP0837_CONTEXT: readonly [string, Readonly<Record<string, string>>] = Object.freeze([
  AS2_CONTEXT,
  Object.freeze({
    om2: 'http://www.ontology-of-units-of-measure.org/resource/om-2/',
    vf: 'https://w3id.org/valueflows/ont/vf#',
    Proposal: 'vf:Proposal',
    Intent: 'vf:Intent',
    action: 'vf:action',
    purpose: 'vf:purpose',
    unitBased: 'vf:unitBased',
    publishes: 'vf:publishes',
    reciprocal: 'vf:reciprocal',
    provider: 'vf:provider',
    receiver: 'vf:receiver',
    resourceConformsTo: 'vf:resourceConformsTo',
    resourceQuantity: 'vf:resourceQuantity',
    effortQuantity: 'vf:effortQuantity',
    availableQuantity: 'vf:availableQuantity',
    minimumQuantity: 'vf:minimumQuantity',
    hasBeginning: 'vf:hasBeginning',
    hasEnd: 'vf:hasEnd',
    note: 'vf:note',
    hasUnit: 'om2:hasUnit',
    hasNumericalValue: 'om2:hasNumericalValue',
  }),
] as const)

/** A proposal as FEP-0837 writes it: the CTA members, an inline context, `to` including the group. */
export type Fep0837Proposal = Omit<Proposal, '@context'> & {
  readonly '@context': typeof FEP0837_CONTEXT
  readonly to: readonly string[]
}

/**
 * Writes a CTA proposal as an FEP-0837 proposal for ActivityPub peers: the same members under
 * FEP-0837's inline context (ValueFlows and OM 2.0 terms), with the group added to `to` so that
 * ActivityPub delivery reaches it. {@link fromFep0837Proposal} reads it back as the same proposal
 * (with the group in `to`).
 *
 * @param proposal A CTA proposal.
 * @returns The FEP-0837 document, frozen.
 * @example
 * ```ts
 * import { toFep0837Proposal } from '@cta-interop/sdk'
 * const note = JSON.stringify(toFep0837Proposal(offer))
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-FEP-001 Spec: INT-FEP-001}
 */
export function toFep0837Proposal(proposal: Proposal): Fep0837Proposal {
  const { '@context': _context, ...rest } = structuredClone<Proposal>(proposal)
  const to = rest.to ?? []
  return deepFreeze({
    '@context': FEP0837_CONTEXT,
    ...rest,
    to: to.includes(rest.audience) ? to : [...to, rest.audience],
  })
}
