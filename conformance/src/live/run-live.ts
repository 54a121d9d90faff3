/**
 * Live mode: the suite plays the peer of a running tool. It reads the tool's manifest, starts its
 * own tools on 127.0.0.1 (and a group authority when a relying tool is under test), opens a
 * session through the control API, runs every selected case in order, and computes outcomes and
 * verdicts exactly as static mode does. Every result carries the HTTP transcript of its case.
 */
import { randomBytes } from 'node:crypto'
import { createManifestResolver, type ToolManifest } from '@cta-interop/sdk'
import {
  FILTER_RANK,
  LEVEL_RANK,
  activeExpectation,
  emptyCounts,
  globToRegExp,
  shellQuote,
  verdicts,
  type ExpectationEntry,
  type RunResult,
  type Status,
  type TestResult,
} from '../run.js'
import type { ImplementationInfo, Profile } from '../types.js'
import { CaseFailure, Untested, type LiveCase, type LiveContext } from './case.js'
import { LIVE_CASES } from './cases/index.js'
import { createControl, type Session } from './control.js'
import { startPeer } from './peer.js'
import { SutError, type SutManifest } from './sut.js'
import { createBrowser, createWire } from './wire.js'

/** How a live run was chosen. */
export interface LiveOptions {
  readonly profiles?: readonly Profile[]
  readonly level?: 'must' | 'should' | 'may'
  readonly only?: readonly string[]
  readonly exclude?: readonly string[]
  readonly expectations?: readonly ExpectationEntry[]
  /** How long to wait for the tool to act, in ms. Default 10,000. */
  readonly patience?: number
  /** The SUT manifest's path, as given on the command line (for reproduction commands). */
  readonly sutPath: string
  /** The cases to run; default every live case. */
  readonly cases?: readonly LiveCase[]
  readonly today?: Date
}

/** The command line that runs one live case again against the same tool. */
export function liveReproCommand(sutPath: string, id: string): string {
  return `npx cta-conformance live --sut ${shellQuote(sutPath)} --only ${shellQuote(id)}`
}

const matches = (c: LiveCase, globs: readonly string[]): boolean =>
  globs.some((g) => {
    const re = globToRegExp(g)
    return re.test(c.id) || c.requirements.some((r) => re.test(r))
  })

/** The live cases a run includes at all: those of the chosen profiles and levels. */
export function selectCases(
  cases: readonly LiveCase[],
  options: Pick<LiveOptions, 'profiles' | 'level'>,
): LiveCase[] {
  const profiles = options.profiles ?? []
  const maxRank = FILTER_RANK[options.level ?? 'may']
  return cases.filter(
    (c) =>
      (profiles.length === 0 || profiles.includes(c.profile)) && LEVEL_RANK[c.level] <= maxRank,
  )
}

/** Runs the live cases against a running tool. */
export async function runLive(sut: SutManifest, options: LiveOptions): Promise<RunResult> {
  const started = performance.now()
  const wire = createWire()
  const info: ImplementationInfo = {
    name: sut.name,
    version: sut.version,
    ...(sut.homepage === undefined ? {} : { homepage: sut.homepage }),
    profiles: sut.profiles,
    features: sut.features,
  }
  const selected = selectCases(options.cases ?? LIVE_CASES, options)
  const runnable = (c: LiveCase): boolean =>
    sut.profiles.includes(c.profile) &&
    (c.requires ?? []).every((f) => sut.features.includes(f)) &&
    !((options.only ?? []).length > 0 && !matches(c, options.only ?? [])) &&
    !matches(c, options.exclude ?? [])
  const needsAuthority = selected.some(
    (c) => runnable(c) && c.profile === 'group-auth-relying-tool',
  )

  const resolver = createManifestResolver({ allowHttp: true, allowPrivateNetwork: true })
  let manifest: ToolManifest
  try {
    manifest = await resolver.manifest(sut.endpoints.origin)
  } catch (err) {
    throw new SutError(
      `cannot read the tool manifest at ${sut.endpoints.origin}: ${(err as { code?: string }).code ?? String(err)}`,
    )
  }
  const clientSecret = randomBytes(24).toString('base64url')
  const peer = await startPeer({
    name: 'cta-conformance',
    wire,
    sut: sut.endpoints.origin,
    ...(needsAuthority
      ? {
          authority: {
            clientSecret,
            redirectUri: sut.endpoints.callback ?? `${sut.endpoints.origin}/cta/callback`,
          },
        }
      : {}),
  })
  const stranger = await startPeer({
    name: 'cta-conformance stranger',
    wire,
    sut: sut.endpoints.origin,
  })
  const control =
    sut.control === undefined ? undefined : createControl(sut.control.url, sut.control.token, wire)
  let session: Session | undefined
  const warnings: string[] = []
  const tests: TestResult[] = []
  try {
    if (control !== undefined) {
      session = await control.openSession({
        peer: peer.origin,
        members: ['Ana', 'Ben', 'Cleo'],
        ...(peer.authority === undefined
          ? {}
          : {
              authority: {
                issuer: peer.authority.issuer,
                group: peer.authority.group.id,
                clientSecret,
              },
            }),
      })
    } else {
      warnings.push('no control API configured: cases that need it are untested')
    }
    wire.take()
    const ctx: LiveContext = {
      sut,
      manifest,
      resolveKey: resolver.resolveKey,
      peer,
      stranger,
      ...(peer.authority === undefined ? {} : { authority: peer.authority }),
      ...(control === undefined ? {} : { control }),
      ...(session === undefined ? {} : { session }),
      wire,
      newBrowser: () => createBrowser(wire),
      patience: options.patience ?? 10_000,
    }
    const today = options.today ?? new Date()
    for (const c of selected) {
      const base = {
        id: c.id,
        title: c.title,
        file: 'live',
        requirements: c.requirements,
        profiles: [c.profile],
        level: c.level,
        operation: 'live',
        repro: liveReproCommand(options.sutPath, c.id),
      }
      const skip = (status: Status, message: string) =>
        tests.push({ ...base, status, message, expected: {}, durationMs: 0 })
      if ((options.only ?? []).length > 0 && !matches(c, options.only ?? [])) {
        skip('untested', 'untested: not selected by --only')
        continue
      }
      if (matches(c, options.exclude ?? [])) {
        skip('untested', 'untested: excluded by --exclude')
        continue
      }
      if (!sut.profiles.includes(c.profile)) {
        skip('inapplicable', `inapplicable: profile not claimed (${c.profile})`)
        continue
      }
      const missing = (c.requires ?? []).filter((f) => !sut.features.includes(f))
      if (missing.length > 0) {
        skip('inapplicable', `inapplicable: feature not declared (${missing.join(', ')})`)
        continue
      }
      if ((c.actions ?? []).length > 0 && control === undefined) {
        skip('untested', `untested: needs the control API (${(c.actions ?? []).join(', ')})`)
        continue
      }
      const t0 = performance.now()
      let status: Status
      let message: string | undefined
      let expected: Readonly<Record<string, unknown>> = {}
      let actual: Readonly<Record<string, unknown>> | undefined
      try {
        const result = await c.run(ctx)
        status = 'passed'
        expected = result.expected as Record<string, unknown>
        actual = result.actual as Record<string, unknown>
      } catch (err) {
        if (err instanceof CaseFailure) {
          status = 'failed'
          message = err.message
          expected = (err.expected ?? {}) as Record<string, unknown>
          actual = (err.actual ?? {}) as Record<string, unknown>
        } else if (err instanceof Untested) {
          status = 'untested'
          message = `untested: ${err.message}`
        } else {
          // A protocol error the SDK raised while the suite acted as the tool's peer is a
          // failure of the tool (it answered something the spec forbids), reported by its code.
          const code = (err as { code?: unknown }).code
          if (typeof code === 'string' && code.startsWith('ERR_')) {
            status = 'failed'
            message = `${code}: ${err instanceof Error ? err.message : String(err)}`
            actual = { error: code }
          } else {
            status = 'errored'
            message = err instanceof Error ? err.message : String(err)
          }
        }
      }
      const durationMs = performance.now() - t0
      const entry = activeExpectation(c, options.expectations ?? [], today, warnings)
      let expectation: TestResult['expectation']
      if (entry !== undefined && (status === 'failed' || status === 'errored')) {
        message = `known failure: ${entry.reason} (${entry.link}); ${message ?? ''}`
        status = 'expected-fail'
        expectation = entry
      } else if (entry !== undefined && status === 'passed') {
        warnings.push(
          `unexpected pass: ${c.id} passes although expected to fail (${entry.link}); remove the expectation`,
        )
        expectation = { ...entry, unexpectedPass: true }
      }
      tests.push({
        ...base,
        status,
        ...(message === undefined ? {} : { message }),
        expected,
        ...(actual === undefined ? {} : { actual }),
        durationMs,
        ...(expectation === undefined ? {} : { expectation }),
        transcript: wire.take(),
      })
    }
  } finally {
    if (session !== undefined) await control?.closeSession(session).catch(() => undefined)
    await peer.close()
    await stranger.close()
  }
  const summary = { ...emptyCounts(), total: tests.length }
  for (const t of tests) summary[t.status]++
  return {
    implementation: info,
    tests,
    verdicts: verdicts(tests, info, options.profiles ?? []),
    summary,
    warnings: [...new Set(warnings)],
    durationMs: performance.now() - started,
  }
}
