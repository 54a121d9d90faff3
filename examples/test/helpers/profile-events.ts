// Events of the decisions, budgeting, mutual credit and tasks profiles, built with the SDK's own
// builders, telling one story: a proposal decides to fund a bucket, a ranked-choice poll picks a
// day, an anonymous poll takes a stance; the round opens, the bucket is published, funded by
// contributions; another bucket is cancelled and refunded; credit moves; a task is done.
import {
  accountOpened,
  bucketCancelled,
  bucketFunded,
  bucketPublished,
  contributionMade,
  contributionRefunded,
  createAccount,
  createBucket,
  createContribution,
  createFundingRound,
  createOutcome,
  createPoll,
  createStance,
  createTask,
  createTransfer,
  outcomePublished,
  pollClosed,
  pollOpened,
  roundOpened,
  stanceCast,
  tallyPoll,
  taskAssigned,
  taskCompleted,
  taskCreated,
  transferMade,
  transitionTask,
  type Event,
  type ResourceSpecification,
} from '@cta-interop/sdk'

/** The story's events, oldest first, each `published` a minute after the one before. */
export interface ProfileStory {
  readonly events: readonly Event[]
  /** IRIs the tests look for. */
  readonly iri: {
    readonly group: string
    readonly bucket: string
    readonly cancelled: string
    readonly proposal: string
    readonly ranked: string
  }
}

/**
 * Builds the story for tools at `decisions` and `budgeting` (origins) in `group`, ending `start`
 * plus one minute per event (default: ending now).
 */
export function profileStory(options: {
  readonly decisions: string
  readonly budgeting: string
  readonly group: string
  readonly start?: Date
}): ProfileStory {
  const { decisions, budgeting, group } = options
  const events: Event[] = []
  const begin = options.start?.getTime() ?? Date.now() - 40 * 60_000
  let minute = 0
  const at = () => new Date(begin + ++minute * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const person = (slug: string, name: string) => ({
    id: `${decisions}/u/${slug}`,
    type: 'Person' as const,
    name,
  })
  const tomas = person('tomas', 'Tomás')
  const aroha = person('aroha', 'Aroha')
  const mele = person('mele', 'Mele')
  const rangi = person('rangi', 'Rangi')
  const tool = (origin: string, name: string) => ({
    id: origin,
    type: 'Application' as const,
    name,
  })
  const dec = { source: decisions, actor: tomas }
  const bud = { source: budgeting, actor: tomas }
  const currency = {
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
    id: `${group}/currencies/harbour-credit`,
    type: 'ResourceSpecification',
    name: 'Harbour Credit',
    currencyType: 'mutualCredit',
    symbol: 'HC',
    decimals: 2,
    issuer: group,
  } as const satisfies ResourceSpecification
  const far = new Date(Date.now() + 7 * 864e5).toISOString().replace(/\.\d{3}Z$/, 'Z')

  // A proposal: fund the bike repairs. Opened, three stances, closed with its tally.
  const opened = at()
  const proposal = createPoll({
    id: `${decisions}/polls/bikes`,
    pollType: 'proposal',
    name: 'Fund the bike repairs with 300 HC?',
    attributedTo: tomas.id,
    audience: group,
    endTime: far,
    published: opened,
  })
  events.push(pollOpened(proposal, { ...dec, published: opened }))
  const stances = [
    [aroha, 'agree', 'The bikes are used every day.'],
    [mele, 'agree', undefined],
    [rangi, 'abstain', undefined],
  ] as const
  const proposalStances = stances.map(([who, position, reason], i) => {
    const stance = createStance(proposal, {
      id: `${decisions}/stances/bikes-${String(i)}`,
      attributedTo: who.id,
      choice: [{ option: `${proposal.id}#option-${position === 'agree' ? 1 : 2}` }],
      ...(reason === undefined ? {} : { reason }),
      published: at(),
    })
    events.push(stanceCast(stance, proposal, { ...dec, actor: who, published: stance.published }))
    return stance
  })
  const closedAt = at()
  const closedProposal = { ...proposal, closed: closedAt }
  events.push(
    pollClosed(closedProposal, {
      ...dec,
      published: closedAt,
      tally: tallyPoll(closedProposal, proposalStances),
    }),
  )

  // A ranked choice, closed after three rounds.
  const rankedOpened = at()
  const ranked = createPoll({
    id: `${decisions}/polls/day`,
    pollType: 'rankedChoice',
    name: 'Which day for the repair workshop?',
    attributedTo: tomas.id,
    audience: group,
    endTime: far,
    published: rankedOpened,
    options: [{ name: 'Saturday' }, { name: 'Sunday' }, { name: 'Wednesday evening' }],
  })
  events.push(pollOpened(ranked, { ...dec, published: rankedOpened }))
  const ballots = [
    [1, 2, 3],
    [1, 3, 2],
    [2, 1, 3],
    [2, 3, 1],
    [3, 2, 1],
  ]
  const rankedStances = ballots.map((ranks, i) =>
    createStance(ranked, {
      id: `${decisions}/stances/day-${String(i)}`,
      attributedTo: [aroha, mele, rangi, tomas, person('sione', 'Sione')][i]?.id ?? tomas.id,
      choice: ranks.map((rank, o) => ({
        option: `${ranked.id}#option-${String(o + 1)}`,
        value: rank,
      })),
      published: rankedOpened,
    }),
  )
  const rankedClosedAt = at()
  const closedRanked = { ...ranked, closed: rankedClosedAt }
  events.push(
    pollClosed(closedRanked, {
      ...dec,
      published: rankedClosedAt,
      tally: tallyPoll(closedRanked, rankedStances),
    }),
  )

  // An anonymous poll: the stance event names nobody, its actor is the tool.
  const anonymousOpened = at()
  const anonymous = createPoll({
    id: `${decisions}/polls/chair`,
    pollType: 'singleChoice',
    name: 'Who should chair the next meeting?',
    attributedTo: tomas.id,
    audience: group,
    endTime: far,
    anonymous: true,
    published: anonymousOpened,
    options: [{ name: 'Aroha' }, { name: 'Mele' }],
  })
  events.push(pollOpened(anonymous, { ...dec, published: anonymousOpened }))
  const secret = createStance(anonymous, {
    id: `${decisions}/stances/chair-0`,
    attributedTo: rangi.id,
    choice: [{ option: `${anonymous.id}#option-2` }],
    published: at(),
  })
  events.push(
    stanceCast(secret, anonymous, {
      ...dec,
      actor: tool(decisions, 'Decisions'),
      published: secret.published,
    }),
  )

  // The round, the decided bucket, and the outcome that decides it.
  const roundAt = at()
  const round = createFundingRound({
    id: `${budgeting}/rounds/spring`,
    name: 'Spring 2027',
    audience: group,
    currency,
    startTime: roundAt,
    endTime: far,
    attributedTo: tomas.id,
    published: roundAt,
  })
  events.push(roundOpened(round, { ...bud, published: roundAt }))
  const outcomeId = `${decisions}/outcomes/bikes`
  const bucketAt = at()
  const bucket = createBucket({
    id: `${budgeting}/buckets/bikes`,
    round,
    name: 'Fix the community bikes',
    attributedTo: tomas.id,
    minGoal: '300',
    maxGoal: '400',
    bucketStatus: 'open',
    decidedBy: outcomeId,
    published: bucketAt,
  })
  const outcomeAt = at()
  const outcome = createOutcome(closedProposal, {
    id: outcomeId,
    attributedTo: tomas.id,
    statement: '<p>Agreed: we fund the bike repairs with 300 HC from the spring round.</p>',
    reviewDate: far,
    decides: [
      {
        id: bucket.id,
        type: 'Bucket',
        name: bucket.name,
        resourceConformsTo: currency.id,
        resourceQuantity: { hasUnit: 'one', hasNumericalValue: '300' },
      },
      { id: `${decisions}/tasks/bikes`, type: 'Task', name: 'Buy parts and book the workshop' },
    ],
    published: outcomeAt,
  })
  events.push(outcomePublished(outcome, { ...dec, published: outcomeAt }))
  events.push(bucketPublished(bucket, { ...bud, published: bucketAt }))
  const contributions = [
    [aroha, '120'],
    [mele, '100.5'],
    [rangi, '79.5'],
  ] as const
  for (const [i, [who, amount]] of contributions.entries()) {
    const published = at()
    const c = createContribution({
      id: `${budgeting}/contributions/bikes-${String(i)}`,
      round,
      bucket,
      member: who.id,
      amount,
      published,
    })
    events.push(contributionMade(c, { ...bud, actor: who, published }))
  }
  const fundedAt = at()
  events.push(
    bucketFunded(
      { ...bucket, bucketStatus: 'funded', updated: fundedAt },
      { ...bud, published: fundedAt },
    ),
  )

  // Another bucket, cancelled: its contribution refunded.
  const shedAt = at()
  const shed = createBucket({
    id: `${budgeting}/buckets/shed`,
    round,
    name: 'Paint the tool shed',
    attributedTo: aroha.id,
    minGoal: '50',
    maxGoal: '50',
    bucketStatus: 'open',
    published: shedAt,
  })
  events.push(bucketPublished(shed, { ...bud, actor: aroha, published: shedAt }))
  const giveAt = at()
  const given = createContribution({
    id: `${budgeting}/contributions/shed-0`,
    round,
    bucket: shed,
    member: mele.id,
    amount: '20',
    published: giveAt,
  })
  events.push(contributionMade(given, { ...bud, actor: mele, published: giveAt }))
  const cancelAt = at()
  events.push(
    bucketCancelled(
      { ...shed, bucketStatus: 'cancelled', updated: cancelAt },
      { ...bud, actor: aroha, published: cancelAt },
    ),
  )
  events.push(contributionRefunded(given, { ...bud, actor: mele, published: at() }))

  // Mutual credit: two accounts, a transfer.
  const accounts = [aroha, mele].map((who) => {
    const published = at()
    const account = createAccount({
      id: `${budgeting}/accounts/${who.name.toLowerCase()}`,
      member: who.id,
      audience: group,
      currency,
      creditLimit: '500',
      debitLimit: '200',
      published,
    })
    events.push(accountOpened(account, { ...bud, actor: who, published }))
    return account
  })
  const [from, to] = accounts
  if (from === undefined || to === undefined) throw new Error('two accounts')
  const sentAt = at()
  const transfer = createTransfer({
    id: `${budgeting}/transfers/1`,
    from,
    to,
    amount: '12.5',
    note: 'Brake pads',
    time: sentAt,
  })
  events.push(transferMade(transfer, { ...bud, actor: aroha, published: sentAt }))

  // A task for the work the outcome decided.
  const taskAt = at()
  const task = createTask({
    id: `${decisions}/tasks/bikes`,
    name: 'Buy parts and book the workshop',
    audience: group,
    attributedTo: tomas.id,
    due: far,
    decidedBy: outcome,
    published: taskAt,
  })
  events.push(taskCreated(task, { ...dec, published: taskAt }))
  const assignedAt = at()
  const assigned = transitionTask(task, {
    status: 'assigned',
    assignee: aroha.id,
    updated: assignedAt,
  })
  events.push(taskAssigned(assigned, { ...dec, published: assignedAt }))
  const doneAt = at()
  const done = transitionTask(assigned, { status: 'completed', updated: doneAt })
  events.push(taskCompleted(done, { ...dec, actor: aroha, published: doneAt }))

  return {
    events,
    iri: {
      group,
      bucket: bucket.id,
      cancelled: shed.id,
      proposal: proposal.id,
      ranked: ranked.id,
    },
  }
}
