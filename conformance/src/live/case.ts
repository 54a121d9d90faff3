/** What a live case is, what it can use, and how it reports failure. */
import type { ResolveKey, ToolManifest } from '@cta-interop/sdk'
import type { Level, Profile } from '../types.js'
import type { Control, Session } from './control.js'
import type { PeerAuthority, PeerTool } from './peer.js'
import type { SutManifest } from './sut.js'
import type { Browser, Wire } from './wire.js'

/** Everything a case can use: the tool under test, the suite's peers, the control API. */
export interface LiveContext {
  readonly sut: SutManifest
  /** The tool's manifest, fetched from `<origin>/.well-known/cta-tool` and validated. */
  readonly manifest: ToolManifest
  /** Resolves the tool's keys through its manifest (loopback and plain HTTP allowed). */
  readonly resolveKey: ResolveKey
  /** The suite's own tool (its events are signed with `peer.key`). */
  readonly peer: PeerTool
  /** A second tool the tool under test has never heard of. */
  readonly stranger: PeerTool
  /** The suite as the group's authority, when a relying tool is under test. */
  readonly authority?: PeerAuthority
  /** The control API, when the SUT manifest configures one. */
  readonly control?: Control
  /** The session opened on the tool (its group and members). */
  readonly session?: Session
  readonly wire: Wire
  /** A new member's browser: its own cookie jar, so no earlier sign-in carries over. */
  readonly newBrowser: () => Browser
  /** How long to wait for the tool to do something (a delivery, a retry), in ms. */
  readonly patience: number
}

/** One live test. */
export interface LiveCase {
  /** Immutable dotted ID, `live.<profile>.<what>`. */
  readonly id: string
  readonly title: string
  readonly requirements: readonly string[]
  readonly profile: Profile
  readonly level: Level
  /** Features the tool must declare for the case to apply. */
  readonly requires?: readonly string[]
  /** Control actions the case needs: without them it is untested, never passed. */
  readonly actions?: readonly string[]
  /** Runs the case; returns what was expected and observed, or throws {@link CaseFailure}. */
  run(ctx: LiveContext): Promise<{ expected: unknown; actual: unknown }>
}

/** The tool did not do what the spec requires: the case fails. */
export class CaseFailure extends Error {
  override readonly name = 'CaseFailure'
  readonly expected: unknown
  readonly actual: unknown
  constructor(message: string, expected: unknown, actual: unknown) {
    super(message)
    this.expected = expected
    this.actual = actual
  }
}

/** The case could not be run (an action the tool does not support): it is untested. */
export class Untested extends Error {
  override readonly name = 'Untested'
}

/** Fails the case unless `ok`. */
export function check(ok: boolean, message: string, expected: unknown, actual: unknown): void {
  if (!ok) throw new CaseFailure(message, expected, actual)
}

/** Polls until `probe` returns a value, or `undefined` after `timeout` ms. */
export async function waitUntil<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeout: number,
): Promise<T | undefined> {
  const end = Date.now() + timeout
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > end) return undefined
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
