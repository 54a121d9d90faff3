/** The shapes shared by vectors, runners, harnesses and reports. */

/** A requirement's level: its first BCP 14 keyword. */
export type Level = 'MUST' | 'SHOULD' | 'MAY'

/** The profiles of CTA Interop 1.0 (spec/index.md). */
export const PROFILES = [
  'core',
  'emitter',
  'receiver',
  'group-authority',
  'group-auth-relying-tool',
  'intent-exchange',
  'decisions',
  'budgeting',
  'mutual-credit',
  'tasks',
] as const
export type Profile = (typeof PROFILES)[number]

/** The operations a vector can ask an implementation to perform. */
export const OPERATIONS = [
  'validateDocument',
  'verifyEvent',
  'verifyEventSequence',
  'verifyGroupAssertion',
  'verifyGroupAssertionSequence',
  'matchProposals',
  'computeAmount',
  'verifySubscriptionRequest',
  'verifySubscriptionRequestSequence',
  'verifyRequestToken',
  'verifyRequestTokenSequence',
  'tallyPoll',
  'checkDecisionEvent',
  'computeRound',
  'computeBalances',
  'applyTaskEvents',
  'applyMembershipEvents',
  'checkEventPrivacy',
  'checkRosterViewer',
  'verifyExportPage',
] as const
export type Operation = (typeof OPERATIONS)[number]

/** A tool's published keys, as a verifier is configured to trust them. */
export interface TrustedTool {
  readonly source: string
  readonly jwks: { readonly keys: readonly Record<string, unknown>[] }
}

/** `validateDocument`: the document, and the kind to validate it as when it has no `type`. */
export interface ValidateDocumentInput {
  readonly document: unknown
  readonly kind?: string
}

/** `verifyEvent`: one compact JWS, the clock and the trusted keys. */
export interface VerifyEventInput {
  readonly jws: string
  readonly currentDate: string
  readonly trust: readonly TrustedTool[]
}

/** `verifyEventSequence`: deliveries verified in order by one receiver with one replay memory. */
export interface VerifyEventSequenceInput {
  readonly deliveries: readonly string[]
  readonly currentDate: string
  readonly trust: readonly TrustedTool[]
}

/** A group's authority as a relying tool is configured with it: its issuer and its public JWKS. */
export interface TrustedAuthority {
  /** The `authority` of the group's document: the exact `iss` an assertion must carry. */
  readonly issuer: string
  /** The JWKS at the authority's `jwks_uri`: the only place keys are found. */
  readonly jwks: { readonly keys: readonly Record<string, unknown>[] }
}

/** `verifyGroupAssertion`: one membership assertion, checked by one relying tool. */
export interface VerifyGroupAssertionInput {
  readonly token: string
  readonly currentDate: string
  /** The group the tool is letting the member into. */
  readonly group: string
  /** The tool's own `client_id` (its origin). */
  readonly audience: string
  readonly authority: TrustedAuthority
}

/** `verifyGroupAssertionSequence`: assertions verified in order with one replay memory. */
export interface VerifyGroupAssertionSequenceInput {
  readonly tokens: readonly string[]
  readonly currentDate: string
  readonly group: string
  readonly audience: string
  readonly authority: TrustedAuthority
}

/** An exchange rate an operator supplies: one unit of `from` is worth `rate` units of `to`. */
export interface ExchangeRateInput {
  readonly from: string
  readonly to: string
  readonly rate: string
}

/**
 * `matchProposals`: a matcher with the clock at `currentDate`, the default visibility (a proposal
 * sees its own `audience` only) and no matches between proposals of one author receives
 * `proposals` in order, then is queried with `query`.
 */
export interface MatchProposalsInput {
  readonly currentDate: string
  /** `ResourceSpecification` documents of the currencies the matcher knows. */
  readonly currencies: readonly unknown[]
  readonly rates: readonly ExchangeRateInput[]
  /** Most candidates returned; 10 when absent. */
  readonly limit?: number
  readonly proposals: readonly unknown[]
  readonly query: unknown
}

/** The amount operations of `computeAmount`. */
export type AmountOperation = 'normalize' | 'add' | 'multiply' | 'compare' | 'round' | 'convert'

/** `computeAmount`: one operation on decimal amounts (spec/intents.md, Amounts). */
export interface ComputeAmountInput {
  readonly op: AmountOperation
  readonly a: string
  /** The second operand of `add`, `multiply` and `compare`. */
  readonly b?: string
  /** Fraction digits: of the currency (`normalize`), or to round to (`round`). */
  readonly decimals?: number
  /** `half-even` (the default), `half-up`, `down`, `up`, `floor` or `ceiling`. */
  readonly rounding?: string
  /** `convert`: the currency IRIs, the supplied rates and the known currencies. */
  readonly from?: string
  readonly to?: string
  readonly rates?: readonly ExchangeRateInput[]
  readonly currencies?: readonly unknown[]
}

/**
 * `computeRound`: a funding round's state computed from its documents (spec/budgeting.md,
 * BUD-STATE-001); the result is the state, or the code of the first entry refused.
 */
export interface ComputeRoundInput {
  /** The `FundingRound` document. */
  readonly round: unknown
  /** Its `Bucket` documents, as they now stand. */
  readonly buckets: readonly unknown[]
  /** Its `Allocation` documents, in any order. */
  readonly allocations: readonly unknown[]
  /** Its `Contribution` documents, in any order. */
  readonly contributions: readonly unknown[]
}

/**
 * `computeBalances`: mutual credit balances computed from accounts and transfers
 * (spec/mutual-credit.md, MCR-BAL-001); the result is the balances, or the code of the first
 * transfer refused.
 */
export interface ComputeBalancesInput {
  /** The `Account` documents. */
  readonly accounts: readonly unknown[]
  /** The `Transfer` documents, in any order. */
  readonly transfers: readonly unknown[]
}

/**
 * `applyTaskEvents`: the events of one task applied in order (spec/tasks.md, TSK-STATE-001); the
 * result is the task and its status after each event, or the code of the first event refused.
 */
export interface ApplyTaskEventsInput {
  /** The task's events (unsigned, as `verifyEvent` returns them), in any order. */
  readonly events: readonly unknown[]
}

/**
 * `applyMembershipEvents`: a group authority's membership events, verified, as a relying tool
 * receives them (in this order); it applies each that is newer than the last it applied for the
 * same member (MEM-EVT-003). The result: `applied`, one boolean per event, and `status`, each
 * member's `membershipStatus` after the last event applied for them.
 */
export interface ApplyMembershipEventsInput {
  /** The events (unsigned, as `verifyEvent` returns them), in arrival order. */
  readonly events: readonly unknown[]
  /** The relying tool's clock while it applies them. */
  readonly currentDate: string
}

/** `verifySubscriptionRequest`: one subscription request, checked by one producer. */
export interface VerifySubscriptionRequestInput {
  /** The compact JWS: the body of the `POST` to the producer's subscriptions endpoint. */
  readonly jws: string
  readonly currentDate: string
  /** The producer's own origin: the `aud` the request must carry. */
  readonly audience: string
  /** The tools whose manifests the producer resolves subscribers' keys through. */
  readonly trust: readonly TrustedTool[]
}

/** `verifySubscriptionRequestSequence`: requests verified in order with one replay memory. */
export interface VerifySubscriptionRequestSequenceInput {
  readonly requests: readonly string[]
  readonly currentDate: string
  readonly audience: string
  readonly trust: readonly TrustedTool[]
}

/** One request to a producer's subscriptions or feed, with the request token it carries. */
export interface TokenRequest {
  /** The token of `Authorization: CTA-JWS <token>`. */
  readonly token: string
  /** The request's method (`GET`, `DELETE`). */
  readonly method: string
  /** The request's absolute URL as the producer receives it (its origin is the producer's). */
  readonly url: string
}

/** `verifyRequestToken`: one request authenticated by its request token. */
export interface VerifyRequestTokenInput extends TokenRequest {
  readonly currentDate: string
  readonly trust: readonly TrustedTool[]
}

/** `verifyRequestTokenSequence`: requests authenticated in order with one replay memory. */
export interface VerifyRequestTokenSequenceInput {
  readonly requests: readonly TokenRequest[]
  readonly currentDate: string
  readonly trust: readonly TrustedTool[]
}

/**
 * `tallyPoll`: the tally of a poll from its stances (spec/decisions.md, Tallies). The result is
 * the `Tally`; a stance that breaks its poll's rules refuses the whole tally.
 */
export interface TallyPollInput {
  /** The `Poll` document. */
  readonly poll: unknown
  /** Its `Stance` documents, in any order. */
  readonly stances: readonly unknown[]
}

/**
 * `checkDecisionEvent`: a receiver judges a decision event (unsigned, as `verifyEvent` would
 * return it) by its schema and the privacy rules (spec/decisions.md, Privacy) at `currentDate`.
 */
export interface CheckDecisionEventInput {
  readonly event: unknown
  readonly currentDate: string
}

/**
 * `checkEventPrivacy`: what an event (unsigned, as `verifyEvent` would return it) discloses about
 * people (spec/privacy.md): its schema, then no contact details, and, given its `group`, a
 * membership event of a roster that is not public naming no one (not even one of `names`).
 */
export interface CheckEventPrivacyInput {
  readonly event: unknown
  /** The event's group: its `id` and `rosterVisibility`. */
  readonly group?: { readonly id: string; readonly rosterVisibility: string }
  /** Member names the summary of such a membership event must not contain. */
  readonly names?: readonly string[]
}

/**
 * `checkRosterViewer`: whether a tool may show a group's roster entries and membership events to a
 * viewer, by the group's `rosterVisibility` (spec/privacy.md, PRV-SHOW-001).
 */
/** `verifyExportPage`: one signed page of a member's export (spec/export.md). */
export interface VerifyExportPageInput {
  readonly jws: string
  readonly trust: readonly TrustedTool[]
}

export interface CheckRosterViewerInput {
  readonly group: { readonly id: string; readonly rosterVisibility: string }
  /** The viewer's verified membership (its group and core roles), or `null`: nobody verified. */
  readonly viewer: { readonly group: string; readonly roles: readonly string[] } | null
}

/** What a single operation must produce. */
export type SingleExpectation =
  | {
      readonly valid: true
      readonly kind: string
      /** Members the returned document must have, compared by JSON equality. */
      readonly result?: Readonly<Record<string, unknown>>
    }
  | {
      readonly error: string
      /** For schema errors: an issue the implementation should report (informative). */
      readonly issue?: { readonly instancePath: string; readonly keyword: string }
    }

export type Expectation = SingleExpectation | { readonly sequence: readonly SingleExpectation[] }

/** One test vector: one JSON file under `conformance/vectors/`. */
export interface Vector {
  readonly $schema?: string
  readonly id: string
  readonly title: string
  readonly requirements: readonly string[]
  readonly profiles: readonly Profile[]
  readonly level: Level
  readonly operation: Operation
  /** Optional features an implementation must declare for the vector to apply. */
  readonly requires?: readonly string[]
  /** Mutation flags (`AlgNone`, `PayloadTampered`, …); `Valid` for positive vectors. */
  readonly flags: readonly string[]
  readonly input:
    | ValidateDocumentInput
    | VerifyEventInput
    | VerifyEventSequenceInput
    | VerifyGroupAssertionInput
    | VerifyGroupAssertionSequenceInput
    | MatchProposalsInput
    | ComputeAmountInput
    | ComputeRoundInput
    | ComputeBalancesInput
    | ApplyTaskEventsInput
    | ApplyMembershipEventsInput
    | VerifySubscriptionRequestInput
    | VerifySubscriptionRequestSequenceInput
    | VerifyRequestTokenInput
    | VerifyRequestTokenSequenceInput
    | TallyPollInput
    | CheckDecisionEventInput
    | CheckEventPrivacyInput
    | CheckRosterViewerInput
    | VerifyExportPageInput
  readonly expected: Expectation
  /** Decoded views and provenance for reviewers: not normative. */
  readonly informative?: Readonly<Record<string, unknown>>
}

/** What an implementation produced for one operation. */
export type SingleActual =
  | {
      readonly valid: true
      readonly kind: string
      readonly result?: Readonly<Record<string, unknown>>
    }
  | {
      readonly error: string
      readonly issues?: readonly { readonly instancePath: string; readonly keyword: string }[]
    }

export type Actual = SingleActual | { readonly sequence: readonly SingleActual[] }

/** What an implementation says about itself when a run starts. */
export interface ImplementationInfo {
  readonly name: string
  readonly version: string
  readonly language?: string
  readonly homepage?: string
  /** Profiles it claims; vectors of other profiles are inapplicable. */
  readonly profiles: readonly Profile[]
  /** Optional features it declares (`alg:ES256`, …). */
  readonly features: readonly string[]
}

/** An implementation's reply to one vector. */
export type RunReply =
  | { readonly actual: Actual }
  | { readonly skipped: true; readonly message: string; readonly issueUrl?: string }
  | { readonly errored: true; readonly message: string }

/** Anything that can run vectors: the SDK in-process, or a harness over stdio. */
export interface Implementation {
  start(): Promise<ImplementationInfo>
  run(vector: Pick<Vector, 'id' | 'operation' | 'input'>): Promise<RunReply>
  stop(): Promise<void>
}
