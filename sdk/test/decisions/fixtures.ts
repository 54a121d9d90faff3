// Shared polls and stances for the decisions tests.
import { createPoll, createStance, type CreatePollOptions, type Poll } from '../../src/index.js'

export const GROUP = 'https://decisions.example/g/harbour-commons'
export const SOURCE = 'https://decisions.example'
export const TOOL = { id: SOURCE, type: 'Application' as const, name: 'Decisions' }
export const AROHA = {
  id: 'https://decisions.example/u/aroha',
  type: 'Person' as const,
  name: 'Aroha',
}

/** A poll opened on 1 September 2026 that closes a week later. */
export function poll(
  pollType: CreatePollOptions['pollType'],
  names: readonly string[] = [],
  extra: Partial<CreatePollOptions> = {},
): Poll {
  return createPoll({
    id: 'https://decisions.example/p/t',
    pollType,
    name: 'What shall we do?',
    attributedTo: AROHA.id,
    audience: GROUP,
    published: '2026-09-01T09:00:00Z',
    endTime: '2026-09-08T09:00:00Z',
    ...(names.length === 0
      ? {}
      : {
          options: names.map((name, i) => ({
            id: `https://decisions.example/p/t#${name}`,
            name,
            ...(pollType === 'meeting' ? { startTime: `2026-09-1${i}T18:00:00Z` } : {}),
          })),
        }),
    ...extra,
  })
}

/** The IRI of an option of {@link poll}. */
export const opt = (name: string): string => `https://decisions.example/p/t#${name}`

let serial = 0
/** A stance of `voter` on `p`: each choice an option name, or a name and a value. */
export function stance(
  p: Poll,
  voter: string,
  choices: readonly (string | [string, number])[],
  extra: { published?: string; updated?: string; reason?: string } = {},
) {
  serial += 1
  return createStance(p, {
    id: `https://decisions.example/s/${String(serial).padStart(4, '0')}`,
    attributedTo: `https://decisions.example/u/${voter}`,
    choice: choices.map((c) =>
      typeof c === 'string' ? { option: opt(c) } : { option: opt(c[0]), value: c[1] },
    ),
    published: extra.published ?? '2026-09-02T09:00:00Z',
    ...(extra.updated === undefined ? {} : { updated: extra.updated }),
    ...(extra.reason === undefined ? {} : { reason: extra.reason }),
  })
}

/** The proposal options of {@link poll} (`#option-1` agree … `#option-4` block). */
export const proposalOption = (position: 'agree' | 'abstain' | 'disagree' | 'block'): string =>
  `https://decisions.example/p/t#option-${['agree', 'abstain', 'disagree', 'block'].indexOf(position) + 1}`
