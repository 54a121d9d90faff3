import { ProtocolError } from '../errors.js'
import type { SpeaksFor } from '../events/check-source-installed.js'
import { readInstant } from '../internal/parse-instant.js'
import type { Event } from '../schemas/index.js'
import type { InstallationRef } from './read-installations.js'

/** How long an `active` installation read from the authority is trusted, in seconds. */
export const DEFAULT_INSTALLATIONS_MAX_AGE = 300
/** How often one group's installations are read at most, and how long a refusal stands, in seconds. */
export const DEFAULT_INSTALLATIONS_REFETCH_INTERVAL = 60

/** Options of {@link createInstallationCache}. */
export interface InstallationCacheOptions {
  /**
   * The `authority` the group's document names (an issuer URL; its origin is the authority's tool),
   * or `undefined` for a group this tool does not serve: nobody speaks for it here. Throw when it
   * cannot be learnt now (`503`). Called for every check: cache the group's document yourself.
   */
  readonly authority: (group: string) => string | undefined | Promise<string | undefined>
  /**
   * Reads the group's installations from its authority: {@link readInstallations} with this tool's
   * `cta:roster` token. Throw when they cannot be read now (`503`).
   */
  readonly load: (group: string) => Promise<readonly InstallationRef[]>
  /** How long an `active` installation is trusted after it was learnt, in seconds. Default 300. */
  readonly maxAge?: number
  /**
   * How long a refusal stands before the collection is read again, and how often one group's
   * collection is read at most, in seconds. Default 60.
   */
  readonly refetchInterval?: number
  /** "Now" in milliseconds, for tests. Default `Date.now`. */
  readonly now?: () => number
}

/** A receiver's copy of the installations of the groups it serves. */
export interface InstallationCache {
  /** The inbox's `speaksFor`: the group's authority, or a tool with an `active` installation. */
  readonly speaksFor: (...args: Parameters<SpeaksFor>) => Promise<boolean>
  /**
   * Feeds a verified event (from the inbox's `onEvent`, or a feed read): the authority's
   * `group.tool.connected` and `.disconnected` update the copy at once; everything else, and
   * those events from any other source, is ignored.
   */
  onEvent(event: Event): Promise<void>
}

interface Entry {
  readonly active: boolean
  /** When it was learnt here (ms). */
  readonly learnt: number
  /** The instant it describes (ms): an event's `time`, or when the collection was read. */
  readonly asOf: number
}

interface Copy {
  /** When the collection was last read (ms); tools it did not list are not installed as of then. */
  read: number
  /** When a read was last tried (ms), and whether it failed. */
  tried: number
  failed: boolean
  readonly tools: Map<string, Entry>
}

const CONNECTED = 'tech.collaborative.group.tool.connected'
const DISCONNECTED = 'tech.collaborative.group.tool.disconnected'
const originOf = (iri: string): string | undefined =>
  URL.canParse(iri) ? new URL(iri).origin : undefined

/**
 * Creates a receiver's copy of the installations of the groups it serves, to answer who may speak
 * for a group ([EVT-AUTHZ-001](https://w3id.org/cta/spec/events#EVT-AUTHZ-001)): the group's
 * authority, or a tool with an `active` installation. The copy comes only from the authority
 * (`load`, and its events through {@link InstallationCache.onEvent}); an `active` installation is
 * trusted for `maxAge` (300 s), a refusal stands for `refetchInterval` (60 s), and one group's
 * collection is read at most once per `refetchInterval`, however many events arrive from tools
 * that are not installed. A read that fails makes `speaksFor` throw `ERR_FETCH_FAILED` (the inbox
 * answers `503` with `Retry-After`) until a read succeeds; it is tried again after
 * `refetchInterval`.
 *
 * @param options `authority`, `load`, `maxAge`, `refetchInterval`, `now`.
 * @returns The cache: pass `speaksFor` to the inbox, and every verified event to `onEvent`.
 * @throws {TypeError} When `maxAge` or `refetchInterval` is not a positive number, or
 *   `refetchInterval` exceeds `maxAge`.
 * @example
 * ```ts
 * declare const discovered: (group: string) => Promise<import('@cta-interop/sdk').DiscoveredAuthority> // discoverAuthority, cached
 * const installations = createInstallationCache({
 *   authority: async (group) => (await discovered(group))?.issuer,
 *   load: async (group) => {
 *     const authority = await discovered(group)
 *     const { accessToken } = await requestRosterToken(authority)
 *     return readInstallations(authority.group, { accessToken, fetch: createSafeFetch() })
 *   },
 * })
 * const inbox = createInbox({
 *   resolveKey, dedupe, speaksFor: installations.speaksFor,
 *   onEvent: async (event) => { await installations.onEvent(event) },
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/events#who-may-speak-for-a-group Spec: who may speak for a group}
 * @see {@link https://w3id.org/cta/spec/events#EVT-AUTHZ-003 Spec: EVT-AUTHZ-003}
 */
export function createInstallationCache(options: InstallationCacheOptions): InstallationCache {
  const maxAge = (options.maxAge ?? DEFAULT_INSTALLATIONS_MAX_AGE) * 1000
  const interval = (options.refetchInterval ?? DEFAULT_INSTALLATIONS_REFETCH_INTERVAL) * 1000
  if (!(maxAge > 0) || !(interval > 0) || interval > maxAge) {
    throw new TypeError('maxAge and refetchInterval must be positive, refetchInterval ≤ maxAge')
  }
  const now = options.now ?? Date.now
  const copies = new Map<string, Copy>()
  const reading = new Map<string, Promise<void>>()

  const copyOf = (group: string): Copy => {
    let copy = copies.get(group)
    if (copy === undefined) {
      copy = { read: -Infinity, tried: -Infinity, failed: false, tools: new Map() }
      copies.set(group, copy)
    }
    return copy
  }

  const read = (group: string, copy: Copy): Promise<void> => {
    const running = reading.get(group)
    if (running !== undefined) return running
    const t = now()
    copy.tried = t
    const done = options
      .load(group)
      .then(
        (installations) => {
          const tools = new Map<string, Entry>()
          for (const i of installations) {
            const entry = { active: i.installationStatus === 'active', learnt: t, asOf: t }
            // An event newer than this read keeps its word.
            const known = copy.tools.get(i.tool)
            tools.set(i.tool, known !== undefined && known.asOf > t ? known : entry)
          }
          for (const [tool, known] of copy.tools) {
            if (!tools.has(tool) && known.asOf > t) tools.set(tool, known)
          }
          copy.tools.clear()
          for (const [tool, entry] of tools) copy.tools.set(tool, entry)
          copy.read = t
          copy.failed = false
        },
        (err: unknown) => {
          copy.failed = true
          throw new ProtocolError('ERR_FETCH_FAILED', 'the group’s installations cannot be read', {
            cause: err,
          })
        },
      )
      .finally(() => {
        reading.delete(group)
      })
    reading.set(group, done)
    return done
  }

  const unavailable = (): never => {
    throw new ProtocolError('ERR_FETCH_FAILED', 'the group’s installations cannot be read now')
  }

  return {
    async speaksFor(group, source) {
      const authority = await options.authority(group)
      if (authority === undefined) return false
      if (originOf(authority) === source) return true
      const copy = copyOf(group)
      const t = now()
      const entry = copy.tools.get(source) ?? { active: false, learnt: copy.read, asOf: copy.read }
      if (entry.active && t - entry.learnt <= maxAge) return true
      if (!entry.active && t - entry.learnt <= interval) return false
      // Older than the bounds: read again, at most once per interval.
      if (reading.has(group) || t - copy.tried >= interval) await read(group, copy)
      else if (copy.failed) unavailable()
      else return false
      return copy.tools.get(source)?.active === true
    },

    async onEvent(event) {
      if (event.type !== CONNECTED && event.type !== DISCONNECTED) return
      const authority = await options.authority(event.group)
      if (authority === undefined || originOf(authority) !== event.source) return
      const installation = (event.data as { object?: unknown }).object as
        { tool?: unknown; organization?: unknown; installationStatus?: unknown } | undefined
      if (
        typeof installation?.tool !== 'string' ||
        (installation.organization !== undefined && installation.organization !== event.group)
      ) {
        return
      }
      const asOf = readInstant(event.time)
      const copy = copyOf(event.group)
      const active = event.type === CONNECTED && installation.installationStatus === 'active'
      const known = copy.tools.get(installation.tool)
      // Only news counts; at the same instant, an ending wins (a relayed old copy undoes nothing).
      const asOfKnown = known?.asOf ?? copy.read
      if (asOfKnown > asOf || (asOfKnown === asOf && (active || known?.active !== true))) return
      copy.tools.set(installation.tool, { active, learnt: now(), asOf })
    },
  }
}
