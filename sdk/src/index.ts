/**
 * `@cta-interop/sdk`: the TypeScript SDK of CTA Interop, the interoperability protocol for
 * collaborative tools. This entry holds what every tool needs at runtime and loads neither
 * TypeBox nor jsonld: use `@cta-interop/sdk/schemas` for the schemas themselves and
 * `@cta-interop/sdk/jsonld` for JSON-LD tooling.
 * @module
 */
export { AS2_CONTEXT, CONTEXT, CTA_CONTEXT, CTA_NAMESPACE, SCHEMA_BASE } from './constants.js'
export {
  ProtocolError,
  SchemaInvalid,
  isProtocolError,
  type AnyProtocolError,
  type DocumentErrorCode,
  type EventErrorCode,
  type IntentErrorCode,
  type ProtocolErrorCode,
  type ValidationIssue,
} from './errors.js'
export {
  assertValid,
  validateDocument,
  type AnyDocument,
  type DocumentOfKind,
  type ValidateDocumentOptions,
  type ValidateDocumentResult,
} from './validate/validate-document.js'
export type {
  Activity,
  DocumentKind,
  Event,
  Group,
  Intent,
  Match,
  Membership,
  MembershipAssertionClaims,
  Proposal,
  ResourceSpecification,
  Role,
  RosterPage,
  ToolInstallation,
  ToolManifest,
} from './schemas/index.js'
export {
  createEvent,
  type CreateEventOptions,
  type EventData,
  type ExtensionValue,
} from './events/create-event.js'
export type { CoreEventType, EventOf } from './schemas/index.js'
// -- core event builders: one per core event type without a profile module of its own --
export { ping, type PingOptions } from './events/ping.js'
export type { CoreEventOptions } from './events/internal/core-event.js'
export {
  membershipJoined,
  type EmbeddedInstallation,
  type EventGroup,
  type MembershipEventOptions,
} from './membership/membership-joined.js'
export { membershipUpdated } from './membership/membership-updated.js'
export { membershipLeft } from './membership/membership-left.js'
export { membershipRemoved } from './membership/membership-removed.js'
export { groupToolConnected } from './membership/group-tool-connected.js'
export { groupToolDisconnected } from './membership/group-tool-disconnected.js'
export {
  proposalResponded,
  type AgreementEventOptions,
  type AgreementResponse,
} from './intents/proposal-responded.js'
export { agreementAccepted } from './intents/agreement-accepted.js'
export { agreementRejected } from './intents/agreement-rejected.js'
export {
  agreementFulfilled,
  type AgreementFulfilledOptions,
} from './intents/agreement-fulfilled.js'
export type { Agreement, Commitment, EconomicEvent } from './schemas/index.js'
// -- events and delivery --
export { ALLOWED_ALGORITHMS, isAllowedAlgorithm, type SigningAlgorithm } from './keys/algorithms.js'
export {
  generateSigningKey,
  importSigningKey,
  toJwks,
  type GenerateSigningKeyOptions,
  type Jwks,
  type PublicJwk,
  type SigningKey,
} from './keys/signing-key.js'
export { staticKeyResolver, type ResolveKey, type ResolvedKey } from './keys/resolve-key.js'
export { KEY_REFETCH_INTERVAL, KEY_SET_MAX_AGE, keySetMaxAge } from './keys/key-cache-bounds.js'
export { KeysUnavailable } from './keys/keys-unavailable.js'
export {
  createKeyRing,
  type KeyRing,
  type KeyRingEntry,
  type KeyRingOptions,
} from './keys/create-key-ring.js'
export { KEY_REVOCATION_TYP, signKeyRevocation } from './keys/sign-key-revocation.js'
export {
  verifyKeyRevocation,
  type KeyRevocation,
  type VerifyKeyRevocationOptions,
} from './keys/verify-key-revocation.js'
export {
  createKeyRevocationList,
  type KeyRevocationList,
  type KeyRevocationListOptions,
} from './keys/create-key-revocation-list.js'
export {
  DEFAULT_CLOCK_TOLERANCE,
  DEFAULT_MAX_EVENT_AGE,
  EVENT_JWS_TYP,
  EVENT_WINDOW,
  MAX_EVENT_DEPTH,
  MAX_EVENT_JWS_LENGTH,
} from './events/constants.js'
export { signEvent } from './events/sign-event.js'
export {
  verifyEvent,
  type DedupeStore,
  type SignatureVerifier,
  type VerifyEventOptions,
  type VerifyEventResult,
} from './events/verify-event.js'
export type { Base64urlDecoder } from './events/base64url-decoder.js'
export {
  verifyEvents,
  type VerifyEventsItem,
  type VerifyEventsOptions,
} from './events/verify-events.js'
export {
  createMemoryDedupeStore,
  type MemoryDedupeStoreOptions,
} from './stores/memory-dedupe-store.js'
export {
  DEFAULT_PROCESSING_LEASE,
  MAX_IN_PROGRESS_RETRY_AFTER,
  toInboxStore,
  type InboxKey,
  type InboxReceipt,
  type InboxStore,
  type TwoPhaseDedupeStore,
} from './stores/inbox-store.js'
export {
  DEFAULT_INBOX_MAX_BYTES,
  JOSE_MEDIA_TYPE,
  createInbox,
  createInboxReceiver,
  type InboxContext,
  type InboxEventContext,
  type InboxOptions,
  type InboxReply,
  type InboxRequest,
} from './events/create-inbox.js'
export {
  ANY_SOURCE,
  checkSourceInstalled,
  type SourceCheck,
  type SpeaksFor,
} from './events/check-source-installed.js'
export {
  PROBLEM_STATUS,
  PROBLEM_TYPE_BASE,
  problemFor,
  problemResponse,
  type Problem,
} from './http/problem.js'
export type { OutboundPolicy } from './http/guarded-fetch.js'
export { isNonPublicAddress } from './net/address.js'
export {
  TOOL_MANIFEST_PATH,
  createToolManifest,
  type CreateToolManifestOptions,
} from './manifest/create-tool-manifest.js'
export {
  createManifestResolver,
  type ManifestResolver,
  type ManifestResolverOptions,
} from './manifest/create-manifest-resolver.js'
export { SIZE_LIMITS } from './http/size-limits.js'
// -- delivery --
export {
  DEFAULT_DELIVERY_TIMEOUT,
  DEFAULT_REQUEST_MAX_AGE,
  DEFAULT_RETRY_POLICY,
  FEED_PAGE_LIMITS,
  MAX_ANSWER_BYTES,
  MAX_SUBSCRIPTION_LIFETIME,
  REQUEST_AUTH_SCHEME,
  REQUEST_JWS_TYP,
  SUBSCRIPTION_FAILURE_PERIOD,
  SUBSCRIPTION_JWS_TYP,
  type RetryPolicy,
} from './delivery/constants.js'
export type {
  ClaimedDelivery,
  DeliveryAnswer,
  DeliveryRecord,
  DeliveryStatus,
  DeliveryStore,
  EnqueueResult,
  FeedItem,
  OutgoingEvent,
  Subscription,
  SubscriptionEndReason,
  SubscriptionStatus,
} from './stores/delivery-store.js'
export {
  createMemoryDeliveryStore,
  type MemoryDeliveryStoreOptions,
} from './stores/memory-delivery-store.js'
export { retryDelay, type RetryDelayOptions } from './delivery/retry-delay.js'
export {
  deliverEvent,
  type DeliverEventOptions,
  type DeliveryAttempt,
} from './delivery/deliver-event.js'
export { matchesSubscription } from './delivery/matches-subscription.js'
export { publishEvent, type PublishEventOptions } from './delivery/publish-event.js'
export {
  endSubscriptions,
  type EndSubscriptionsOptions,
  type SubscriptionEndedAnnouncement,
} from './delivery/end-subscriptions.js'
export {
  createSubscriptionEndedEvent,
  SUBSCRIPTION_ENDED_TYPE,
  type SubscriptionEndedEventOptions,
} from './delivery/create-subscription-ended-event.js'
export {
  createDeliveryWorker,
  type DeliveryReport,
  type DeliveryRunResult,
  type DeliveryWorker,
  type DeliveryWorkerOptions,
} from './delivery/create-delivery-worker.js'
export {
  signSubscriptionRequest,
  type SignSubscriptionRequestOptions,
  type SubscriptionRequest,
} from './delivery/sign-subscription-request.js'
export {
  verifySubscriptionRequest,
  type VerifySubscriptionRequestOptions,
  type VerifySubscriptionRequestResult,
} from './delivery/verify-subscription-request.js'
export { signRequestToken, type SignRequestTokenOptions } from './delivery/sign-request-token.js'
export {
  verifyRequestToken,
  type VerifyRequestTokenOptions,
  type VerifyRequestTokenResult,
} from './delivery/verify-request-token.js'
export {
  verifySinkHandshake,
  type VerifySinkHandshakeOptions,
} from './delivery/verify-sink-handshake.js'
export { answerHandshake, type AnswerHandshakeOptions } from './delivery/answer-handshake.js'
export {
  createSubscriptionsHandler,
  type IsInstalled,
  type SubscriptionsHandlerOptions,
} from './delivery/create-subscriptions-handler.js'
export { createFeed, type FeedOptions, type FeedPage } from './delivery/create-feed.js'
export {
  pullEvents,
  type PullEventsOptions,
  type PullEventsResult,
} from './delivery/pull-events.js'
// -- membership and group auth --
export type { AuthErrorCode, InstallErrorCode } from './errors.js'
export type {
  ActorRef,
  CoreRole,
  EmbeddedMembership,
  MemberRef,
  Permission,
} from './schemas/index.js'
export {
  ACCESS_TOKEN_TYPE,
  GROUP_PARAMETER,
  JWT_TOKEN_TYPE,
  MAX_ASSERTION_LENGTH,
  MAX_ASSERTION_LIFETIME,
  MEMBERSHIP_JWT_TYP,
  MEMBERSHIP_SCOPE,
  ROSTER_SCOPE,
  TOKEN_EXCHANGE_GRANT_TYPE,
} from './auth/constants.js'
export {
  issueGroupAssertion,
  type GroupAssertionSubject,
  type IssueGroupAssertionOptions,
} from './auth/issue-group-assertion.js'
export {
  verifyGroupAssertion,
  type VerifyGroupAssertionOptions,
  type VerifyGroupAssertionResult,
} from './auth/verify-group-assertion.js'
export {
  discoverAuthority,
  type DiscoverAuthorityOptions,
  type DiscoveredAuthority,
} from './auth/discover-authority.js'
export {
  startSignIn,
  type PendingSignIn,
  type StartSignInOptions,
  type StartSignInResult,
} from './auth/start-sign-in.js'
export { finishSignIn, type SignInResult } from './auth/finish-sign-in.js'
export {
  exchangeForAssertion,
  type ExchangeForAssertionOptions,
  type ExchangeForAssertionResult,
} from './auth/exchange-for-assertion.js'
export { requestRosterToken, type RosterToken } from './auth/request-roster-token.js'
export {
  INSTALL_ENDPOINT_METADATA,
  INSTALL_JWT_TYP,
  INSTALL_SCOPES,
  MAX_INSTALL_STATEMENT_LENGTH,
  MAX_INSTALL_STATEMENT_LIFETIME,
} from './auth/install-constants.js'
export { signInstallStatement, type InstallStatementClaims } from './auth/sign-install-statement.js'
export {
  verifyInstallStatement,
  type InstallStatement,
  type VerifyInstallStatementOptions,
} from './auth/verify-install-statement.js'
export {
  requestInstallation,
  type PendingInstallation,
  type RequestInstallationOptions,
} from './auth/request-installation.js'
export {
  awaitInstallation,
  pollInstallation,
  type AwaitInstallationOptions,
  type ClientCredentials,
  type InstallationStatus,
} from './auth/await-installation.js'
export type {
  ListMembershipsOptions,
  MembershipSlice,
  MembershipStore,
} from './membership/membership-store.js'
export { createMemoryMembershipStore } from './membership/create-memory-membership-store.js'
export {
  createGroupRegistry,
  type ActorOptions,
  type GroupRegistry,
  type GroupRegistryOptions,
  type JoinOptions,
  type MembershipChanges,
  type NewInstallation,
} from './membership/create-group-registry.js'
export { DEFAULT_PERMISSIONS, findAssertionSubject } from './membership/find-assertion-subject.js'
export {
  MAX_ROSTER_PAGE,
  createGroupHandler,
  type GroupHandlerOptions,
} from './membership/create-group-handler.js'
export {
  DEFAULT_INSTALLATIONS_MAX_AGE,
  DEFAULT_INSTALLATIONS_REFETCH_INTERVAL,
  createInstallationCache,
  type InstallationCache,
  type InstallationCacheOptions,
} from './membership/create-installation-cache.js'
export {
  readInstallations,
  type InstallationRef,
  type ReadInstallationsOptions,
} from './membership/read-installations.js'
export {
  syncRoster,
  type RosterState,
  type SyncRosterOptions,
  type SyncRosterResult,
} from './membership/sync-roster.js'
export {
  createMembershipCache,
  type MemberAccess,
  type MembershipCache,
  type MembershipCacheOptions,
} from './membership/create-membership-cache.js'
export {
  DEFAULT_RECHECK_PERIOD,
  MAX_RECHECK_PERIOD,
  createMembershipRecheck,
  type EstablishedMembership,
  type MembershipRecheck,
  type MembershipRecheckOptions,
  type Reestablished,
} from './membership/create-membership-recheck.js'
export {
  MURMURATIONS_ORGANIZATION_SCHEMA,
  SUB_ORGANIZATION_OF,
  USES_TOOL,
  toMurmurationsOrganization,
  type MurmurationsOrganization,
  type ToMurmurationsOrganizationOptions,
} from './membership/to-murmurations-organization.js'
export { checkRosterViewer, type RosterViewer } from './privacy/check-roster-viewer.js'
export {
  MEMBERSHIP_EVENT_PREFIX,
  checkEventPrivacy,
  type CheckEventPrivacyOptions,
} from './privacy/check-event-privacy.js'
// -- intents: exports of sdk/src/intents go below this line --
export { roundAmount, type RoundAmountOptions, type RoundingMode } from './intents/round-amount.js'
export { compareAmounts } from './intents/compare-amounts.js'
export { addAmounts } from './intents/add-amounts.js'
export { subtractAmounts } from './intents/subtract-amounts.js'
export { multiplyAmounts, type MultiplyAmountsOptions } from './intents/multiply-amounts.js'
export { normalizeAmount, type NormalizeAmountOptions } from './intents/normalize-amount.js'
export {
  convertAmount,
  type ConvertAmountOptions,
  type ExchangeRate,
} from './intents/convert-amount.js'
export {
  createOffer,
  type CreateOfferOptions,
  type CreateProposalOptions,
  type Price,
  type ProposalIntentOptions,
} from './intents/create-offer.js'
export { createRequest, type CreateRequestOptions } from './intents/create-request.js'
export {
  createMatcher,
  type CanSee,
  type CreateMatcherOptions,
  type MatchCandidate,
  type MatchOptions,
  type Matcher,
  type MatcherRemoveOptions,
  type MatcherStats,
  type MatcherUpsertStatus,
} from './intents/create-matcher.js'
export { MATCH_RELATIONSHIP, createMatch, type CreateMatchOptions } from './intents/create-match.js'
export { proposalPublished, type ProposalEventOptions } from './intents/proposal-published.js'
export { proposalUpdated } from './intents/proposal-updated.js'
export {
  proposalClosed,
  type CloseReason,
  type ProposalClosedOptions,
} from './intents/proposal-closed.js'
export { intentMatched, type IntentMatchedOptions } from './intents/intent-matched.js'
export {
  fromFep0837Proposal,
  type FromFep0837ProposalOptions,
} from './intents/from-fep0837-proposal.js'
export {
  FEP0837_CONTEXT,
  toFep0837Proposal,
  type Fep0837Proposal,
} from './intents/to-fep0837-proposal.js'
export {
  CAST_INTO,
  MURMURATIONS_OPPORTUNITY_SCHEMA,
  toMurmurationsOpportunity,
  type MurmurationsOpportunity,
  type ToMurmurationsOpportunityOptions,
} from './intents/to-murmurations-opportunity.js'
// -- decisions: exports of sdk/src/decisions go below this line --
export type { DecisionErrorCode } from './errors.js'
export type {
  Decides,
  EmbeddedPoll,
  EmbeddedStance,
  HideResults,
  Outcome,
  Poll,
  PollOption,
  PollRef,
  PollType,
  ProposalDecision,
  ProposalPosition,
  Stance,
  StanceChoice,
  Tally,
  TallyOption,
  TallyRound,
} from './schemas/index.js'
export {
  createPoll,
  type CreatePollOptions,
  type PollOptionInput,
} from './decisions/create-poll.js'
export { createStance, type CreateStanceOptions } from './decisions/create-stance.js'
export { createOutcome, type CreateOutcomeOptions } from './decisions/create-outcome.js'
export { tallyPoll } from './decisions/tally-poll.js'
export { pollOpened, type DecisionEventOptions } from './decisions/poll-opened.js'
export { pollClosingSoon, type PollClosingSoonOptions } from './decisions/poll-closing-soon.js'
export { pollClosed, type PollClosedOptions } from './decisions/poll-closed.js'
export { stanceCast } from './decisions/stance-cast.js'
export { outcomePublished } from './decisions/outcome-published.js'
export { redactStance, resultsHidden, type RedactStanceOptions } from './decisions/redact-stance.js'
export { checkDecisionEvent } from './decisions/check-decision-event.js'
// -- budgeting: exports of sdk/src/budgeting go below this line --
export type {
  Allocation,
  Bucket,
  BucketStatus,
  Contribution,
  FundingRound,
} from './schemas/budgeting.js'
export type { BudgetErrorCode } from './errors.js'
export {
  createFundingRound,
  type CreateFundingRoundOptions,
} from './budgeting/create-funding-round.js'
export { createBucket, type CreateBucketOptions } from './budgeting/create-bucket.js'
export { createAllocation, type CreateAllocationOptions } from './budgeting/create-allocation.js'
export {
  createContribution,
  type CreateContributionOptions,
} from './budgeting/create-contribution.js'
export {
  computeRound,
  type BucketState,
  type ComputeRoundOptions,
  type RoundState,
} from './budgeting/compute-round.js'
export type { BudgetEventOptions } from './budgeting/internal/events.js'
export { roundOpened } from './budgeting/round-opened.js'
export { roundClosed } from './budgeting/round-closed.js'
export { bucketPublished } from './budgeting/bucket-published.js'
export { bucketFunded } from './budgeting/bucket-funded.js'
export { bucketCompleted } from './budgeting/bucket-completed.js'
export { bucketCancelled } from './budgeting/bucket-cancelled.js'
export { contributionMade } from './budgeting/contribution-made.js'
export { contributionRefunded } from './budgeting/contribution-refunded.js'
// -- mutual credit: exports of sdk/src/credit go below this line --
export type { Account, Transfer } from './schemas/index.js'
export type { CreditErrorCode, TaskErrorCode } from './errors.js'
export { createAccount, type CreateAccountOptions } from './credit/create-account.js'
export { createTransfer, type CreateTransferOptions } from './credit/create-transfer.js'
export {
  computeBalances,
  type Balances,
  type ComputeBalancesOptions,
} from './credit/compute-balances.js'
export type { ProfileEventOptions } from './credit/internal/events.js'
export { accountOpened } from './credit/account-opened.js'
export { transferMade } from './credit/transfer-made.js'
// -- tasks: exports of sdk/src/tasks go below this line --
export type { Task, TaskStatus } from './schemas/index.js'
export { createTask, type CreateTaskOptions } from './tasks/create-task.js'
export { transitionTask, type TransitionTaskOptions } from './tasks/transition-task.js'
export { applyTaskEvent } from './tasks/apply-task-event.js'
export { applyTaskEvents, type TaskHistory } from './tasks/apply-task-events.js'
export { taskCreated } from './tasks/task-created.js'
export { taskAssigned } from './tasks/task-assigned.js'
export { taskCompleted } from './tasks/task-completed.js'
export { taskCancelled } from './tasks/task-cancelled.js'
// -- export: a member takes their data with them (sdk/src/export) --
export {
  EXPORT_JWS_TYP,
  EXPORT_MEDIA_TYPE,
  EXPORT_SCOPE,
  MAX_EXPORT_PAGE_ITEMS,
  MAX_EXPORT_PAGE_LENGTH,
  MAX_EXPORT_PAGES,
} from './export/constants.js'
export type { ExportItem, ExportPage } from './export/export-page.js'
export { signExportPage } from './export/sign-export-page.js'
export {
  verifyExportPage,
  type VerifyExportPageOptions,
  type VerifyExportPageResult,
} from './export/verify-export-page.js'
export {
  createExportHandler,
  type CreateExportHandlerOptions,
  type ExportAuthority,
  type ExportItems,
  type ExportQuery,
} from './export/create-export-handler.js'
export {
  collectExport,
  type CollectExportOptions,
  type CollectedExport,
} from './export/collect-export.js'
export {
  exchangeForExportAssertion,
  type ExportAssertion,
} from './export/exchange-for-export-assertion.js'
