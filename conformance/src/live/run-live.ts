/**
 * Live mode: the suite plays the peer of a running tool. It reads the tool's manifest, starts its
 * own tools on 127.0.0.1 (and a group authority when a relying tool is under test), opens a
 * session through the control API, runs every selected case in order, and computes outcomes and
 * verdicts exactly as static mode does. Every result carries the HTTP transcript of its case.
 */
import { randomBytes } from 'node:crypto'
import { createManifestResolver, type ToolManifest } from '@cta-interop/sdk'
import {
  CONTROL_API_DOCS,
  emptyCounts,
  inSelection,
  loadRegistry,
  settle,
  shellQuote,
  skipReason,
  verdicts,
  type ExpectationEntry,
  type RegistryRequirement,
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
  /**
   * The requirements a claimed profile must show to be `conformant`; default the registry,
   * `conformance/requirements.json` (its live-testable MUSTs, see `liveTestable`).
   */
  readonly registry?: readonly RegistryRequirement[]
  readonly today?: Date
}

/** The command line that runs one live case again against the same tool. */
export function liveReproCommand(sutPath: string, id: string): string {
  return `npx cta-conformance live --sut ${shellQuote(sutPath)} --only ${shellQuote(id)}`
}

/** A live case as selection and skipping see it (one profile, as a list). */
const selectable = (c: LiveCase) => ({ ...c, profiles: [c.profile] })

/** The live cases a run includes at all: those of the chosen profiles and levels. */
export function selectCases(
  cases: readonly LiveCase[],
  options: Pick<LiveOptions, 'profiles' | 'level'>,
): LiveCase[] {
  return cases.filter((c) => inSelection(selectable(c), options))
}

/** A case's `expected` or `actual` as the report's object: anything else as `{ value }`. */
function asRecord(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { value }
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
  const needsAuthority = selected.some(
    (c) =>
      c.profile === 'group-auth-relying-tool' &&
      skipReason(selectable(c), info, options) === undefined,
  )

  const resolver = createManifestResolver({
    allowHttp: true,
    allowPrivateNetwork: true,
    trustedSources: [new URL(sut.endpoints.origin).origin],
  })
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
      warnings.push(
        `no control API configured: cases that need it are untested and the profiles they test not proven; see ${CONTROL_API_DOCS}`,
      )
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
      const skip =
        skipReason(selectable(c), info, options) ??
        ((c.actions ?? []).length > 0 && control === undefined
          ? {
              status: 'untested' as const,
              message: `untested: needs the control API (${(c.actions ?? []).join(', ')})`,
            }
          : undefined)
      if (skip !== undefined) {
        tests.push({ ...base, ...skip, expected: {}, durationMs: 0 })
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
        expected = asRecord(result.expected)
        actual = asRecord(result.actual)
      } catch (err) {
        if (err instanceof CaseFailure) {
          status = 'failed'
          message = err.message
          expected = asRecord(err.expected ?? {})
          actual = asRecord(err.actual ?? {})
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
      const settled = settle(c.id, { status, message }, options.expectations ?? [], today, warnings)
      tests.push({
        ...base,
        status: settled.status,
        ...(settled.message === undefined ? {} : { message: settled.message }),
        expected,
        ...(actual === undefined ? {} : { actual }),
        durationMs,
        ...(settled.expectation === undefined ? {} : { expectation: settled.expectation }),
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
    verdicts: verdicts(tests, info, options.profiles ?? [], options.registry ?? loadRegistry()),
    summary,
    warnings: [...new Set(warnings)],
    durationMs: performance.now() - started,
  }
}
