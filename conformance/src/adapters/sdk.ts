/**
 * The TypeScript SDK as an {@link Implementation}: every operation goes through the SDK's public
 * entry points (`@cta-interop/sdk`), never its sources, exactly as a tool would use it.
 */
import {
  addAmounts,
  checkDecisionEvent,
  checkEventPrivacy,
  checkRosterViewer,
  tallyPoll,
  compareAmounts,
  computeRound,
  computeBalances,
  applyTaskEvents,
  assertValid,
  convertAmount,
  createMembershipCache,
  createManifestResolver,
  createMatch,
  createMatcher,
  createMemoryDedupeStore,
  isProtocolError,
  multiplyAmounts,
  normalizeAmount,
  REQUEST_AUTH_SCHEME,
  roundAmount,
  validateDocument,
  verifyEvent,
  verifyGroupAssertion,
  verifyRequestToken,
  verifyExportPage,
  verifySubscriptionRequest,
  type CreateMatcherOptions,
  type Account,
  type Transfer,
  type Allocation,
  type Bucket,
  type Contribution,
  type DedupeStore,
  type DocumentKind,
  type Event,
  type FundingRound,
  type Group,
  type Jwks,
  type Poll,
  type Proposal,
  type ResolveKey,
  type ResourceSpecification,
  type RosterViewer,
  type RoundingMode,
  type Stance,
  type VerifyEventOptions,
  type VerifyGroupAssertionOptions,
  type VerifyRequestTokenOptions,
  type VerifySubscriptionRequestOptions,
} from '@cta-interop/sdk'
import sdkPackage from '@cta-interop/sdk/package.json' with { type: 'json' }
import {
  OPERATIONS,
  type Actual,
  type ApplyTaskEventsInput,
  type ApplyMembershipEventsInput,
  type ComputeBalancesInput,
  type CheckDecisionEventInput,
  type CheckEventPrivacyInput,
  type CheckRosterViewerInput,
  type ComputeAmountInput,
  type ComputeRoundInput,
  type Implementation,
  type ImplementationInfo,
  type MatchProposalsInput,
  type RunReply,
  type SingleActual,
  type TallyPollInput,
  type TokenRequest,
  type TrustedTool,
  type ValidateDocumentInput,
  type Vector,
  type VerifyEventInput,
  type VerifyEventSequenceInput,
  type VerifyGroupAssertionInput,
  type VerifyGroupAssertionSequenceInput,
  type VerifyRequestTokenInput,
  type VerifyExportPageInput,
  type VerifyRequestTokenSequenceInput,
  type VerifySubscriptionRequestInput,
  type VerifySubscriptionRequestSequenceInput,
} from '../types.js'

/**
 * Hooks that let a deliberately broken variant of this adapter skip a verification step (see
 * `broken-sdk.ts`). The real adapter uses none of them.
 */
export interface AdapterHooks {
  /** Rewrites the JWS before the SDK sees it. */
  readonly rewriteJws?: (jws: string, trust: readonly TrustedTool[]) => string
  /** Extra options for `verifyEvent`, given the JWS as received. */
  readonly verifyOptions?: (
    original: string,
    trust: readonly TrustedTool[],
  ) => Partial<VerifyEventOptions>
  /** Leaves out the replay memory. */
  readonly noDedupe?: boolean
  /**
   * Error codes of `verifyEvent` and `verifyGroupAssertion` to ignore: the adapter reports
   * acceptance instead.
   */
  readonly swallow?: readonly string[]
  /** Accepts every document handed to `validateDocument`. */
  readonly acceptAnyDocument?: boolean
  /** Rewrites a membership assertion before the SDK sees it (`trust`: the authority alone). */
  readonly rewriteToken?: (token: string, trust: readonly TrustedTool[]) => string
  /** Extra options for `verifyGroupAssertion`, given the token as received and the vector input. */
  readonly assertionOptions?: (
    original: string,
    input: VerifyGroupAssertionInput,
  ) => Partial<VerifyGroupAssertionOptions>
  /** Leaves out the assertions' replay memory. */
  readonly noReplay?: boolean
  /** Extra options for the matcher of `matchProposals`. */
  readonly matcherOptions?: Partial<CreateMatcherOptions>
  /** Computes an amount instead of the SDK (`undefined`: leave it to the SDK). */
  readonly computeAmount?: (input: ComputeAmountInput) => string | number | undefined
  /**
   * Extra options for `verifySubscriptionRequest`, given the request as received and the options
   * the adapter made.
   */
  readonly subscriptionOptions?: (
    jws: string,
    options: VerifySubscriptionRequestOptions,
  ) => Partial<VerifySubscriptionRequestOptions>
  /** Rewrites a subscription request before the SDK sees it (`trust`: the vector's tools). */
  readonly rewriteSubscription?: (jws: string, trust: readonly TrustedTool[]) => string
  /** The method and URL a request token is checked against, instead of the request's own. */
  readonly tokenRequest?: (request: TokenRequest) => Pick<TokenRequest, 'method' | 'url'>
  /** Rewrites a request token before the SDK sees it (`trust`: the vector's tools). */
  readonly rewriteRequestToken?: (token: string, trust: readonly TrustedTool[]) => string
  /** Extra options for `verifyRequestToken`, given the token as received. */
  readonly requestTokenOptions?: (token: string) => Partial<VerifyRequestTokenOptions>
  /** Computes a round's state instead of the SDK (`undefined`: leave it to the SDK). */
  readonly computeRound?: (input: ComputeRoundInput) => Record<string, unknown> | undefined
  /** Computes a tally instead of the SDK (`undefined`: leave it to the SDK). */
  readonly tallyPoll?: (input: TallyPollInput) => unknown
  /** Judges a decision event by its schema alone, not by the privacy rules. */
  readonly skipDecisionPrivacy?: boolean
}

/** The profiles and features the SDK implements. */
export const SDK_INFO: ImplementationInfo = {
  name: sdkPackage.name,
  version: sdkPackage.version,
  language: 'typescript',
  profiles: [
    'core',
    'emitter',
    'receiver',
    'group-auth-relying-tool',
    'intent-exchange',
    'decisions',
    'budgeting',
    'mutual-credit',
    'tasks',
  ],
  features: ['alg:EdDSA', 'alg:ES256', 'assertions:replay-cache'],
}

const JWKS_PATH = '/.well-known/jwks.json'

/**
 * The manifest a trusted tool serves: just enough of one for the SDK to find its JWKS. The trusted
 * tools are served from memory, so the SDK resolves keys exactly as a receiver does, through
 * `createManifestResolver` (the `kid` names the origin; only EdDSA and ES256 public keys count).
 */
function manifestOf(source: string): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
    id: source,
    type: 'Application',
    name: source,
    jwks_uri: `${source}${JWKS_PATH}`,
    emits: [],
    consumes: [],
    profiles: ['core', 'emitter'],
  }
}

function resolverFor(trust: readonly TrustedTool[], currentDate: string): ResolveKey {
  const served = new Map<string, unknown>()
  for (const { source, jwks } of trust) {
    served.set(`${source}/.well-known/cta-tool`, manifestOf(source))
    served.set(`${source}${JWKS_PATH}`, jwks)
  }
  const inMemory = (url: string | URL | Request): Promise<Response> => {
    const body = served.get(typeof url === 'string' ? url : url instanceof URL ? url.href : url.url)
    return Promise.resolve(
      body === undefined
        ? new Response('not found', { status: 404 })
        : Response.json(body, { status: 200 }),
    )
  }
  const now = new Date(currentDate).getTime()
  return createManifestResolver({
    fetch: inMemory,
    trustedSources: trust.map(({ source }) => source),
    now: () => now,
  }).resolveKey
}

function errorActual(err: unknown): SingleActual {
  if (isProtocolError(err)) {
    const issues =
      'issues' in err && Array.isArray(err.issues)
        ? (err.issues as { instancePath: string; keyword: string }[]).map(
            ({ instancePath, keyword }) => ({ instancePath, keyword }),
          )
        : undefined
    return issues === undefined ? { error: err.code } : { error: err.code, issues }
  }
  throw err
}

function runValidate(input: ValidateDocumentInput, hooks: AdapterHooks): SingleActual {
  const options = input.kind === undefined ? {} : { kind: input.kind as DocumentKind }
  const result = validateDocument(input.document, options)
  if (result.valid) return { valid: true, kind: result.kind }
  if (hooks.acceptAnyDocument === true) return { valid: true, kind: result.kind ?? 'unknown' }
  return {
    error: result.code,
    issues: result.issues.map(({ instancePath, keyword }) => ({ instancePath, keyword })),
  }
}

async function runVerify(
  jws: string,
  currentDate: string,
  trust: readonly TrustedTool[],
  dedupe: DedupeStore | undefined,
  hooks: AdapterHooks,
): Promise<SingleActual> {
  const options: VerifyEventOptions = {
    resolveKey: resolverFor(trust, currentDate),
    currentDate: new Date(currentDate),
    ...(dedupe === undefined ? {} : { dedupe }),
    ...hooks.verifyOptions?.(jws, trust),
  }
  const received = hooks.rewriteJws?.(jws, trust) ?? jws
  try {
    const { event } = await verifyEvent(received, options)
    const checked = validateDocument(event)
    return {
      valid: true,
      kind: checked.kind ?? 'Event',
      result: { id: event.id, source: event.source, type: event.type },
    }
  } catch (err) {
    const actual = errorActual(err)
    if ('error' in actual && hooks.swallow?.includes(actual.error) === true) {
      return { valid: true, kind: 'Event' }
    }
    return actual
  }
}

async function runAssertion(
  token: string,
  input: VerifyGroupAssertionInput,
  replay: DedupeStore | undefined,
  hooks: AdapterHooks,
): Promise<SingleActual> {
  const { currentDate, group, audience, authority } = input
  const options: VerifyGroupAssertionOptions = {
    group,
    audience,
    authority: authority.issuer,
    jwks: authority.jwks as unknown as Jwks,
    currentDate: new Date(currentDate),
    ...(replay === undefined ? {} : { replay }),
    ...hooks.assertionOptions?.(token, input),
  }
  const received =
    hooks.rewriteToken?.(token, [{ source: authority.issuer, ...authority }]) ?? token
  try {
    const { claims } = await verifyGroupAssertion(received, options)
    return {
      valid: true,
      kind: 'MembershipAssertionClaims',
      result: { sub: claims.sub, groups: claims.groups, jti: claims.jti },
    }
  } catch (err) {
    const actual = errorActual(err)
    if ('error' in actual && hooks.swallow?.includes(actual.error) === true) {
      return { valid: true, kind: 'MembershipAssertionClaims' }
    }
    return actual
  }
}

function runMatch(input: MatchProposalsInput, hooks: AdapterHooks): SingleActual {
  const now = new Date(input.currentDate).getTime()
  const matcher = createMatcher({
    now: () => now,
    currencies: input.currencies as ResourceSpecification[],
    rates: input.rates,
    ...(input.limit === undefined ? {} : { limit: input.limit }),
    ...hooks.matcherOptions,
  })
  const arrivals = input.proposals.map((proposal) => {
    try {
      return matcher.upsert(proposal) === 'stale' ? 'ignored' : 'held'
    } catch (err) {
      const actual = errorActual(err)
      return 'error' in actual ? actual.error : 'held'
    }
  })
  try {
    const candidates = matcher.match(input.query)
    const subject = (input.query as Proposal).id
    const matches = candidates.map(({ proposal, score }) => {
      const match = createMatch({ subject, object: proposal.id, score })
      return { subject: match.subject, object: match.object, score: match.score }
    })
    return { valid: true, kind: 'Proposal', result: { arrivals, matches } }
  } catch (err) {
    return errorActual(err)
  }
}

function sdkAmount(input: ComputeAmountInput): string | number {
  const b = (): string => {
    if (input.b === undefined) throw new TypeError(`${input.op} needs b`)
    return input.b
  }
  const decimals = input.decimals === undefined ? {} : { decimals: input.decimals }
  const rounding = input.rounding === undefined ? {} : { rounding: input.rounding as RoundingMode }
  switch (input.op) {
    case 'normalize':
      return normalizeAmount(input.a, { ...decimals, ...rounding })
    case 'add':
      return addAmounts(input.a, b())
    case 'multiply':
      return multiplyAmounts(input.a, b())
    case 'compare':
      return compareAmounts(input.a, b())
    case 'round':
      if (input.decimals === undefined) throw new TypeError('round needs decimals')
      return roundAmount(input.a, { decimals: input.decimals, ...rounding })
    case 'convert':
      return convertAmount(input.a, {
        from: input.from ?? '',
        to: input.to ?? '',
        rates: input.rates ?? [],
        currencies: (input.currencies ?? []) as ResourceSpecification[],
        ...rounding,
      })
  }
}

function runAmount(input: ComputeAmountInput, hooks: AdapterHooks): SingleActual {
  try {
    const value = hooks.computeAmount?.(input) ?? sdkAmount(input)
    return { valid: true, kind: 'Amount', result: { value } }
  } catch (err) {
    return errorActual(err)
  }
}

function runRound(input: ComputeRoundInput, hooks: AdapterHooks): SingleActual {
  try {
    const state =
      hooks.computeRound?.(input) ??
      computeRound({
        round: input.round as FundingRound,
        buckets: input.buckets as Bucket[],
        allocations: input.allocations as Allocation[],
        contributions: input.contributions as Contribution[],
      })
    return { valid: true, kind: 'RoundState', result: { ...state } }
  } catch (err) {
    return errorActual(err)
  }
}

function runBalances(input: ComputeBalancesInput): SingleActual {
  try {
    const result = computeBalances({
      accounts: input.accounts as Account[],
      transfers: input.transfers as Transfer[],
    })
    return { valid: true, kind: 'Balances', result: { ...result } }
  } catch (err) {
    return errorActual(err)
  }
}

function runTaskEvents(input: ApplyTaskEventsInput): SingleActual {
  try {
    const history = applyTaskEvents(input.events)
    return { valid: true, kind: 'TaskHistory', result: { ...history } }
  } catch (err) {
    return errorActual(err)
  }
}

/**
 * Applies an authority's membership events as the SDK's membership cache does (MEM-EVT-003): each
 * is validated first (a `sequence` that is not 20 digits refuses the whole input), then applied
 * unless it is older than one already applied for the same member.
 */
function runMembershipEvents(input: ApplyMembershipEventsInput): SingleActual {
  try {
    const now = Date.parse(input.currentDate)
    const cache = createMembershipCache({ now: () => now })
    const events = input.events.map((e) => assertValid(e) as Event)
    const applied: boolean[] = []
    const status: Record<string, string> = {}
    for (const event of events) {
      const current = cache.onEvent(event)
      applied.push(current)
      const data = event.data as { result?: unknown; object?: unknown }
      const membership = (
        event.type === 'tech.collaborative.membership.updated' ? data.object : data.result
      ) as { member?: { id?: string }; membershipStatus?: string } | undefined
      const member = membership?.member?.id
      if (current && member !== undefined && membership?.membershipStatus !== undefined) {
        status[member] = membership.membershipStatus
      }
    }
    return { valid: true, kind: 'MembershipOrder', result: { applied, status } }
  } catch (err) {
    return errorActual(err)
  }
}

function runTally(input: TallyPollInput, hooks: AdapterHooks): SingleActual {
  try {
    const tally =
      hooks.tallyPoll?.(input) ?? tallyPoll(input.poll as Poll, input.stances as Stance[])
    return { valid: true, kind: 'Tally', result: tally as Record<string, unknown> }
  } catch (err) {
    return errorActual(err)
  }
}

function runDecisionEvent(input: CheckDecisionEventInput, hooks: AdapterHooks): SingleActual {
  const validated = runValidate({ document: input.event }, {})
  if (!('valid' in validated) || hooks.skipDecisionPrivacy === true) return validated
  try {
    checkDecisionEvent(input.event, { currentDate: new Date(input.currentDate) })
    return validated
  } catch (err) {
    return errorActual(err)
  }
}

/** An event's schema, then what it discloses about people (spec/privacy.md). */
function runEventPrivacy(input: CheckEventPrivacyInput): SingleActual {
  const validated = runValidate({ document: input.event }, {})
  if (!('valid' in validated)) return validated
  try {
    checkEventPrivacy(input.event as Parameters<typeof checkEventPrivacy>[0], {
      ...(input.group === undefined ? {} : { group: input.group as Group }),
      ...(input.names === undefined ? {} : { names: input.names }),
    })
    return validated
  } catch (err) {
    return errorActual(err)
  }
}

/** Whether a roster may be shown to the viewer (PRV-SHOW-001). */
function runRosterViewer(input: CheckRosterViewerInput): SingleActual {
  try {
    checkRosterViewer(
      input.group as Group,
      input.viewer === null ? undefined : (input.viewer as RosterViewer),
    )
    return { valid: true, kind: 'RosterViewer' }
  } catch (err) {
    return errorActual(err)
  }
}

async function runSubscription(
  jws: string,
  input: Omit<VerifySubscriptionRequestInput, 'jws'>,
  replay: DedupeStore,
  hooks: AdapterHooks,
): Promise<SingleActual> {
  const options: VerifySubscriptionRequestOptions = {
    resolveKey: resolverFor(input.trust, input.currentDate),
    audience: input.audience,
    replay,
    currentDate: new Date(input.currentDate),
  }
  const received = hooks.rewriteSubscription?.(jws, input.trust) ?? jws
  try {
    const { subscriber, request } = await verifySubscriptionRequest(received, {
      ...options,
      ...hooks.subscriptionOptions?.(jws, options),
    })
    return {
      valid: true,
      kind: 'SubscriptionRequest',
      result: { subscriber, sink: request.sink, group: request.group },
    }
  } catch (err) {
    return errorActual(err)
  }
}

async function runRequestToken(
  call: TokenRequest,
  currentDate: string,
  trust: readonly TrustedTool[],
  replay: DedupeStore,
  hooks: AdapterHooks,
): Promise<SingleActual> {
  const { method, url } = hooks.tokenRequest?.(call) ?? call
  const token = hooks.rewriteRequestToken?.(call.token, trust) ?? call.token
  // The request as the producer's server receives it: the token in `Authorization: CTA-JWS …`.
  const request = new Request(url, {
    method,
    headers: { authorization: `${REQUEST_AUTH_SCHEME} ${token}` },
  })
  try {
    const { caller } = await verifyRequestToken(request, {
      resolveKey: resolverFor(trust, currentDate),
      replay,
      currentDate: new Date(currentDate),
      ...hooks.requestTokenOptions?.(call.token),
    })
    return { valid: true, kind: 'RequestToken', result: { tool: caller } }
  } catch (err) {
    return errorActual(err)
  }
}

function memoryDedupe(currentDate: string): DedupeStore {
  const now = new Date(currentDate).getTime()
  return createMemoryDedupeStore({ now: () => now })
}

/** Runs one vector's operation against the SDK and describes what it produced. */
export async function runWithSdk(
  vector: Pick<Vector, 'operation' | 'input'>,
  hooks: AdapterHooks = {},
): Promise<Actual> {
  switch (vector.operation) {
    case 'validateDocument':
      return runValidate(vector.input as ValidateDocumentInput, hooks)
    case 'verifyEvent': {
      const { jws, currentDate, trust } = vector.input as VerifyEventInput
      return runVerify(jws, currentDate, trust, undefined, hooks)
    }
    case 'verifyEventSequence': {
      const { deliveries, currentDate, trust } = vector.input as VerifyEventSequenceInput
      const dedupe = hooks.noDedupe === true ? undefined : memoryDedupe(currentDate)
      const sequence: SingleActual[] = []
      for (const jws of deliveries) {
        sequence.push(await runVerify(jws, currentDate, trust, dedupe, hooks))
      }
      return { sequence }
    }
    case 'verifyGroupAssertion': {
      const input = vector.input as VerifyGroupAssertionInput
      return runAssertion(input.token, input, undefined, hooks)
    }
    case 'verifyGroupAssertionSequence': {
      const { tokens, ...rest } = vector.input as VerifyGroupAssertionSequenceInput
      const replay = hooks.noReplay === true ? undefined : memoryDedupe(rest.currentDate)
      const sequence: SingleActual[] = []
      for (const token of tokens) {
        sequence.push(await runAssertion(token, { token, ...rest }, replay, hooks))
      }
      return { sequence }
    }
    case 'matchProposals':
      return runMatch(vector.input as MatchProposalsInput, hooks)
    case 'computeAmount':
      return runAmount(vector.input as ComputeAmountInput, hooks)
    case 'computeRound':
      return runRound(vector.input as ComputeRoundInput, hooks)
    case 'computeBalances':
      return runBalances(vector.input as ComputeBalancesInput)
    case 'applyTaskEvents':
      return runTaskEvents(vector.input as ApplyTaskEventsInput)
    case 'applyMembershipEvents':
      return runMembershipEvents(vector.input as ApplyMembershipEventsInput)
    case 'tallyPoll':
      return runTally(vector.input as TallyPollInput, hooks)
    case 'checkDecisionEvent':
      return runDecisionEvent(vector.input as CheckDecisionEventInput, hooks)
    case 'checkEventPrivacy':
      return runEventPrivacy(vector.input as CheckEventPrivacyInput)
    case 'checkRosterViewer':
      return runRosterViewer(vector.input as CheckRosterViewerInput)
    case 'verifySubscriptionRequest': {
      const { jws, ...rest } = vector.input as VerifySubscriptionRequestInput
      return runSubscription(jws, rest, memoryDedupe(rest.currentDate), hooks)
    }
    case 'verifySubscriptionRequestSequence': {
      const { requests, ...rest } = vector.input as VerifySubscriptionRequestSequenceInput
      const replay = memoryDedupe(rest.currentDate)
      const sequence: SingleActual[] = []
      for (const jws of requests) sequence.push(await runSubscription(jws, rest, replay, hooks))
      return { sequence }
    }
    case 'verifyExportPage': {
      const { jws, trust } = vector.input as VerifyExportPageInput
      try {
        const { page } = await verifyExportPage(jws, {
          resolveKey: resolverFor(trust, new Date().toISOString()),
        })
        return {
          valid: true,
          kind: 'ExportPage',
          result: {
            attributedTo: page.attributedTo,
            generator: page.generator,
            items: page.orderedItems.length,
          },
        }
      } catch (err) {
        return errorActual(err)
      }
    }
    case 'verifyRequestToken': {
      const { currentDate, trust, ...call } = vector.input as VerifyRequestTokenInput
      return runRequestToken(call, currentDate, trust, memoryDedupe(currentDate), hooks)
    }
    case 'verifyRequestTokenSequence': {
      const { requests, currentDate, trust } = vector.input as VerifyRequestTokenSequenceInput
      const replay = memoryDedupe(currentDate)
      const sequence: SingleActual[] = []
      for (const call of requests) {
        sequence.push(await runRequestToken(call, currentDate, trust, replay, hooks))
      }
      return { sequence }
    }
  }
}

/**
 * The SDK as an implementation under test, in-process (`--harness direct`).
 *
 * @param hooks Only for the suite's own mutation checks.
 */
export function sdkImplementation(
  hooks: AdapterHooks = {},
  info: ImplementationInfo = SDK_INFO,
): Implementation {
  return {
    start: () => Promise.resolve(info),
    async run(vector): Promise<RunReply> {
      if (!(OPERATIONS as readonly string[]).includes(vector.operation)) {
        return { skipped: true, message: `operation not supported: ${vector.operation}` }
      }
      try {
        return { actual: await runWithSdk(vector, hooks) }
      } catch (err) {
        return { errored: true, message: err instanceof Error ? err.message : String(err) }
      }
    },
    stop: () => Promise.resolve(),
  }
}
