import { Type, type Static, type TProperties, type TSchema } from '@sinclair/typebox'
import {
  ActorRef,
  Content,
  Context,
  DateTime,
  Image,
  Iri,
  IriList,
  MemberRef,
  Name,
  Origin,
  StringEnum,
  Summary,
  schemaId,
  Ref,
  Link,
  NameMap,
  SummaryMap,
} from './common.js'
import { EmbeddedMembership, EmbeddedToolInstallation } from './group.js'
import { Agreement, EconomicEvent, EmbeddedMatch, EmbeddedProposal } from './intents.js'
import { EmbeddedBucket, EmbeddedContribution, EmbeddedFundingRound } from './budgeting.js'
import { EmbeddedOutcome, EmbeddedPoll, EmbeddedStance, PollRef, Tally } from './decisions.js'
import { EmbeddedAccount, EmbeddedTransfer } from './credit.js'
import { EmbeddedTask } from './tasks.js'
import { EventType } from './tool.js'

/** The prefix of every core event type. */
export const CORE_EVENT_PREFIX = 'tech.collaborative.'
/** The only `datacontenttype` a CTA event carries. */
export const EVENT_DATA_CONTENT_TYPE = 'application/ld+json'

/** The AS2 activity types a generic activity may have. */
export const ActivityType = StringEnum([
  'Accept',
  'Add',
  'Announce',
  'Arrive',
  'Block',
  'Create',
  'Delete',
  'Dislike',
  'Flag',
  'Follow',
  'Ignore',
  'Invite',
  'Join',
  'Leave',
  'Like',
  'Listen',
  'Move',
  'Offer',
  'Question',
  'Read',
  'Reject',
  'Remove',
  'TentativeAccept',
  'TentativeReject',
  'Travel',
  'Undo',
  'Update',
  'View',
] as const)

/** An AS2 object a generic activity points at: enough to render a line and a link. */
export const ObjectSummary = Type.Object(
  {
    id: Type.Optional(Iri),
    type: Type.String({ pattern: '^[A-Z][A-Za-z0-9]*$', maxLength: 64 }),
    name: Type.Optional(Name),
    nameMap: Type.Optional(NameMap),
    summary: Type.Optional(Summary),
    summaryMap: Type.Optional(SummaryMap),
    content: Type.Optional(Content),
    url: Type.Optional(Link),
    icon: Type.Optional(Ref(Image)),
    attributedTo: Type.Optional(Iri),
    inReplyTo: Type.Optional(Iri),
    published: Type.Optional(DateTime),
    updated: Type.Optional(DateTime),
    startTime: Type.Optional(DateTime),
    endTime: Type.Optional(DateTime),
  },
  { $id: schemaId('object-summary'), additionalProperties: false, title: 'ObjectSummary' },
)

const ObjectOrIri = Type.Union([Iri, Ref(ObjectSummary)])

/** The renderable minimum every activity has, whatever its type. */
const renderable = {
  '@context': Context,
  id: Type.Optional(Iri),
  actor: Ref(ActorRef),
  summary: Summary,
  summaryMap: Type.Optional(SummaryMap),
  published: DateTime,
  url: Link,
  audience: Iri,
  icon: Type.Optional(Ref(Image)),
  to: Type.Optional(IriList()),
}

const activityProperties = {
  ...renderable,
  type: ActivityType,
  object: ObjectOrIri,
  target: Type.Optional(ObjectOrIri),
  result: Type.Optional(ObjectOrIri),
  inReplyTo: Type.Optional(Iri),
}

/**
 * A generic AS2 activity with the renderable minimum: what any dashboard can show for any event
 * type, including types it does not know.
 * @see {@link https://w3id.org/cta/spec/events#renderable-minimum Spec: renderable minimum}
 */
export const Activity = Type.Object(activityProperties, {
  $id: schemaId('activity'),
  additionalProperties: false,
  title: 'Activity',
  description: 'The data of any event: an AS2 activity with the renderable minimum.',
})
export type Activity = Static<typeof Activity>

/**
 * The name of every attribute of an envelope, known or extension (DOC-EXT-002): CloudEvents 1.0
 * allows only lower-case ASCII letters and digits, and advises at most 20 of them. This also
 * refuses `data_base64`, which the JSON format reserves, and names such as `$ref` or `sub}ject`.
 */
const ATTRIBUTE_NAME = { pattern: '^[a-z0-9]{1,20}$' }

/** A CloudEvents extension attribute value: string, boolean or 32-bit integer. */
const ExtensionValue = Type.Union([
  Type.String({ maxLength: 2048 }),
  Type.Boolean(),
  Type.Integer({ minimum: -2_147_483_648, maximum: 2_147_483_647 }),
])

function envelope<T extends TSchema, S extends TSchema, D extends TSchema>(
  type: T,
  dataschema: S,
  data: D,
) {
  return {
    specversion: Type.Literal('1.0'),
    id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$', maxLength: 128 }),
    source: Origin,
    type,
    subject: Type.Optional(Iri),
    time: DateTime,
    datacontenttype: Type.Literal(EVENT_DATA_CONTENT_TYPE),
    dataschema,
    group: Iri,
    // DOC-SEQ-001: 20 decimal digits, zero-padded, so that string order is number order.
    sequence: Type.Optional(Type.String({ pattern: '^[0-9]{20}$', maxLength: 20 })),
    traceparent: Type.Optional(
      Type.String({
        pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
        maxLength: 55,
      }),
    ),
    tracestate: Type.Optional(Type.String({ maxLength: 512 })),
    data,
  }
}

/**
 * The CloudEvents 1.0 envelope (JSON format) of any CTA event: core types and tools' own types.
 * Unknown extension attributes are allowed (string, boolean or integer values), under names of
 * 1 to 20 lower-case letters and digits.
 * @see {@link https://w3id.org/cta/spec/events#envelope Spec: event envelope}
 */
export const Event = Type.Object(envelope(EventType, Iri, Ref(Activity)), {
  $id: schemaId('event'),
  additionalProperties: ExtensionValue,
  propertyNames: ATTRIBUTE_NAME,
  title: 'Event',
  description:
    'A CloudEvents 1.0 envelope whose data is an AS2 activity with the renderable minimum.',
})
export type Event = Static<typeof Event>

/** Builds the activity and envelope schemas of one core event type. */
function coreEvent<const S extends string, P extends TProperties>(
  suffix: S,
  title: string,
  description: string,
  properties: P,
) {
  const name = suffix.replaceAll('.', '-')
  const type = `${CORE_EVENT_PREFIX}${suffix}` as const
  const activityId = schemaId(`activity-${name}`)
  const data = { ...renderable, ...properties }
  const activity = Type.Object(data, {
    $id: activityId,
    additionalProperties: false,
    title: `${title}Activity`,
    description: `The data of a \`${type}\` event: ${description}`,
  })
  const event = Type.Object(envelope(Type.Literal(type), Type.Literal(activityId), Ref(activity)), {
    $id: schemaId(`event-${name}`),
    additionalProperties: ExtensionValue,
    propertyNames: ATTRIBUTE_NAME,
    title: `${title}Event`,
    description: `A \`${type}\` event: ${description}`,
  })
  return { type, activity, event }
}

const GroupRef = Iri

/** Every core event type, keyed by its suffix after `tech.collaborative.`. */
export const coreEvents = {
  'membership.requested': coreEvent(
    'membership.requested',
    'MembershipRequested',
    'someone asked to join a group.',
    {
      type: Type.Literal('Join'),
      object: GroupRef,
      result: Type.Optional(Ref(EmbeddedMembership)),
    },
  ),
  'membership.invited': coreEvent(
    'membership.invited',
    'MembershipInvited',
    'someone was invited into a group.',
    {
      type: Type.Literal('Invite'),
      object: GroupRef,
      target: Ref(MemberRef),
      result: Type.Optional(Ref(EmbeddedMembership)),
    },
  ),
  'membership.joined': coreEvent(
    'membership.joined',
    'MembershipJoined',
    'a member joined a group; `result` is the membership.',
    {
      type: StringEnum(['Accept', 'Add', 'Join'] as const),
      object: Type.Union([GroupRef, Ref(MemberRef)]),
      result: Ref(EmbeddedMembership),
    },
  ),
  'membership.updated': coreEvent(
    'membership.updated',
    'MembershipUpdated',
    "a membership's roles or status changed; `object` is the membership as it now is.",
    { type: Type.Literal('Update'), object: Ref(EmbeddedMembership) },
  ),
  'membership.left': coreEvent(
    'membership.left',
    'MembershipLeft',
    'a member left a group; tools must end their access.',
    { type: Type.Literal('Leave'), object: GroupRef, result: Ref(EmbeddedMembership) },
  ),
  'membership.removed': coreEvent(
    'membership.removed',
    'MembershipRemoved',
    'a member was removed from a group; tools must end their access.',
    {
      type: Type.Literal('Remove'),
      object: Ref(MemberRef),
      target: GroupRef,
      result: Ref(EmbeddedMembership),
    },
  ),
  'group.tool.connected': coreEvent(
    'group.tool.connected',
    'GroupToolConnected',
    'a group started using a tool.',
    { type: Type.Literal('Add'), object: Ref(EmbeddedToolInstallation), target: GroupRef },
  ),
  'group.tool.disconnected': coreEvent(
    'group.tool.disconnected',
    'GroupToolDisconnected',
    'a group stopped using a tool.',
    { type: Type.Literal('Remove'), object: Ref(EmbeddedToolInstallation), target: GroupRef },
  ),
  'subscription.ended': coreEvent(
    'subscription.ended',
    'SubscriptionEnded',
    "a producer ended a tool's subscription to the group's events: its sink answered `410`, it expired, the tool's installation ended, or its deliveries failed for 5 days (`endReason`).",
    {
      type: Type.Literal('Remove'),
      object: Type.Object(
        {
          id: Iri,
          type: Type.Literal('Subscription'),
          attributedTo: Iri,
          endTime: DateTime,
        },
        { additionalProperties: false, title: 'EndedSubscription' },
      ),
      target: GroupRef,
      endReason: StringEnum(['gone', 'expired', 'uninstalled', 'failing'] as const),
    },
  ),
  'proposal.published': coreEvent(
    'proposal.published',
    'ProposalPublished',
    'an offer or request was cast into a group.',
    { type: Type.Literal('Create'), object: Ref(EmbeddedProposal) },
  ),
  'proposal.updated': coreEvent(
    'proposal.updated',
    'ProposalUpdated',
    'an offer or request changed.',
    { type: Type.Literal('Update'), object: Ref(EmbeddedProposal) },
  ),
  'proposal.closed': coreEvent(
    'proposal.closed',
    'ProposalClosed',
    'an offer or request closed: fulfilled, withdrawn or expired.',
    {
      type: Type.Literal('Update'),
      object: Ref(EmbeddedProposal),
      closeReason: StringEnum(['fulfilled', 'withdrawn', 'expired'] as const),
    },
  ),
  'proposal.responded': coreEvent(
    'proposal.responded',
    'ProposalResponded',
    'someone answered an offer or request with an agreement.',
    { type: Type.Literal('Offer'), object: Ref(Agreement), inReplyTo: Iri },
  ),
  'agreement.accepted': coreEvent(
    'agreement.accepted',
    'AgreementAccepted',
    'the proposer accepted an agreement.',
    { type: Type.Literal('Accept'), object: Ref(Agreement), inReplyTo: Iri },
  ),
  'agreement.rejected': coreEvent(
    'agreement.rejected',
    'AgreementRejected',
    'the proposer rejected an agreement.',
    { type: Type.Literal('Reject'), object: Ref(Agreement), inReplyTo: Iri },
  ),
  'agreement.fulfilled': coreEvent(
    'agreement.fulfilled',
    'AgreementFulfilled',
    'an agreement was fulfilled; `object` is what happened.',
    { type: Type.Literal('Create'), object: EconomicEvent, inReplyTo: Iri },
  ),
  'intent.matched': coreEvent(
    'intent.matched',
    'IntentMatched',
    'a matcher found a counterpart for an offer or request.',
    { type: Type.Literal('Create'), object: EmbeddedMatch },
  ),
  'round.opened': coreEvent(
    'round.opened',
    'RoundOpened',
    'a funding round opened for contributions.',
    { type: Type.Literal('Create'), object: Ref(EmbeddedFundingRound) },
  ),
  'round.closed': coreEvent(
    'round.closed',
    'RoundClosed',
    'a funding round closed; `object` is the round with its final `endTime`.',
    { type: Type.Literal('Update'), object: Ref(EmbeddedFundingRound) },
  ),
  'bucket.published': coreEvent(
    'bucket.published',
    'BucketPublished',
    'a bucket was published in a funding round.',
    { type: Type.Literal('Create'), object: Ref(EmbeddedBucket) },
  ),
  'bucket.funded': coreEvent(
    'bucket.funded',
    'BucketFunded',
    'a bucket reached its minimum goal.',
    { type: Type.Literal('Update'), object: Ref(EmbeddedBucket) },
  ),
  'bucket.completed': coreEvent('bucket.completed', 'BucketCompleted', "a bucket's work is done.", {
    type: Type.Literal('Update'),
    object: Ref(EmbeddedBucket),
  }),
  'bucket.cancelled': coreEvent(
    'bucket.cancelled',
    'BucketCancelled',
    'a bucket was cancelled and every contribution to it refunded.',
    { type: Type.Literal('Update'), object: Ref(EmbeddedBucket) },
  ),
  'contribution.made': coreEvent(
    'contribution.made',
    'ContributionMade',
    'a member contributed to a bucket.',
    { type: Type.Literal('Create'), object: Ref(EmbeddedContribution) },
  ),
  'contribution.refunded': coreEvent(
    'contribution.refunded',
    'ContributionRefunded',
    "a contribution was returned to the member's balance.",
    { type: Type.Literal('Undo'), object: Ref(EmbeddedContribution) },
  ),
  'poll.opened': coreEvent('poll.opened', 'PollOpened', 'a poll opened for stances.', {
    type: Type.Literal('Create'),
    object: Ref(EmbeddedPoll),
  }),
  'poll.closing-soon': coreEvent(
    'poll.closing-soon',
    'PollClosingSoon',
    'a poll closes soon; `result` is the tally so far, only when results are not hidden.',
    {
      type: Type.Literal('Announce'),
      object: Ref(EmbeddedPoll),
      result: Type.Optional(Ref(Tally)),
    },
  ),
  'poll.closed': coreEvent('poll.closed', 'PollClosed', 'a poll closed; `result` is its tally.', {
    type: Type.Literal('Update'),
    object: Ref(EmbeddedPoll),
    result: Type.Optional(Ref(Tally)),
  }),
  'stance.cast': coreEvent(
    'stance.cast',
    'StanceCast',
    'a stance was cast on a poll (`target`); anonymous and hidden polls leave out who and what.',
    { type: Type.Literal('Create'), object: Ref(EmbeddedStance), target: Ref(PollRef) },
  ),
  'outcome.published': coreEvent(
    'outcome.published',
    'OutcomePublished',
    'the outcome of a poll was published.',
    { type: Type.Literal('Create'), object: Ref(EmbeddedOutcome) },
  ),
  'account.opened': coreEvent(
    'account.opened',
    'AccountOpened',
    'a mutual credit account was opened.',
    { type: Type.Literal('Create'), object: Ref(EmbeddedAccount) },
  ),
  'transfer.made': coreEvent(
    'transfer.made',
    'TransferMade',
    'a mutual credit transfer was accepted (a refused transfer is never emitted).',
    { type: Type.Literal('Create'), object: Ref(EmbeddedTransfer) },
  ),
  'task.created': coreEvent('task.created', 'TaskCreated', 'a task was created.', {
    type: Type.Literal('Create'),
    object: Ref(EmbeddedTask),
  }),
  'task.assigned': coreEvent('task.assigned', 'TaskAssigned', 'a task was assigned to a member.', {
    type: Type.Literal('Update'),
    object: Ref(EmbeddedTask),
  }),
  'task.completed': coreEvent('task.completed', 'TaskCompleted', 'a task was completed.', {
    type: Type.Literal('Update'),
    object: Ref(EmbeddedTask),
  }),
  'task.cancelled': coreEvent('task.cancelled', 'TaskCancelled', 'a task was cancelled.', {
    type: Type.Literal('Update'),
    object: Ref(EmbeddedTask),
  }),
  ping: coreEvent('ping', 'Ping', 'a test event that proves delivery works.', {
    type: Type.Literal('Create'),
    object: Type.Object(
      {
        type: Type.Literal('Note'),
        content: Type.String({ minLength: 1, maxLength: 280 }),
      },
      { additionalProperties: false },
    ),
  }),
} as const

/** A core event type suffix, such as `membership.joined`. */
export type CoreEventSuffix = keyof typeof coreEvents

/** Each core event type, mapped to the type of its envelope. */
export type CoreEventMap = {
  [K in CoreEventSuffix as `tech.collaborative.${K}`]: Static<(typeof coreEvents)[K]['event']>
}
/** A core event type, such as `tech.collaborative.membership.joined`. */
export type CoreEventType = keyof CoreEventMap
/** The envelope type of an event type: typed for core types, generic for any other. */
export type EventOf<T extends string> = T extends CoreEventType ? CoreEventMap[T] : Event
