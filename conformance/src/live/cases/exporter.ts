/**
 * A member's export (spec/export.md), for a relying tool that declares the feature `export` (and an
 * `export` endpoint in its manifest): the suite, as the group's authority, signs a `cta:export` assertion for member A with
 * `aud` the tool under test, after A and B each contributed through the control API; the tool must
 * answer signed pages (verified against its JWKS) holding A's contribution and nothing of B's, and
 * must refuse an assertion for another tool and one without `cta:export`.
 */
import {
  EXPORT_SCOPE,
  collectExport,
  issueGroupAssertion,
  type CollectedExport,
} from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check, Untested } from '../case.js'
import { relyingContext } from './relying-sign-in.js'

const ACTIONS = ['round-open', 'bucket-publish', 'contribute']
const LOOPBACK = { allowHttp: true, allowPrivateNetwork: true } as const

interface ExportRun {
  readonly a: string
  readonly b: string
  readonly contributionOfA: string
  readonly contributionOfB: string
  readonly collected?: CollectedExport
  readonly error?: string
  /** Answers to an assertion for another tool, and to one without `cta:export`. */
  readonly otherTool: { status: number; code: string | undefined }
  readonly noScope: { status: number; code: string | undefined }
}

const runs = new WeakMap<LiveContext, Promise<ExportRun>>()

function exportRun(ctx: LiveContext): Promise<ExportRun> {
  let pending = runs.get(ctx)
  if (pending === undefined) {
    pending = scenario(ctx)
    runs.set(ctx, pending)
  }
  return pending
}

async function scenario(ctx: LiveContext): Promise<ExportRun> {
  const endpoint = ctx.manifest.export
  if (endpoint === undefined) throw new Untested('the tool declares no export endpoint')
  const { authority, control, session } = relyingContext(ctx)
  const group = session.group
  const a = await authority.addMember('Export A', group)
  const b = await authority.addMember('Export B', group)
  const { round } = await control.act(session, 'round-open', {
    name: 'Export round',
    allocations: [
      { member: a, amount: '10' },
      { member: b, amount: '10' },
    ],
  })
  const { bucket } = await control.act(session, 'bucket-publish', {
    round,
    name: 'Export bucket',
    minGoal: '100',
  })
  const byA = await control.act(session, 'contribute', { member: a, bucket, amount: '3' })
  const byB = await control.act(session, 'contribute', { member: b, bucket, amount: '4' })
  const assertion = (options: { aud?: string; scope?: string | undefined } = {}) =>
    issueGroupAssertion(
      { sub: a, group, roles: ['member'], entitlements: ['read', 'participate'] },
      authority.providerKey,
      {
        issuer: authority.issuer,
        audience: options.aud ?? ctx.manifest.id,
        ...(options.scope === undefined ? {} : { scope: options.scope }),
      },
    )
  const refusal = async (jwt: string) => {
    const url = new URL(endpoint)
    url.searchParams.set('group', group)
    const response = await fetch(url, { headers: { authorization: `Bearer ${jwt}` } })
    const text = await response.text()
    let code: string | undefined
    try {
      code = (JSON.parse(text) as { code?: string }).code
    } catch {
      code = undefined
    }
    return { status: response.status, code }
  }
  let collected: CollectedExport | undefined
  let error: string | undefined
  try {
    collected = await collectExport({
      endpoint,
      group,
      assertion: await assertion({ scope: EXPORT_SCOPE }),
      resolveKey: ctx.resolveKey,
      ...LOOPBACK,
    })
  } catch (err) {
    error = (err as { code?: string }).code ?? String(err)
  }
  return {
    a,
    b,
    contributionOfA: String(byA['contribution']),
    contributionOfB: String(byB['contribution']),
    ...(collected === undefined ? {} : { collected }),
    ...(error === undefined ? {} : { error }),
    otherTool: await refusal(await assertion({ aud: ctx.stranger.origin, scope: EXPORT_SCOPE })),
    noScope: await refusal(await assertion()),
  }
}

export const EXPORTER_CASES: readonly LiveCase[] = [
  {
    id: 'live.group-auth-relying-tool.export-member-own-data',
    title:
      'A member’s export holds what they did in the session and nothing of another member, in signed pages that verify against the tool’s JWKS',
    requirements: ['EXP-REQ-001', 'EXP-SIGN-001', 'EXP-PAGE-001', 'EXP-PRV-001'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    requires: ['export'],
    actions: ACTIONS,
    async run(ctx) {
      const r = await exportRun(ctx)
      const ids = (r.collected?.items ?? []).map((i) => String(i['id']))
      const expected = { verified: true, member: r.a, holds: r.contributionOfA, ofB: 0 }
      const actual = {
        verified: r.collected !== undefined,
        ...(r.error === undefined ? {} : { error: r.error }),
        member: r.collected?.member,
        holds: ids.includes(r.contributionOfA) ? r.contributionOfA : undefined,
        ofB: (r.collected?.items ?? []).filter(
          (i) => JSON.stringify(i).includes(r.b) || i['id'] === r.contributionOfB,
        ).length,
      }
      check(
        actual.verified && actual.member === r.a && actual.holds !== undefined && actual.ofB === 0,
        'the export is not A’s own contribution alone, in verified pages',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.group-auth-relying-tool.export-refuses-other-tool',
    title: 'An export assertion for another tool is refused with 401 ERR_AUDIENCE_MISMATCH',
    requirements: ['EXP-AUTH-001'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    requires: ['export'],
    actions: ACTIONS,
    async run(ctx) {
      const r = await exportRun(ctx)
      const expected = { status: 401, code: 'ERR_AUDIENCE_MISMATCH' }
      check(
        r.otherTool.status === 401 && r.otherTool.code === 'ERR_AUDIENCE_MISMATCH',
        'an assertion for another tool was not refused',
        expected,
        r.otherTool,
      )
      return { expected, actual: r.otherTool }
    },
  },
  {
    id: 'live.group-auth-relying-tool.export-refuses-without-scope',
    title: 'An assertion without cta:export is refused with 403 ERR_INSUFFICIENT_SCOPE',
    requirements: ['EXP-AUTH-002'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    requires: ['export'],
    actions: ACTIONS,
    async run(ctx) {
      const r = await exportRun(ctx)
      const expected = { status: 403, code: 'ERR_INSUFFICIENT_SCOPE' }
      check(
        r.noScope.status === 403 && r.noScope.code === 'ERR_INSUFFICIENT_SCOPE',
        'an assertion without cta:export was not refused',
        expected,
        r.noScope,
      )
      return { expected, actual: r.noScope }
    },
  },
]
