// The profiles' kinds on the dashboard (decisions, budgeting, mutual credit, tasks), rendered from
// events the SDK's builders make, and from hostile data: missing fields, markup in names, wrong
// types. Nothing throws, everything shown is escaped, an anonymous voter is never named.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPoll, createStance, pollClosed, tallyPoll, type Event } from '@cta-interop/sdk'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDashboard, type Dashboard } from '../dashboard/dashboard.js'
import { createKindContext, type StoredEvent } from '../dashboard/kind-context.js'
import '../dashboard/kinds/index.js'
import { kinds, renderKind, type KindContext } from '../dashboard/render-kinds.js'
import { json } from '../src/http.js'
import { startProducer, type Producer } from '../src/producer.js'
import { openChromium } from './helpers/open-chromium.js'
import { profileStory, type ProfileStory } from './helpers/profile-events.js'

const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url)
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

const DECISIONS = 'https://decisions.example'
const BUDGETING = 'https://budgeting.example'
const GROUP = 'https://decisions.example/g/harbour'
const story = profileStory({ decisions: DECISIONS, budgeting: BUDGETING, group: GROUP })
const names = { group: () => 'Harbour Commons', tool: (o: string) => new URL(o).hostname }
const storedOf = (e: Event | StoredEvent): StoredEvent =>
  'data' in e && 'specversion' in e
    ? {
        type: e.type,
        source: e.source,
        group: e.group,
        summary: String((e.data as { summary?: unknown }).summary),
        published: String((e.data as { published?: unknown }).published),
        data: e.data,
      }
    : e
const stored = story.events.map(storedOf)
const context = createKindContext(stored, names)
/** The rendered text, tags removed and entities read back. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
const render = (e: StoredEvent, c: KindContext = context) => {
  const kind = kinds.get(e.type)
  if (kind === undefined) throw new Error(`no kind for ${e.type}`)
  return kind.render(e, c)
}
const find = (type: string, nth = 0): StoredEvent => {
  const found = stored.filter((e) => e.type === type)[nth]
  if (found === undefined) throw new Error(`no ${type} #${String(nth)}`)
  return found
}
const PROFILE_TYPES = [
  'tech.collaborative.poll.opened',
  'tech.collaborative.poll.closing-soon',
  'tech.collaborative.poll.closed',
  'tech.collaborative.stance.cast',
  'tech.collaborative.outcome.published',
  'tech.collaborative.round.opened',
  'tech.collaborative.round.closed',
  'tech.collaborative.bucket.published',
  'tech.collaborative.bucket.funded',
  'tech.collaborative.bucket.completed',
  'tech.collaborative.bucket.cancelled',
  'tech.collaborative.contribution.made',
  'tech.collaborative.contribution.refunded',
  'tech.collaborative.account.opened',
  'tech.collaborative.transfer.made',
  'tech.collaborative.task.created',
  'tech.collaborative.task.assigned',
  'tech.collaborative.task.completed',
  'tech.collaborative.task.cancelled',
]

describe('the profiles’ kinds, from events the SDK builds', () => {
  it('registers a kind for every event type of the four profiles', () => {
    for (const type of PROFILE_TYPES) expect(kinds.has(type), type).toBe(true)
    for (const e of stored) {
      const shown = renderKind(e, context)
      expect(shown.known, e.type).toBe(true)
      // Rendered richly, not the summary it falls back to.
      expect(textOf(shown.html), e.type).not.toBe(e.summary)
    }
  })

  it('shows a proposal’s options, and once closed its tally: counts, bars, the winner and the decision', () => {
    const opened = render(find('tech.collaborative.poll.opened'))
    expect(textOf(opened)).toContain('Tomás opened the poll “Fund the bike repairs with 300 HC?”')
    for (const option of ['Agree', 'Abstain', 'Disagree', 'Block'])
      expect(opened).toContain(`<li>${option}</li>`)
    const closed = render(find('tech.collaborative.poll.closed'))
    const text = textOf(closed)
    expect(text).toContain('3 voters')
    expect(text).toContain('decision: agreed')
    expect(text).toMatch(/Agree ✓ winner 2 votes/)
    expect(text).toMatch(/Abstain 1 vote\b/)
    expect(text).not.toMatch(/Abstain ✓/)
    // A bar per option, as wide as its share of the leader's count; the text carries the numbers.
    expect(closed.match(/class="fill" style="width:(\d+(?:\.\d)?)%"/g)).toEqual([
      'class="fill" style="width:100%"',
      'class="fill" style="width:50%"',
      'class="fill" style="width:0%"',
      'class="fill" style="width:0%"',
    ])
    expect(closed).toContain('aria-hidden="true"')
  })

  it('shows a blocked proposal as blocked, the block counted', () => {
    const poll = createPoll({
      id: `${DECISIONS}/polls/fence`,
      pollType: 'proposal',
      name: 'Take down the fence?',
      attributedTo: `${DECISIONS}/u/tomas`,
      audience: GROUP,
      endTime: '2026-12-01T12:00:00Z',
      published: '2026-12-01T10:00:00Z',
      closed: '2026-12-01T12:00:00Z',
    })
    const stances = [1, 1, 4].map((option, i) =>
      createStance(poll, {
        id: `${DECISIONS}/stances/fence-${String(i)}`,
        attributedTo: `${DECISIONS}/u/${String(i)}`,
        choice: [{ option: `${poll.id}#option-${String(option)}` }],
        published: '2026-12-01T11:00:00Z',
      }),
    )
    const event = storedOf(
      pollClosed(poll, {
        source: DECISIONS,
        actor: { id: DECISIONS, type: 'Application', name: 'Decisions' },
        tally: tallyPoll(poll, stances),
      }),
    )
    const html = render(event)
    expect(textOf(html)).toMatch(/3 voters · decision: blocked .*Agree 2 votes .*Block 1 vote\b/)
    expect(html).toContain('<span class="kind-status status-blocked">blocked</span>')
    expect(textOf(html)).not.toContain('winner')
  })

  it('shows a ranked choice’s rounds compactly, with who went out', () => {
    const text = textOf(render(find('tech.collaborative.poll.closed', 1)))
    expect(text).toContain(
      'Round 1: Saturday 2 · Sunday 1 · Wednesday evening 2 — Sunday out Round 2: Saturday 3 · Wednesday evening 2',
    )
    // The bars show the last round: who was left, with the votes they ended with.
    expect(text).toMatch(
      /Saturday ✓ winner 3 votes Sunday out in round 1 Wednesday evening 2 votes/,
    )
  })

  it('names who voted, what and why, and never who voted in an anonymous poll', () => {
    const aroha = textOf(render(find('tech.collaborative.stance.cast')))
    expect(aroha).toBe(
      'Aroha voted on “Fund the bike repairs with 300 HC?”: Agree “The bikes are used every day.”',
    )
    const secret = find('tech.collaborative.stance.cast', 3)
    expect(textOf(render(secret))).toBe(
      'Someone voted on “Who should chair the next meeting?”: Mele',
    )
    // Even when a careless tool leaks the voter into an anonymous poll's stance, it is not shown.
    const leaky = {
      ...secret,
      data: {
        ...secret.data,
        actor: { id: `${DECISIONS}/u/rangi`, type: 'Person', name: 'Rangi' },
        object: { ...(secret.data['object'] as object), attributedTo: `${DECISIONS}/u/rangi` },
      },
    }
    expect(textOf(render(leaky))).not.toContain('Rangi')
  })

  it('shows an outcome with what it decides: the bucket and the amount in its currency', () => {
    const text = textOf(render(find('tech.collaborative.outcome.published')))
    expect(text).toContain('Tomás published the outcome of “Fund the bike repairs with 300 HC?”')
    expect(text).toContain('Agreed: we fund the bike repairs with 300 HC from the spring round.')
    expect(text).toContain('Decides bucket “Fix the community bikes”: 300.00 Harbour Credit')
    expect(text).toMatch(/review \d{1,2} [A-Z][a-z]{2} \d{4}/)
  })

  it('shows a bucket’s progress toward its minimum and maximum as of each event, in the round’s decimals', () => {
    const published = render(find('tech.collaborative.bucket.published'))
    expect(textOf(published)).toContain(
      '0.00 Harbour Credit raised · minimum 300.00 Harbour Credit · maximum 400.00 Harbour Credit · 0% of the minimum',
    )
    const funded = render(find('tech.collaborative.bucket.funded'))
    expect(textOf(funded)).toContain('The bucket “Fix the community bikes” was funded')
    expect(textOf(funded)).toContain('300.00 Harbour Credit raised')
    expect(textOf(funded)).toContain('100% of the minimum')
    expect(funded).toContain('style="width:75%"') // 300 of the 400 maximum
    expect(funded).toContain('class="min-mark" style="left:75%"')
    // The cancelled bucket: its 20.00 was in when it was cancelled.
    expect(textOf(render(find('tech.collaborative.bucket.cancelled')))).toContain(
      'Aroha cancelled the bucket “Paint the tool shed”; every contribution is refunded cancelled · in “Spring 2027” 20.00 Harbour Credit raised · minimum 50.00 Harbour Credit · 40% of the minimum',
    )
  })

  it('shows contributions, refunds and transfers with their amounts and currency', () => {
    expect(textOf(render(find('tech.collaborative.contribution.made', 1)))).toBe(
      'Mele contributed 100.50 Harbour Credit to “Fix the community bikes”',
    )
    expect(textOf(render(find('tech.collaborative.contribution.refunded')))).toBe(
      '20.00 Harbour Credit refunded to Mele from “Paint the tool shed”',
    )
    expect(textOf(render(find('tech.collaborative.transfer.made')))).toMatch(
      /^Aroha sent 12\.50 Harbour Credit to Mele for “Brake pads” at /,
    )
    expect(textOf(render(find('tech.collaborative.account.opened')))).toBe(
      'Aroha opened their account in Harbour Credit · may go down to −200.00 Harbour Credit · up to 500.00 Harbour Credit',
    )
    expect(textOf(render(find('tech.collaborative.round.opened')))).toMatch(
      /^Tomás opened the funding round “Spring 2027” in Harbour Credit · from /,
    )
  })

  it('shows a task with its status, assignee, due date and the decision that created it', () => {
    const created = textOf(render(find('tech.collaborative.task.created')))
    expect(created).toMatch(
      /^Tomás created the task “Buy parts and book the workshop” open · unassigned · due \d{1,2} [A-Z][a-z]{2} \d{4}.* · decided by “Fund the bike repairs with 300 HC\?”$/,
    )
    expect(textOf(render(find('tech.collaborative.task.assigned')))).toMatch(
      /^Tomás assigned “Buy parts and book the workshop” to Aroha assigned · due /,
    )
    expect(textOf(render(find('tech.collaborative.task.completed')))).toMatch(
      /^Aroha completed the task “Buy parts and book the workshop” completed · assigned to Aroha · due /,
    )
  })

  it('groups a poll’s stances and outcome with the poll, and a bucket’s contributions with the bucket', () => {
    const bucket = context.related(story.iri.bucket).map((e) => e.type)
    expect(bucket).toEqual([
      'tech.collaborative.bucket.published',
      'tech.collaborative.contribution.made',
      'tech.collaborative.contribution.made',
      'tech.collaborative.contribution.made',
      'tech.collaborative.bucket.funded',
    ])
    expect(context.related(`${DECISIONS}/u/aroha`).map((e) => e.type)).toEqual([
      'tech.collaborative.account.opened',
      'tech.collaborative.transfer.made',
    ])
    const poll = context.related(story.iri.proposal).map((e) => e.type)
    expect(poll).toContain('tech.collaborative.stance.cast')
    expect(poll).toContain('tech.collaborative.outcome.published')
  })
})

describe('amounts, with their currency’s decimals and label wherever they show', () => {
  const currency = `${GROUP}/currencies/harbour-credit`
  const proposal = (value: string): StoredEvent => ({
    type: 'tech.collaborative.proposal.published',
    source: BUDGETING,
    group: GROUP,
    summary: 'a request',
    published: '2026-12-01T10:00:00Z',
    data: {
      actor: { id: `${DECISIONS}/u/tomas`, type: 'Person', name: 'Tomás' },
      published: '2026-12-01T10:00:00Z',
      object: {
        id: `${BUDGETING}/buckets/9`,
        type: 'Proposal',
        name: 'Bikes',
        purpose: 'request',
        reciprocal: {
          resourceConformsTo: currency,
          resourceQuantity: { hasUnit: 'one', hasNumericalValue: value },
        },
      },
    },
  })
  const agreement = (value: string): StoredEvent => ({
    type: 'tech.collaborative.agreement.accepted',
    source: BUDGETING,
    group: GROUP,
    summary: `Aroha contributed ${value} HC`,
    published: '2026-12-01T10:05:00Z',
    data: {
      actor: { id: `${DECISIONS}/u/aroha`, type: 'Person', name: 'Aroha' },
      object: {
        id: `${BUDGETING}/agreements/1`,
        type: 'Agreement',
        stipulates: {
          satisfies: `${BUDGETING}/buckets/9#reciprocal`,
          resourceConformsTo: currency,
          resourceQuantity: { hasUnit: 'one', hasNumericalValue: value },
        },
      },
    },
  })

  it('writes every amount of a currency with the same decimals, as a round declared them', () => {
    const c = createKindContext(
      [
        ...stored.filter((e) => e.type === 'tech.collaborative.round.opened'),
        proposal('30'),
        agreement('10'),
      ],
      names,
    )
    expect(textOf(render(proposal('30'), c))).toBe(
      'Tomás published a request “Bikes” with a target of 30.00 Harbour Credit',
    )
    expect(textOf(render(agreement('10'), c))).toBe(
      'Aroha agreed to give 10.00 Harbour Credit to “Bikes”',
    )
  })

  it('without a declaration, writes them with the most decimals any stored amount of it has', () => {
    const c = createKindContext([proposal('30.00'), agreement('10')], names)
    expect(textOf(render(agreement('10'), c))).toBe(
      'Aroha agreed to give 10.00 Harbour Credit to “Bikes”',
    )
    expect(c.money('7', 'https://elsewhere.example/currencies/time-bank')).toBe('7 Time Bank')
    expect(c.money('NaN', currency)).toBeUndefined()
    expect(c.money(7, currency)).toBeUndefined()
  })
})

describe('hostile data on the profiles’ kinds', () => {
  const SCRIPT = '<script>alert(1)</script>'
  const NAME = `"><img src=x onerror=alert(1)>${SCRIPT}`
  /** Every shape a field may take that it should not. */
  const WRONG: readonly unknown[] = [
    undefined,
    null,
    42,
    Number.NaN,
    -1,
    true,
    '',
    NAME,
    [],
    [NAME, 3, null, { id: NAME }],
    {},
    { id: NAME, name: NAME, option: NAME, votes: 'many' },
  ]
  const fields = ['object', 'target', 'result', 'actor', 'published']
  const inner = [
    'id',
    'name',
    'content',
    'summary',
    'oneOf',
    'anyOf',
    'anonymous',
    'pollType',
    'endTime',
    'choice',
    'attributedTo',
    'inReplyTo',
    'decides',
    'reviewDate',
    'minGoal',
    'maxGoal',
    'inScopeOf',
    'bucketStatus',
    'resourceQuantity',
    'resourceConformsTo',
    'provider',
    'receiver',
    'creditLimit',
    'debitLimit',
    'primaryAccountable',
    'note',
    'hasPointInTime',
    'assignee',
    'due',
    'taskStatus',
    'decidedBy',
    'startTime',
  ]
  const tallyFields = ['options', 'winners', 'rounds', 'voters', 'decision', 'quorumReached']

  const check = (html: string, where: string) => {
    expect(typeof html, where).toBe('string')
    expect(html, where).not.toMatch(/<script|<img|onerror=alert\(1\)>/i)
  }

  it('never throws and never lets markup through, whatever a field holds', () => {
    const c = createKindContext(stored, names)
    let rendered = 0
    for (const type of PROFILE_TYPES) {
      const sample = stored.find((e) => e.type === type) ?? find('tech.collaborative.poll.closed')
      const base = { ...sample, type }
      for (const wrong of WRONG) {
        for (const field of fields) {
          check(render({ ...base, data: { ...base.data, [field]: wrong } }, c), `${type} ${field}`)
          rendered++
        }
        for (const field of inner) {
          const object = { ...(base.data['object'] as object), [field]: wrong }
          check(render({ ...base, data: { ...base.data, object } }, c), `${type} object.${field}`)
          const target = { ...(base.data['target'] as object), [field]: wrong }
          check(render({ ...base, data: { ...base.data, target } }, c), `${type} target.${field}`)
          rendered += 2
        }
        for (const field of tallyFields) {
          const result = { ...(base.data['result'] as object), [field]: wrong }
          check(render({ ...base, data: { ...base.data, result } }, c), `${type} result.${field}`)
          rendered++
        }
      }
      check(render({ ...base, data: {} }, c), `${type} {}`)
    }
    expect(rendered).toBeGreaterThan(PROFILE_TYPES.length * WRONG.length * 40)
  })

  it('escapes names, options and amounts that carry markup', () => {
    const closed = find('tech.collaborative.poll.closed')
    const poll = closed.data['object'] as { oneOf: { id: string; name: string }[] }
    const hostile = {
      ...closed,
      data: {
        ...closed.data,
        object: {
          ...poll,
          name: NAME,
          oneOf: poll.oneOf.map((o) => ({ ...o, name: `${o.name}${SCRIPT}` })),
        },
      },
    }
    const html = render(hostile)
    check(html, 'poll')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(textOf(html)).toContain(`“${NAME}” closed`)
    expect(textOf(html)).toContain(`Agree${SCRIPT} ✓ winner`)
    const bucket = find('tech.collaborative.bucket.funded')
    const named = render({
      ...bucket,
      data: {
        ...bucket.data,
        object: { ...(bucket.data['object'] as object), name: NAME, minGoal: SCRIPT },
      },
    })
    check(named, 'bucket')
    expect(textOf(named)).toContain(`“${NAME}”`)
  })

  it('falls back to the summary, escaped, when a render function cannot read an event at all', () => {
    const broken: KindContext = {
      ...context,
      object: () => {
        throw new Error('a broken context')
      },
      related: () => {
        throw new Error('a broken context')
      },
    }
    const e = { ...find('tech.collaborative.bucket.funded'), summary: `Funded ${SCRIPT}` }
    const shown = renderKind(e, broken)
    expect(shown).toEqual({
      label: 'bucket funded',
      known: true,
      html: 'Funded &lt;script&gt;alert(1)&lt;/script&gt;',
    })
  })
})

describe('the profiles’ kinds on a running dashboard, in Chromium', () => {
  let dataDir: string
  let dashboard: Dashboard
  let decisions: Producer
  let budgeting: Producer
  let chromium: Awaited<ReturnType<typeof openChromium>>
  let page: Page
  let group: string
  let live: ProfileStory
  const errors: string[] = []
  /** What to stop once done, newest first: what started before a failure is stopped too. */
  const started: (() => Promise<unknown>)[] = []

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cta-dashboard-kinds-'))
    started.unshift(() => rm(dataDir, { recursive: true, force: true }))
    // These tools are installed by no authority (the kinds are what is tested): any source.
    dashboard = await startDashboard({ dataDir, speaksFor: 'any-source' })
    started.unshift(() => dashboard.close())
    const known = (origin: string) => origin === dashboard.origin
    const emits = [...new Set(PROFILE_TYPES)]
    decisions = await startProducer({
      name: 'Decisions',
      emits,
      profiles: ['core', 'emitter'],
      isInstalled: () => true,
      isKnownTool: known,
    })
    started.unshift(() => decisions.close())
    budgeting = await startProducer({
      name: 'Budgeting',
      emits,
      profiles: ['core', 'emitter'],
      isInstalled: () => true,
      isKnownTool: known,
    })
    started.unshift(() => budgeting.close())
    group = `${decisions.origin}/g/harbour`
    // The group's document, for its name.
    decisions.addRoute((request) =>
      new URL(request.url).pathname === '/g/harbour'
        ? json({ id: group, type: 'Group', name: 'Harbour Commons' })
        : undefined,
    )
    await dashboard.follow(decisions.origin, group)
    await dashboard.follow(budgeting.origin, group)
    live = profileStory({ decisions: decisions.origin, budgeting: budgeting.origin, group })
    for (const event of live.events)
      await (event.source === decisions.origin ? decisions : budgeting).emit(event)
    chromium = await openChromium({ bypassCSP: true })
    started.unshift(() => chromium.close())
    page = await chromium.context.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('pageerror', (e) => errors.push(e.message))
    await mkdir(SCREENSHOTS, { recursive: true })
  }, 300_000)
  afterAll(async () => {
    for (const stop of started) await stop()
  })

  it('shows each kind richly at 390 px and 1440 px: no serious accessibility violation, no sideways scroll', async () => {
    expect((await dashboard.notifications()).length).toBe(live.events.length)
    const aroha = `${decisions.origin}/u/aroha`
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 })
      await page.goto(`${dashboard.origin}/?as=${encodeURIComponent(aroha)}`)
      await page.waitForSelector('body[data-live="open"]')
      expect(await page.locator('li.notification').count()).toBe(live.events.length)
      // Rich, not the summary: a tally's bars, a bucket's progress, each with its text.
      const poll = page.locator('li[data-type="tech.collaborative.poll.closed"]').first()
      await expect(poll.locator('.tally-row.winner .tally-name').textContent()).resolves.toBe(
        'Agree ✓ winner',
      )
      await expect(poll.locator('.tally-row').count()).resolves.toBe(4)
      const funded = page.locator('li[data-type="tech.collaborative.bucket.funded"]')
      await expect(funded.locator('.progress-text').textContent()).resolves.toBe(
        '300.00 Harbour Credit raised · minimum 300.00 Harbour Credit · maximum 400.00 Harbour Credit · 100% of the minimum',
      )
      const bar = await funded.locator('.progress .fill').boundingBox()
      const track = await funded.locator('.progress .bar').boundingBox()
      expect(bar !== null && track !== null && Math.round((bar.width / track.width) * 100)).toBe(75)
      // The anonymous poll's voter is named nowhere on the page.
      const secret = page.locator('section.thread', {
        hasText: 'Who should chair the next meeting?',
      })
      await expect(
        secret.locator('li[data-type="tech.collaborative.stance.cast"] .what').textContent(),
      ).resolves.toMatch(/stance Someone voted on “Who should chair the next meeting\?”: Mele$/)
      expect(await secret.innerText()).not.toContain('Rangi')
      // A bucket's contributions are in its thread.
      const bucket = page.locator('section.thread', {
        has: page.locator('li[data-type="tech.collaborative.bucket.funded"]'),
      })
      await expect(bucket.locator('h2 .title').textContent()).resolves.toBe(
        'Fix the community bikes',
      )
      expect(
        await bucket.locator('li[data-type="tech.collaborative.contribution.made"]').count(),
      ).toBe(3)

      const { passed, violations } = await axe(page)
      expect(passed).toBeGreaterThan(10)
      expect(violations).toEqual([])
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      )
      expect(overflow).toBeLessThanOrEqual(0)
      await page.screenshot({
        path: new URL(`dashboard-kinds-${String(width)}.png`, SCREENSHOTS).pathname,
        fullPage: true,
      })
    }
    expect(errors).toEqual([])
  })

  it('counts unread among the notifications the filters show', async () => {
    const mele = `${decisions.origin}/u/mele`
    await page.goto(
      `${dashboard.origin}/?as=${encodeURIComponent(mele)}&tool=${encodeURIComponent(budgeting.origin)}`,
    )
    const shown = await page.locator('li.notification').count()
    expect(shown).toBe(live.events.filter((e) => e.source === budgeting.origin).length)
    expect(shown).toBeLessThan(live.events.length)
    await expect(
      page.$eval('#unread-count', (el) => Number((el as HTMLElement).dataset['count'])),
    ).resolves.toBe(shown)
    expect(errors).toEqual([])
  })
})

/** The serious and critical violations axe-core finds, and how many of its rules passed. */
async function axe(
  p: Page,
): Promise<{ passed: number; violations: { id: string; nodes: string[] }[] }> {
  await p.addScriptTag({ path: AXE })
  return p.evaluate(async () => {
    const result = await (
      window as unknown as {
        axe: {
          run(): Promise<{
            passes: unknown[]
            violations: { id: string; impact: string; nodes: { target: string[] }[] }[]
          }>
        }
      }
    ).axe.run()
    return {
      passed: result.passes.length,
      violations: result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) })),
    }
  })
}
