// The decisions profile's kinds, as a vendor would add them: a poll with its options and, once
// closed, its tally (a bar and the counts per option, the winners marked, a ranked choice's rounds,
// a proposal's decision); a stance (never who cast it in an anonymous poll: "someone"); an outcome
// with what it decides.
import { esc } from '../../src/http.js'
import { kinds, type EventData, type KindContext, type RenderKind } from '../render-kinds.js'
import {
  b,
  badge,
  count,
  dateText,
  details,
  idOf,
  list,
  obj,
  percent,
  plain,
  quoted,
  str,
} from './read.js'

const POLL_TYPES: Readonly<Record<string, string>> = {
  proposal: 'proposal',
  singleChoice: 'single choice',
  multipleChoice: 'multiple choice',
  count: 'count',
  score: 'score',
  rankedChoice: 'ranked choice',
  dotVote: 'dot vote',
  meeting: 'meeting time',
}
const DECISIONS: Readonly<Record<string, [string, string]>> = {
  agreed: ['agreed', 'agreed'],
  disagreed: ['disagreed', 'disagreed'],
  tied: ['tied', 'tied'],
  blocked: ['blocked', 'blocked'],
  noQuorum: ['no quorum', 'noquorum'],
}

const actor = (data: EventData, c: KindContext) =>
  c.person(idOf(data['actor']), obj(data['actor'])['name'])
const nameOf = (poll: EventData) => str(poll['name']) ?? 'a poll'

/** The poll an event carries, completed by the newest copy seen (a stance's target is a summary). */
function pollOf(value: unknown, c: KindContext): EventData {
  const given = obj(value)
  const seen = c.object(idOf(value)) ?? {}
  return {
    ...seen,
    ...given,
    oneOf: given['oneOf'] ?? seen['oneOf'],
    anyOf: given['anyOf'] ?? seen['anyOf'],
  }
}

/** Option IRI → its name, from a poll's `oneOf` or `anyOf`. */
function optionNames(poll: EventData): Map<string, string> {
  const names = new Map<string, string>()
  for (const o of [...list(poll['oneOf']), ...list(poll['anyOf'])]) {
    const id = str(obj(o)['id'])
    const name = str(obj(o)['name'])
    if (id !== undefined && name !== undefined) names.set(id, name)
  }
  return names
}
const optionName = (names: Map<string, string>, iri: unknown) =>
  names.get(str(iri) ?? '') ?? str(iri)?.split(/[#/]/).pop() ?? 'an option'

/** The options of a poll, as a list. */
function options(poll: EventData): string {
  const shown = [...optionNames(poll).values()]
  if (shown.length === 0) return ''
  return `<ul class="kind-options" aria-label="Options">${shown.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`
}

/** What a poll is: its type, privacy, closing time. */
function pollFacts(poll: EventData, closes = true): string {
  const type = POLL_TYPES[str(poll['pollType']) ?? '']
  const end = dateText(poll['endTime'])
  return details([
    type === undefined ? undefined : esc(type),
    poll['anonymous'] === true ? 'anonymous' : undefined,
    poll['hideResults'] === 'untilClosed' ? 'results hidden until it closes' : undefined,
    closes && end !== undefined ? `closes ${end}` : undefined,
  ])
}

/**
 * A tally: a bar and the counts for each option (votes, and points where they count), the winners
 * marked in words, a proposal's decision, and a ranked choice's rounds in one line each.
 */
export function renderTally(value: unknown, poll: EventData): string {
  const tally = obj(value)
  const names = optionNames(poll)
  const winners = new Set(list(tally['winners']).filter((w): w is string => typeof w === 'string'))
  const rounds = list(tally['rounds'])
  // A ranked choice's bars show its last round (who was left, with the votes they ended with).
  const last = list(obj(rounds[rounds.length - 1])['counts'])
  const final = new Map(last.map((o) => [str(obj(o)['option']), count(obj(o)['votes'])]))
  const outIn = (option: string | undefined) => {
    const i = rounds.findIndex((r) => option !== undefined && obj(r)['eliminated'] === option)
    return i < 0 ? undefined : i + 1
  }
  const ranked = rounds.length > 1 && last.length > 0
  const rows = list(tally['options']).map((o) => {
    const r = obj(o)
    const option = str(r['option'])
    return {
      option,
      votes: ranked ? (final.get(option) ?? 0) : count(r['votes']),
      points: count(r['points']),
      out: ranked ? outIn(option) : undefined,
    }
  })
  const byPoints = rows.some((r) => r.points !== undefined)
  const measure = (r: (typeof rows)[number]) => (byPoints ? r.points : r.votes) ?? 0
  const top = Math.max(1, ...rows.map(measure))
  const voters = count(tally['voters'])
  const decision = DECISIONS[str(tally['decision']) ?? '']
  const head = details([
    voters === undefined ? undefined : `${String(voters)} ${voters === 1 ? 'voter' : 'voters'}`,
    tally['quorumReached'] === false ? 'quorum not reached' : undefined,
    decision === undefined ? undefined : `decision: ${badge(decision[0], decision[1])}`,
  ])
  const bars = rows
    .map((r) => {
      const win = r.option !== undefined && winners.has(r.option)
      const votes = `${String(r.votes ?? 0)} ${r.votes === 1 ? 'vote' : 'votes'}`
      const amount =
        r.out !== undefined
          ? `out in round ${String(r.out)}`
          : byPoints && r.points !== undefined
            ? `${String(r.points)} ${r.points === 1 ? 'point' : 'points'} · ${votes}`
            : votes
      return `<li class="tally-row${win ? ' winner' : ''}"><span class="tally-name">${esc(optionName(names, r.option))}${win ? ' <span class="win">✓ winner</span>' : ''}</span><span class="bar" aria-hidden="true"><span class="fill" style="width:${percent(measure(r) / top)}"></span></span><span class="tally-count">${esc(amount)}</span></li>`
    })
    .join('')
  const roundLines =
    rounds.length < 2
      ? ''
      : `<ol class="tally-rounds" aria-label="Rounds">${rounds
          .map((round, i) => {
            const r = obj(round)
            const counts = list(r['counts'])
              .map(
                (o) =>
                  `${esc(optionName(names, obj(o)['option']))} ${String(count(obj(o)['votes']) ?? 0)}`,
              )
              .join(' · ')
            const out = str(r['eliminated'])
            const exhausted = count(r['exhausted']) ?? 0
            return `<li>Round ${String(i + 1)}: ${counts}${out === undefined ? '' : ` — ${esc(optionName(names, out))} out`}${exhausted > 0 ? ` (${String(exhausted)} exhausted)` : ''}</li>`
          })
          .join('')}</ol>`
  if (bars === '' && head === '') return ''
  return `<div class="tally">${head}${bars === '' ? '' : `<ul class="tally-bars" aria-label="Results">${bars}</ul>`}${roundLines}</div>`
}

const opened: RenderKind = (input, c) => {
  const poll = obj(input.data['object'])
  return `${b(actor(input.data, c))} opened the poll ${quoted(nameOf(poll))}${pollFacts(poll)}${options(poll)}`
}

const closingSoon: RenderKind = (input, c) => {
  const poll = pollOf(input.data['object'], c)
  const end = dateText(poll['endTime'])
  const tally = input.data['result'] === undefined ? '' : renderTally(input.data['result'], poll)
  return `${quoted(nameOf(poll))} closes ${end ?? 'soon'}${tally === '' ? options(poll) : tally}`
}

const closed: RenderKind = (input, c) => {
  const poll = pollOf(input.data['object'], c)
  const tally = renderTally(input.data['result'], poll)
  return `${quoted(nameOf(poll))} closed${pollFacts(poll, false)}${tally === '' ? '<p class="kind-details">No result was sent.</p>' : tally}`
}

/** Who cast a stance: never named in an anonymous poll, whatever the event carries. */
const stance: RenderKind = (input, c) => {
  const poll = pollOf(input.data['target'], c)
  const s = obj(input.data['object'])
  const anonymous = poll['anonymous'] === true || obj(input.data['target'])['anonymous'] === true
  const by = str(s['attributedTo'])
  const a = obj(input.data['actor'])
  const who =
    anonymous || by === undefined ? 'Someone' : c.person(by, idOf(a) === by ? a['name'] : undefined)
  const names = optionNames(poll)
  const ranked = poll['pollType'] === 'rankedChoice'
  const choices = list(s['choice']).map((ch) => {
    const r = obj(ch)
    const name = esc(optionName(names, r['option']))
    const value = count(r['value'])
    return { name, value }
  })
  if (ranked) choices.sort((x, y) => (x.value ?? 0) - (y.value ?? 0))
  const chosen = choices
    .map(({ name, value }) =>
      value === undefined
        ? name
        : ranked
          ? `${String(value)}. ${name}`
          : `${name} (${String(value)})`,
    )
    .join(', ')
  const reason = plain(s['content'])
  const what =
    s['choice'] === undefined
      ? '<p class="kind-details">Their choice stays hidden until the poll closes.</p>'
      : chosen === ''
        ? ''
        : `: <strong>${chosen}</strong>`
  return `${b(who)} voted on ${quoted(nameOf(poll))}${what}${reason === undefined ? '' : `<p class="kind-details reason">“${reason}”</p>`}`
}

const outcome: RenderKind = (input, c) => {
  const o = obj(input.data['object'])
  const poll = c.object(str(o['inReplyTo'])) ?? {}
  const statement = plain(o['content']) ?? plain(o['summary']) ?? plain(o['name'])
  const decides = list(o['decides'])
    .map((d) => {
      const r = obj(d)
      const seen = c.object(str(r['id'])) ?? {}
      const type = str(r['type']) ?? str(seen['type'])
      const name = str(r['name']) ?? str(seen['name'])
      const amount = c.money(
        obj(r['resourceQuantity'])['hasNumericalValue'],
        r['resourceConformsTo'],
      )
      const what = `${type === undefined ? '' : `${esc(type.toLowerCase())} `}${name === undefined ? 'unnamed' : quoted(name)}`
      return `<li>${what}${amount === undefined ? '' : `: ${b(amount)}`}</li>`
    })
    .join('')
  const review = dateText(o['reviewDate'])
  return `${b(actor(input.data, c))} published the outcome of ${quoted(str(poll['name']) ?? str(o['name']) ?? 'a poll')}${statement === undefined ? '' : `<p class="kind-details statement">${statement}</p>`}${decides === '' ? '' : `<div class="decides"><span>Decides</span><ul>${decides}</ul></div>`}${details([review === undefined ? undefined : `review ${review}`])}`
}

const aboutPoll = (key: 'target' | 'inReplyTo') => (data: EventData) =>
  key === 'target' ? idOf(data['target']) : str(obj(data['object'])['inReplyTo'])

kinds.set('tech.collaborative.poll.opened', { label: 'poll', render: opened })
kinds.set('tech.collaborative.poll.closing-soon', { label: 'closing soon', render: closingSoon })
kinds.set('tech.collaborative.poll.closed', { label: 'poll closed', render: closed })
kinds.set('tech.collaborative.stance.cast', {
  label: 'stance',
  render: stance,
  about: aboutPoll('target'),
})
kinds.set('tech.collaborative.outcome.published', {
  label: 'outcome',
  render: outcome,
  about: aboutPoll('inReplyTo'),
})
