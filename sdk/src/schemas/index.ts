/**
 * The CTA Interop 1.0 document model as TypeBox schemas: the single source of truth from which the
 * published JSON Schemas, the JSON-LD context and the SDK's validators are generated.
 *
 * @example
 * ```ts
 * import { Group, documentSchemas } from '@cta-interop/sdk/schemas'
 * console.log(Group.$id) // https://w3id.org/cta/schemas/v1/group.json
 * console.log(Object.keys(documentSchemas).length)
 * ```
 * @see {@link https://w3id.org/cta/spec/documents Spec: documents}
 * @module
 */
import { MembershipAssertionClaims } from './assertion.js'
import { ActorRef, Image, MemberRef } from './common.js'
import { Activity, Event, ObjectSummary, coreEvents } from './events.js'
import {
  EmbeddedMembership,
  EmbeddedToolInstallation,
  Group,
  Membership,
  Role,
  RosterPage,
  ToolInstallation,
} from './group.js'
import {
  Agreement,
  Commitment,
  EmbeddedIntent,
  EmbeddedProposal,
  Intent,
  Match,
  Proposal,
  Quantity,
  ResourceSpecification,
} from './intents.js'
import { ToolManifest } from './tool.js'
import {
  Allocation,
  Bucket,
  Contribution,
  EmbeddedBucket,
  EmbeddedContribution,
  EmbeddedFundingRound,
  FundingRound,
  MoneyQuantity,
} from './budgeting.js'

export {
  AS2_CONTEXT,
  CONTEXT,
  CTA_CONTEXT,
  CTA_NAMESPACE,
  LIMITS,
  SCHEMA_BASE,
  ActorRef,
  Context,
  DateTime,
  Decimal,
  Image,
  Iri,
  MemberRef,
  schemaId,
} from './common.js'
export {
  CoreRole,
  EmbeddedMembership,
  EmbeddedToolInstallation,
  Group,
  GroupVisibility,
  InstallationStatus,
  JoinPolicy,
  Membership,
  MembershipStatus,
  Permission,
  Role,
  RosterPage,
  RosterVisibility,
  ToolInstallation,
} from './group.js'
export { EventType, EventTypePattern, Profile, ToolManifest } from './tool.js'
export { MembershipAssertionClaims, NumericDate } from './assertion.js'
export {
  Action,
  Agreement,
  Commitment,
  CurrencyType,
  EconomicEvent,
  EmbeddedIntent,
  EmbeddedProposal,
  Intent,
  MATCHES_RELATIONSHIP,
  Match,
  Proposal,
  Quantity,
  ResourceSpecification,
} from './intents.js'
export {
  Allocation,
  Bucket,
  BucketStatus,
  Contribution,
  EmbeddedBucket,
  EmbeddedContribution,
  EmbeddedFundingRound,
  FundingRound,
  MoneyQuantity,
} from './budgeting.js'
export {
  Activity,
  ActivityType,
  CORE_EVENT_PREFIX,
  EVENT_DATA_CONTENT_TYPE,
  Event,
  ObjectSummary,
  coreEvents,
  type CoreEventMap,
  type CoreEventSuffix,
  type CoreEventType,
  type EventOf,
} from './events.js'

/**
 * Every schema the SDK validates against, keyed by its kind. A document's kind follows from its
 * `type` (or, for an event envelope, from its CloudEvents `type`); claims and activities are
 * validated by naming their kind.
 */
export const documentSchemas = {
  Group,
  Role,
  Membership,
  RosterPage,
  ToolInstallation,
  ToolManifest,
  MembershipAssertionClaims,
  ResourceSpecification,
  Intent,
  Proposal,
  Match,
  Activity,
  Event,
  MembershipRequestedActivity: coreEvents['membership.requested'].activity,
  MembershipRequestedEvent: coreEvents['membership.requested'].event,
  MembershipInvitedActivity: coreEvents['membership.invited'].activity,
  MembershipInvitedEvent: coreEvents['membership.invited'].event,
  MembershipJoinedActivity: coreEvents['membership.joined'].activity,
  MembershipJoinedEvent: coreEvents['membership.joined'].event,
  MembershipUpdatedActivity: coreEvents['membership.updated'].activity,
  MembershipUpdatedEvent: coreEvents['membership.updated'].event,
  MembershipLeftActivity: coreEvents['membership.left'].activity,
  MembershipLeftEvent: coreEvents['membership.left'].event,
  MembershipRemovedActivity: coreEvents['membership.removed'].activity,
  MembershipRemovedEvent: coreEvents['membership.removed'].event,
  GroupToolConnectedActivity: coreEvents['group.tool.connected'].activity,
  GroupToolConnectedEvent: coreEvents['group.tool.connected'].event,
  GroupToolDisconnectedActivity: coreEvents['group.tool.disconnected'].activity,
  GroupToolDisconnectedEvent: coreEvents['group.tool.disconnected'].event,
  ProposalPublishedActivity: coreEvents['proposal.published'].activity,
  ProposalPublishedEvent: coreEvents['proposal.published'].event,
  ProposalUpdatedActivity: coreEvents['proposal.updated'].activity,
  ProposalUpdatedEvent: coreEvents['proposal.updated'].event,
  ProposalClosedActivity: coreEvents['proposal.closed'].activity,
  ProposalClosedEvent: coreEvents['proposal.closed'].event,
  ProposalRespondedActivity: coreEvents['proposal.responded'].activity,
  ProposalRespondedEvent: coreEvents['proposal.responded'].event,
  AgreementAcceptedActivity: coreEvents['agreement.accepted'].activity,
  AgreementAcceptedEvent: coreEvents['agreement.accepted'].event,
  AgreementRejectedActivity: coreEvents['agreement.rejected'].activity,
  AgreementRejectedEvent: coreEvents['agreement.rejected'].event,
  AgreementFulfilledActivity: coreEvents['agreement.fulfilled'].activity,
  AgreementFulfilledEvent: coreEvents['agreement.fulfilled'].event,
  IntentMatchedActivity: coreEvents['intent.matched'].activity,
  IntentMatchedEvent: coreEvents['intent.matched'].event,
  PingActivity: coreEvents.ping.activity,
  PingEvent: coreEvents.ping.event,
  FundingRound,
  Bucket,
  Allocation,
  Contribution,
  MoneyQuantity,
  EmbeddedFundingRound,
  EmbeddedBucket,
  EmbeddedContribution,
  RoundOpenedActivity: coreEvents['round.opened'].activity,
  RoundOpenedEvent: coreEvents['round.opened'].event,
  RoundClosedActivity: coreEvents['round.closed'].activity,
  RoundClosedEvent: coreEvents['round.closed'].event,
  BucketPublishedActivity: coreEvents['bucket.published'].activity,
  BucketPublishedEvent: coreEvents['bucket.published'].event,
  BucketFundedActivity: coreEvents['bucket.funded'].activity,
  BucketFundedEvent: coreEvents['bucket.funded'].event,
  BucketCompletedActivity: coreEvents['bucket.completed'].activity,
  BucketCompletedEvent: coreEvents['bucket.completed'].event,
  BucketCancelledActivity: coreEvents['bucket.cancelled'].activity,
  BucketCancelledEvent: coreEvents['bucket.cancelled'].event,
  ContributionMadeActivity: coreEvents['contribution.made'].activity,
  ContributionMadeEvent: coreEvents['contribution.made'].event,
  ContributionRefundedActivity: coreEvents['contribution.refunded'].activity,
  ContributionRefundedEvent: coreEvents['contribution.refunded'].event,
  ActorRef,
  MemberRef,
  Image,
  ObjectSummary,
  Quantity,
  EmbeddedMembership,
  EmbeddedToolInstallation,
  EmbeddedIntent,
  EmbeddedProposal,
  Commitment,
  Agreement,
} as const

/** The name of a schema in {@link documentSchemas}. */
export type DocumentKind = keyof typeof documentSchemas

/** Maps a document's `type` to its kind, for documents that are dispatched on `type`. */
export const DOCUMENT_KIND_BY_TYPE: Readonly<Record<string, DocumentKind>> = Object.freeze({
  Group: 'Group',
  Role: 'Role',
  Membership: 'Membership',
  RosterPage: 'RosterPage',
  ToolInstallation: 'ToolInstallation',
  Application: 'ToolManifest',
  ResourceSpecification: 'ResourceSpecification',
  Intent: 'Intent',
  Proposal: 'Proposal',
  Relationship: 'Match',
  FundingRound: 'FundingRound',
  Bucket: 'Bucket',
  Allocation: 'Allocation',
  Contribution: 'Contribution',
})
