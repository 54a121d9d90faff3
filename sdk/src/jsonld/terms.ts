/**
 * The one table of terms CTA Interop adds to ActivityStreams 2.0: JSON name → IRI, and whether the
 * value is an IRI (`@id`) or a typed literal. Terms ActivityStreams already defines (`name`,
 * `audience`, `published`, …) are not redefined here, with the exceptions listed in
 * {@link REDEFINED_AS2_TERMS}. `context.jsonld` is generated from it.
 * @internal
 */

/** Namespace prefixes the context declares. */
export const PREFIXES = {
  as: 'https://www.w3.org/ns/activitystreams#',
  cta: 'https://w3id.org/cta#',
  org: 'http://www.w3.org/ns/org#',
  vf: 'https://w3id.org/valueflows/ont/vf#',
  om2: 'http://www.ontology-of-units-of-measure.org/resource/om-2/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const

/** How a term's value is read: an IRI, a typed literal, or a plain string/number/boolean. */
export type TermValue = '@id' | `xsd:${string}` | null

/** One term: its compact IRI and how its value is read. */
export interface TermDefinition {
  readonly id: `${keyof typeof PREFIXES}:${string}`
  readonly value: TermValue
}

const iri = (id: TermDefinition['id']): TermDefinition => ({ id, value: '@id' })
const literal = (id: TermDefinition['id'], value: TermValue = null): TermDefinition => ({
  id,
  value,
})

/** Types (classes) CTA documents use beyond those ActivityStreams defines. */
export const TYPE_TERMS: Readonly<Record<string, TermDefinition['id']>> = {
  Membership: 'org:Membership',
  Role: 'org:Role',
  RosterPage: 'cta:RosterPage',
  ToolInstallation: 'cta:ToolInstallation',
  Proposal: 'vf:Proposal',
  Intent: 'vf:Intent',
  Commitment: 'vf:Commitment',
  Agreement: 'vf:Agreement',
  EconomicEvent: 'vf:EconomicEvent',
  ResourceSpecification: 'vf:ResourceSpecification',
  Hashtag: 'as:Hashtag',
  // Participatory budgeting (Cobudget's model): no ValueFlows class names these.
  FundingRound: 'cta:FundingRound',
  Bucket: 'cta:Bucket',
  Allocation: 'cta:Allocation',
  Contribution: 'cta:Contribution',
  // Decisions: a poll is an AS2 Question; stances, outcomes and tallies have no term elsewhere.
  Stance: 'cta:Stance',
  Outcome: 'cta:Outcome',
  Tally: 'cta:Tally',
  // Mutual credit and tasks: ValueFlows has no account with limits, AS2 and ORG no task.
  Account: 'cta:Account',
  Task: 'cta:Task',
  // Delivery: a producer's record that it sends a group's events to a tool's inbox.
  Subscription: 'cta:Subscription',
}

/** Properties CTA documents use beyond those ActivityStreams defines. */
export const PROPERTY_TERMS: Readonly<Record<string, TermDefinition>> = {
  // Groups, roles, memberships (W3C ORG where it has a term).
  authority: iri('cta:authority'),
  joinPolicy: literal('cta:joinPolicy'),
  visibility: literal('cta:visibility'),
  rosterVisibility: literal('cta:rosterVisibility'),
  subOrganizationOf: iri('org:subOrganizationOf'),
  roles: iri('cta:roles'),
  memberships: iri('cta:memberships'),
  tools: iri('cta:tools'),
  organization: iri('org:organization'),
  member: iri('org:member'),
  role: iri('org:role'),
  coreRole: literal('cta:coreRole'),
  permission: literal('cta:permission'),
  membershipStatus: literal('cta:membershipStatus'),
  members: iri('cta:members'),
  differences: iri('cta:differences'),
  // Which groups use which tools.
  tool: iri('cta:tool'),
  localGroup: iri('cta:localGroup'),
  scopes: literal('cta:scopes'),
  installedBy: iri('cta:installedBy'),
  installationStatus: literal('cta:installationStatus'),
  // Tool manifest. `inbox` is the tool's CTA event inbox, not an ActivityPub inbox: it expands to
  // `cta:inbox`, never to ActivityStreams' `ldp:inbox`, so no Fediverse software that reads the
  // manifest as linked data posts activities to it.
  inbox: iri('cta:inbox'),
  jwks_uri: iri('cta:jwksUri'),
  subscriptions: iri('cta:subscriptions'),
  feed: iri('cta:feed'),
  export: iri('cta:export'),
  emits: literal('cta:emits'),
  consumes: literal('cta:consumes'),
  profiles: literal('cta:profiles'),
  // Intents (ValueFlows, as profiled by FEP-0837) and quantities (OM 2.0).
  purpose: literal('vf:purpose'),
  publishes: iri('vf:publishes'),
  reciprocal: iri('vf:reciprocal'),
  unitBased: literal('vf:unitBased', 'xsd:boolean'),
  action: literal('vf:action'),
  note: literal('vf:note'),
  provider: iri('vf:provider'),
  receiver: iri('vf:receiver'),
  resourceConformsTo: iri('vf:resourceConformsTo'),
  resourceQuantity: iri('vf:resourceQuantity'),
  effortQuantity: iri('vf:effortQuantity'),
  availableQuantity: iri('vf:availableQuantity'),
  minimumQuantity: iri('vf:minimumQuantity'),
  hasBeginning: literal('vf:hasBeginning', 'xsd:dateTime'),
  hasEnd: literal('vf:hasEnd', 'xsd:dateTime'),
  hasPointInTime: literal('vf:hasPointInTime', 'xsd:dateTime'),
  satisfies: iri('vf:satisfies'),
  stipulates: iri('vf:stipulates'),
  stipulatesReciprocal: iri('vf:stipulatesReciprocal'),
  fulfills: iri('vf:fulfills'),
  hasUnit: literal('om2:hasUnit'),
  hasNumericalValue: literal('om2:hasNumericalValue', 'xsd:decimal'),
  // Currency metadata.
  currencyType: literal('cta:currencyType'),
  symbol: literal('cta:symbol'),
  decimals: literal('cta:decimals', 'xsd:nonNegativeInteger'),
  currencyCode: literal('cta:currencyCode'),
  issuer: iri('cta:issuer'),
  // Matches and lifecycle.
  score: literal('cta:score', 'xsd:decimal'),
  closeReason: literal('cta:closeReason'),
  endReason: literal('cta:endReason'),
  // Participatory budgeting: a round's scope is ValueFlows `inScopeOf`; goals and status are CTA's.
  inScopeOf: iri('vf:inScopeOf'),
  minGoal: literal('cta:minGoal', 'xsd:decimal'),
  maxGoal: literal('cta:maxGoal', 'xsd:decimal'),
  bucketStatus: literal('cta:bucketStatus'),
  decidedBy: iri('cta:decidedBy'),
  // Decisions (polls are AS2 Questions: `oneOf`, `anyOf`, `endTime`, `closed` are AS2's).
  pollType: literal('cta:pollType'),
  anonymous: literal('cta:anonymous', 'xsd:boolean'),
  hideResults: literal('cta:hideResults'),
  minChoices: literal('cta:minChoices', 'xsd:nonNegativeInteger'),
  maxChoices: literal('cta:maxChoices', 'xsd:nonNegativeInteger'),
  minScore: literal('cta:minScore', 'xsd:nonNegativeInteger'),
  maxScore: literal('cta:maxScore', 'xsd:nonNegativeInteger'),
  dotsPerVoter: literal('cta:dotsPerVoter', 'xsd:nonNegativeInteger'),
  quorum: literal('cta:quorum', 'xsd:nonNegativeInteger'),
  position: literal('cta:position'),
  choice: iri('cta:choice'),
  option: iri('cta:option'),
  value: literal('cta:value', 'xsd:nonNegativeInteger'),
  reviewDate: literal('cta:reviewDate', 'xsd:dateTime'),
  decides: iri('cta:decides'),
  poll: iri('cta:poll'),
  voters: literal('cta:voters', 'xsd:nonNegativeInteger'),
  quorumReached: literal('cta:quorumReached', 'xsd:boolean'),
  options: iri('cta:options'),
  votes: literal('cta:votes', 'xsd:nonNegativeInteger'),
  points: literal('cta:points', 'xsd:nonNegativeInteger'),
  winners: iri('cta:winners'),
  decision: literal('cta:decision'),
  rounds: iri('cta:rounds'),
  counts: iri('cta:counts'),
  exhausted: literal('cta:exhausted', 'xsd:nonNegativeInteger'),
  eliminated: iri('cta:eliminated'),
  // Mutual credit: an account is a ValueFlows resource held by its member; limits are CTA's.
  primaryAccountable: iri('vf:primaryAccountable'),
  resourceInventoriedAs: iri('vf:resourceInventoriedAs'),
  toResourceInventoriedAs: iri('vf:toResourceInventoriedAs'),
  creditLimit: literal('cta:creditLimit', 'xsd:decimal'),
  debitLimit: literal('cta:debitLimit', 'xsd:decimal'),
  // Tasks: the due date is ValueFlows `due`; assignee and status are CTA's.
  due: literal('vf:due', 'xsd:dateTime'),
  assignee: iri('cta:assignee'),
  taskStatus: literal('cta:taskStatus'),
}

/**
 * ActivityStreams terms the CTA context deliberately redefines. `inbox` in a tool manifest is where
 * signed CTA events are pushed (spec/delivery.md), a different endpoint from an ActivityPub inbox
 * (`ldp:inbox` in the ActivityStreams context), so it gets a CTA IRI of its own.
 */
export const REDEFINED_AS2_TERMS: readonly string[] = Object.freeze(['inbox'])
