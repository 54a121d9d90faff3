// Plants of the Decisions profile: faults a vendor could ship in the SDK's tallies, stance checks
// and redaction (each `find` is text of sdk/dist/*.js), planted in Decisions, the example tool that
// claims the profile (one in the suite's reference tool). The live cases of
// conformance/src/live/cases/decisions.ts must catch each one.
import type { Plant } from '../plant.js'

const DECISIONS = { tool: 'decisions', profiles: ['decisions'] } as const

/** A plant that replaces `find` with `replace` in the built SDK. */
const edit = (find: string, replace: string): Plant['plant'] => ({ sdk: { find, replace } })

export const PLANTS: readonly Plant[] = [
  {
    id: 'decisions.block-counts-as-disagree',
    bug: 'A block is counted as one more disagree: three agrees, a disagree and a block pass.',
    requirements: ['DEC-TAL-003'],
    ...DECISIONS,
    plant: edit(
      'else if (votesOf("block") > 0) decision = "blocked";\n  else if (votesOf("agree") > votesOf("disagree")) decision = "agreed";',
      'else if (votesOf("agree") > votesOf("disagree") + votesOf("block")) decision = "agreed";',
    ),
  },
  {
    id: 'decisions.ranked-tie-break-reversed',
    bug: 'A tie for fewest votes that no earlier round breaks eliminates the option listed first, not last.',
    requirements: ['DEC-TAL-006'],
    ...DECISIONS,
    plant: edit('const eliminated = tied[tied.length - 1];', 'const eliminated = tied[0];'),
  },
  {
    id: 'decisions.score-zero-not-a-vote',
    bug: 'A score of 0 is left out of an option’s votes, as if the voter had not scored it.',
    requirements: ['DEC-TAL-004'],
    ...DECISIONS,
    plant: edit(
      'type === "dotVote" ? value > 0 : true) votes += 1;',
      'type === "dotVote" || type === "score" ? value > 0 : true) votes += 1;',
    ),
  },
  {
    id: 'decisions.meeting-tie-not-broken',
    bug: 'Two meeting slots with the same points stay tied; the one with more yes answers does not win.',
    requirements: ['DEC-TAL-007'],
    ...DECISIONS,
    plant: edit(
      'type === "meeting" ? [l.points ?? 0, l.votes] : [l.points ?? 0]',
      '[l.points ?? 0]',
    ),
  },
  {
    id: 'decisions.every-stance-counted',
    bug: 'Every stance is counted, so a member who changed their stance votes twice.',
    requirements: ['DEC-STA-003'],
    ...DECISIONS,
    plant: edit('return [...byVoter.values()].map((v) => v.stance);', 'return stances;'),
  },
  {
    id: 'decisions.quorum-ignored',
    bug: 'The quorum is never checked: a poll with too few stances still has winners.',
    requirements: ['DEC-TAL-001'],
    ...DECISIONS,
    plant: edit(
      'const quorumReached = counted.length >= (checked2.quorum ?? 0);',
      'const quorumReached = true;',
    ),
  },
  {
    id: 'decisions.dots-not-capped',
    bug: 'A dot vote accepts more dots than dotsPerVoter.',
    requirements: ['DEC-STA-001'],
    ...DECISIONS,
    plant: edit('if (dots < 1 || dots > (poll.dotsPerVoter ?? 0)) {', 'if (dots < 1) {'),
  },
  {
    id: 'decisions.late-stance-accepted',
    bug: 'A stance cast after the poll closed is accepted.',
    requirements: ['DEC-STA-002'],
    // Decisions refuses a stance on a closed poll before the SDK sees it; the reference tool
    // leaves that to createStance, so the plant is in play there.
    tool: 'reference',
    profiles: ['decisions'],
    plant: edit(
      'if (readInstant(stance.published) > closingInstant(poll) || stanceVersion(stance) > closingInstant(poll)) {',
      'if (false) {',
    ),
  },
  {
    id: 'decisions.anonymous-voter-leaked',
    bug: 'A stance of an anonymous poll keeps its voter when it is redacted for an event.',
    requirements: ['DEC-PRIV-001'],
    ...DECISIONS,
    plant: edit(
      '...poll.anonymous === true || attributedTo === void 0 ? {} : { attributedTo },',
      '...attributedTo === void 0 ? {} : { attributedTo },',
    ),
  },
  {
    id: 'decisions.hidden-choice-leaked',
    bug: 'A stance of a poll whose results are hidden until close keeps its choice in the event.',
    requirements: ['DEC-PRIV-002'],
    ...DECISIONS,
    plant: edit(
      '...hidden || choice === void 0 ? {} : { choice },',
      '...choice === void 0 ? {} : { choice },',
    ),
  },
]
