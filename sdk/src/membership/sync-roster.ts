import { ProtocolError, isProtocolError, type ProtocolErrorCode } from '../errors.js'
import { assertOutboundUrl, outboundFetch, type OutboundPolicy } from '../http/guarded-fetch.js'
import { PROBLEM_STATUS } from '../http/problem.js'
import { readBody } from '../http/read-body.js'
import { parseStrictJson } from '../internal/strict-json.js'
import type { EmbeddedMembership, Group, RosterPage } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'

/** A tool's copy of a group's roster, and where to continue from. */
export interface RosterState {
  /** The group's IRI. */
  readonly group: string
  /** The group's `memberships` URL: where a full read starts. */
  readonly memberships: string
  /**
   * The current memberships (every status but `left` and `removed`), by membership IRI.
   * {@link syncRoster} updates this map in place.
   */
  readonly members: Map<string, EmbeddedMembership>
  /** The `differences` cursor URL of the last page read. */
  readonly differences: string
}

/** Options of {@link syncRoster}. */
export interface SyncRosterOptions extends OutboundPolicy {
  /**
   * The tool's access token at the authority (client credentials, scope `cta:roster`), sent as
   * `Authorization: Bearer`. Or pass `authorization` for another scheme.
   */
  readonly accessToken?: string
  /** The whole `Authorization` header value, for authorities that authenticate otherwise. */
  readonly authorization?: string
  /** Largest page accepted, in bytes. Default 4 MiB. */
  readonly maxPageBytes?: number
  /** Most pages read in one sync. Default 10,000. */
  readonly maxPages?: number
  /** Called with every page after it was checked, for progress reports. */
  readonly onPage?: (page: RosterPage) => void
}

/** What {@link syncRoster} did. */
export interface SyncRosterResult {
  /** The roster as it is now, and the cursor for the next sync. */
  readonly state: RosterState
  /** `true` when the whole roster was read; `false` when only differences were. */
  readonly full: boolean
  /** Memberships received: every one on a full read; the changed ones otherwise. */
  readonly received: number
}

const ENDED = new Set(['left', 'removed'])
const KNOWN_CODES = new Set(Object.keys(PROBLEM_STATUS))

async function fetchPage(url: string, options: SyncRosterOptions): Promise<RosterPage> {
  assertOutboundUrl(url, options)
  const authorization =
    options.authorization ??
    (options.accessToken === undefined ? undefined : `Bearer ${options.accessToken}`)
  const doFetch = outboundFetch(options)
  let response: Response
  try {
    response = await doFetch(url, {
      redirect: 'manual',
      headers: {
        accept: 'application/json',
        ...(authorization === undefined ? {} : { authorization }),
      },
      signal: AbortSignal.timeout(options.timeout ?? 30_000),
    })
  } catch (err) {
    if (isProtocolError(err)) throw err // e.g. ERR_ADDRESS_NOT_ALLOWED from a safe fetch
    throw new ProtocolError('ERR_FETCH_FAILED', `could not fetch ${url}`, { cause: err })
  }
  const text = await readBody(response.body, options.maxPageBytes ?? 4 * 1024 * 1024)
  if (response.status !== 200) {
    let code: ProtocolErrorCode = 'ERR_FETCH_FAILED'
    try {
      const problem = JSON.parse(text) as { code?: unknown }
      if (typeof problem.code === 'string' && KNOWN_CODES.has(problem.code)) {
        code = problem.code as ProtocolErrorCode
      }
    } catch {
      // not a problem document: keep ERR_FETCH_FAILED
    }
    throw new ProtocolError(code, `${url} answered ${response.status}`)
  }
  let page: unknown
  try {
    page = parseStrictJson(text, { maxDepth: 8 })
  } catch (err) {
    throw new ProtocolError('ERR_JSON_INVALID', `${url} did not return JSON`, { cause: err })
  }
  return assertValid(page, { kind: 'RosterPage' })
}

/** A link in a page must stay on the roster's own origin: a peer does not send us elsewhere. */
function sameOrigin(link: string, memberships: string): string {
  if (!URL.canParse(link) || new URL(link).origin !== new URL(memberships).origin) {
    throw new ProtocolError('ERR_ADDRESS_NOT_ALLOWED', `link leaves the authority: ${link}`)
  }
  return link
}

/** Reads pages from `start`, following `next`, and applies each to `members`. */
async function walk(
  start: string,
  group: string,
  memberships: string,
  members: Map<string, EmbeddedMembership>,
  options: SyncRosterOptions,
): Promise<{ differences: string; received: number }> {
  const maxPages = options.maxPages ?? 10_000
  let url = start
  let received = 0
  for (let pages = 1; ; pages++) {
    const page = await fetchPage(url, options)
    if (page.organization !== group) {
      throw new ProtocolError('ERR_GROUP_MISMATCH', 'the page is about another group')
    }
    for (const membership of page.members) {
      if (membership.organization !== group) {
        throw new ProtocolError('ERR_GROUP_MISMATCH', 'a membership of another group')
      }
    }
    options.onPage?.(page)
    for (const membership of page.members) {
      if (ENDED.has(membership.membershipStatus)) members.delete(membership.id)
      else members.set(membership.id, membership)
    }
    received += page.members.length
    // Every page carries `differences` (MEM-ROS-003); the schema refuses one without it.
    if (page.next === undefined) {
      return { differences: sameOrigin(page.differences, memberships), received }
    }
    if (pages >= maxPages) throw new ProtocolError('ERR_TOO_LARGE', 'too many roster pages')
    url = sameOrigin(page.next, memberships)
  }
}

/**
 * Brings a tool's copy of a group's roster up to date. Given the group's document, it reads the
 * whole roster from `memberships`, following `next`, and keeps the `differences` cursor of the last
 * page. Given a previous {@link RosterState}, it reads only the memberships that changed since,
 * removing those that ended; if the authority no longer holds changes that old
 * (`ERR_CURSOR_EXPIRED`), it reads the whole roster again; if the tool is no longer installed in
 * the group (`ERR_NOT_INSTALLED`), it empties `members` before it throws. Pages are validated,
 * must be about this group, and may only link to the authority's own origin. Repeating a sync is
 * harmless: applying a membership's latest state twice changes nothing.
 *
 * @param target The group's document (first sync) or the state a previous sync returned.
 * @param options `accessToken` (or `authorization`), and the outbound policy (`fetch`,
 *   `allowHttp`, `allowPrivateNetwork`, `timeout`).
 * @returns The state (the same `members` map, updated in place, for an incremental sync), whether
 *   the sync read everything, and how many memberships it received.
 * @throws {ProtocolError} `ERR_UNAUTHORIZED`, `ERR_NOT_INSTALLED`, `ERR_FETCH_FAILED`,
 *   `ERR_ADDRESS_NOT_ALLOWED`, `ERR_TOO_LARGE`, `ERR_JSON_INVALID`, `ERR_SCHEMA_INVALID`,
 *   `ERR_GROUP_MISMATCH`.
 * @example
 * ```ts
 * let { state } = await syncRoster(group, { accessToken })
 * // later, or when a membership event arrives:
 * ;({ state } = await syncRoster(state, { accessToken }))
 * ```
 * @see {@link https://w3id.org/cta/spec/membership#syncing-a-roster Spec: syncing a roster}
 */
export async function syncRoster(
  target: Group | RosterState,
  options: SyncRosterOptions = {},
): Promise<SyncRosterResult> {
  const isState = 'members' in target && target.members instanceof Map
  const group = isState ? target.group : (target as Group).id
  const memberships = target.memberships
  if (typeof group !== 'string' || typeof memberships !== 'string') {
    throw new TypeError('target must be a group document or a roster state')
  }
  if (isState) {
    const state = target
    try {
      const { differences, received } = await walk(
        state.differences,
        group,
        memberships,
        state.members,
        options,
      )
      return { state: { ...state, differences }, full: false, received }
    } catch (err) {
      // No longer installed: the tool keeps nothing of the roster (PRV-RET-002).
      if (err instanceof ProtocolError && err.code === 'ERR_NOT_INSTALLED') state.members.clear()
      if (!(err instanceof ProtocolError) || err.code !== 'ERR_CURSOR_EXPIRED') throw err
    }
  }
  const members = new Map<string, EmbeddedMembership>()
  const { differences, received } = await walk(memberships, group, memberships, members, options)
  return { state: { group, memberships, members, differences }, full: true, received }
}
