import { ProtocolError } from '../errors.js'
import type { Proposal, ResourceSpecification } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import type { ExchangeRate } from './convert-amount.js'
import { AMOUNT_DIGITS, parseRate, pow10 } from './internal/decimal.js'
import { checkLifetime } from './internal/build-proposal.js'
import {
  evaluate,
  formatScore,
  rank,
  toEntry,
  type Entry,
  type Pair,
  type Rules,
} from './internal/model.js'
import { nowOf, parseInstant } from './internal/time.js'

/**
 * Whether the author of `viewer` may see proposals cast into `group`. It must be pure (the same
 * answer for the same arguments during a query).
 */
export type CanSee = (viewer: Proposal, group: string) => boolean

/** Options of {@link createMatcher}. */
export interface CreateMatcherOptions {
  /** The clock, in milliseconds since the epoch (like `Date.now`, the default). */
  readonly now?: () => number
  /**
   * Visibility. A pair matches only when each side may see the other's group. The default lets a
   * proposal see its own group only.
   */
  readonly canSee?: CanSee
  /** Rates for cross-currency prices (directional, never inverted or chained by the SDK itself). */
  readonly rates?: readonly ExchangeRate[]
  /** Currencies whose `decimals` bound the amounts of proposals priced in them. */
  readonly currencies?: readonly ResourceSpecification[]
  /** Match proposals by the same `attributedTo` with each other. Defaults to `false`. */
  readonly allowSameAuthor?: boolean
  /** How many candidates a query returns at most. Defaults to 10; `Infinity` returns all. */
  readonly limit?: number
  /**
   * `indexed` (the default) keeps postings by group, purpose, resource and hashtag. `linear`
   * checks every open proposal on every query: the reference the index is tested against, for
   * small sets only.
   */
  readonly strategy?: 'indexed' | 'linear'
}

/** What {@link Matcher.upsert} did: indexed a new proposal, replaced one, or ignored an old version. */
export type MatcherUpsertStatus = 'added' | 'updated' | 'stale'

/** One counterpart found by {@link Matcher.match}. */
export interface MatchCandidate {
  /** The counterpart proposal. */
  readonly proposal: Proposal
  /** How well it fits, a decimal string from `0` to `1` with at most six fraction digits. */
  readonly score: string
}

/** Options of {@link Matcher.match}. */
export interface MatchOptions {
  /** How many candidates to return at most; defaults to the matcher's `limit`. */
  readonly limit?: number
}

/** Options of {@link Matcher.remove}. */
export interface MatcherRemoveOptions {
  /**
   * The version (`updated`, else `published`) of the proposal as closed. Versions up to it are
   * refused afterwards even if the matcher never held the proposal (a close that overtook its
   * publication).
   */
  readonly version?: string
}

/** Counts for monitoring. */
export interface MatcherStats {
  /** Open proposals held. */
  readonly proposals: number
  /** Groups with at least one indexed proposal. */
  readonly groups: number
  /** Postings in the index (one per proposal and resource or hashtag). */
  readonly postings: number
  /** Closed or expired proposal ids remembered, so that old versions cannot reopen them. */
  readonly tombstones: number
}

/** An index of open proposals that finds compatible counterparts. See {@link createMatcher}. */
export interface Matcher {
  /**
   * Adds a proposal, or replaces the version held with a newer one (same `id`). A version
   * older than the one held, or than the one it was closed at, is ignored (`'stale'`). The
   * matcher keeps a reference to the proposal: do not change it afterwards (those from
   * {@link createOffer} and {@link createRequest} are frozen).
   * @param proposal A proposal from anywhere; it is validated.
   * @returns What happened.
   * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when it is not a valid proposal.
   * @throws {ProtocolError} `ERR_PROPOSAL_EXPIRED` when its `endTime` has passed (a version held
   *   is then removed).
   * @throws {ProtocolError} `ERR_PROPOSAL_CONFLICT` when it changes the `attributedTo` of the
   *   version held.
   * @throws {ProtocolError} `ERR_AMOUNT_PRECISION` when its price is more precise than its
   *   (known) currency allows.
   */
  upsert(proposal: unknown): MatcherUpsertStatus
  /**
   * Removes a proposal: withdrawn, fulfilled or otherwise closed.
   * @param id The proposal's `id`.
   * @param options `version` it was closed at.
   * @returns Whether a proposal was held.
   * @throws {TypeError} When `options.version` is not an RFC 3339 date-time.
   */
  remove(id: string, options?: MatcherRemoveOptions): boolean
  /**
   * Finds the open proposals compatible with `proposal`, best first. The proposal need not be
   * held; it never matches itself.
   * @param proposal A proposal from anywhere; it is validated.
   * @param options `limit`.
   * @returns The candidates, ranked.
   * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when it is not a valid proposal.
   * @throws {ProtocolError} `ERR_PROPOSAL_EXPIRED` when its `endTime` has passed.
   * @throws {ProtocolError} `ERR_AMOUNT_PRECISION` when its price is more precise than its
   *   (known) currency allows.
   */
  match(proposal: unknown, options?: MatchOptions): readonly MatchCandidate[]
  /**
   * Removes every proposal whose `endTime` has passed. Every other method does this first, so
   * call it only to free memory early or to learn which ids expired.
   * @returns The ids removed.
   */
  expire(): readonly string[]
  /**
   * The proposal held under `id`.
   * @param id A proposal `id`.
   * @returns The proposal, or `undefined`.
   */
  get(id: string): Proposal | undefined
  /** The number of open proposals held. */
  readonly size: number
  /**
   * Counts for monitoring.
   * @returns Proposals, groups, postings and tombstones.
   */
  stats(): MatcherStats
}

// Most posting lists hold a handful of entries: an array is a fraction of a Set's size. A list
// that grows past SMALL becomes a Set, so that removing from it stays O(1) however large a
// group's list of one hashtag becomes.
const SMALL = 32
type List = Entry[] | Set<Entry>

interface Postings {
  readonly byResource: Map<string, List>
  readonly byTag: Map<string, List>
}
interface GroupIndex {
  readonly offers: Postings
  readonly requests: Postings
}

function postings(): Postings {
  return { byResource: new Map(), byTag: new Map() }
}

function add(map: Map<string, List>, key: string, entry: Entry): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [entry])
  else if (!Array.isArray(list)) list.add(entry)
  else if (list.length < SMALL) list.push(entry)
  else map.set(key, new Set(list).add(entry))
}

function drop(map: Map<string, List>, key: string, entry: Entry): void {
  const list = map.get(key)
  if (list === undefined) return
  if (Array.isArray(list)) {
    const i = list.indexOf(entry)
    if (i < 0) return
    list[i] = list[list.length - 1] as Entry
    list.pop()
    if (list.length === 0) map.delete(key)
  } else {
    list.delete(entry)
    if (list.size === 0) map.delete(key)
  }
}

function checkLimit(limit: unknown): number {
  if (limit === Infinity) return limit
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new TypeError('limit must be a positive integer or Infinity')
  }
  return limit
}

function rulesOf(options: CreateMatcherOptions): Rules {
  const rates = new Map<string, Map<string, bigint>>()
  for (const { from, to, rate } of options.rates ?? []) {
    if (typeof from !== 'string' || typeof to !== 'string') {
      throw new TypeError('a rate needs from and to currency IRIs')
    }
    const r = parseRate(rate)
    const units = r.units * pow10(AMOUNT_DIGITS - r.scale)
    const row = rates.get(from) ?? new Map<string, bigint>()
    rates.set(from, row.set(to, units))
  }
  const decimals = new Map<string, number>()
  for (const currency of options.currencies ?? []) {
    const spec = assertValid(currency, { kind: 'ResourceSpecification' })
    decimals.set(spec.id, spec.decimals)
  }
  return { allowSameAuthor: options.allowSameAuthor === true, rates, decimals }
}

/**
 * Creates a matcher: an index of open proposals that, for any proposal, returns the compatible
 * counterparts ranked by score, exactly as the matching semantics of the spec define them
 * (complementary purpose, same resource or a shared hashtag, compatible actions, overlapping
 * quantities and time windows, a price within the bounty, mutual visibility). Use it inside a tool
 * or as a standalone matching service; feed it `proposal.published`/`updated` (upsert) and
 * `proposal.closed` (remove). Expiry is checked against the injectable clock.
 *
 * The matcher holds its state in memory, in one process. Queries cost time in proportion to the
 * number of proposals in the visible groups that share the query's resource or a hashtag, not to
 * the size of the index. With a custom `canSee`, each query also tests every indexed group.
 *
 * @param options Clock, visibility, rates, currency metadata, author rule, limit and strategy.
 * @returns The matcher, a frozen object.
 * @throws {TypeError} When a rate is not a positive decimal string, or `limit` is invalid.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when a currency's metadata is invalid.
 * @example
 * ```ts
 * import { createMatcher, createMatch, intentMatched } from '@cta-interop/sdk'
 * const matcher = createMatcher({ currencies: [harbourCredit] })
 * matcher.upsert(offer)
 * for (const { proposal, score } of matcher.match(bounty)) {
 *   const match = createMatch({ subject: bounty.id, object: proposal.id, score })
 *   // … intentMatched(match, { source, actor, audience: bounty.audience })
 * }
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#matching Spec: matching}
 */
export function createMatcher(options: CreateMatcherOptions = {}): Matcher {
  const rules = rulesOf(options)
  const defaultLimit = checkLimit(options.limit ?? 10)
  const strategy: unknown = options.strategy ?? 'indexed'
  if (strategy !== 'indexed' && strategy !== 'linear') {
    throw new TypeError(`unknown strategy: ${String(strategy)}`)
  }
  const linear = strategy === 'linear'
  const canSee = options.canSee
  const clock = options.now
  const byId = new Map<string, Entry>()
  const groups = new Map<string, GroupIndex>()
  const tombstones = new Map<string, number>()
  let postingCount = 0
  let queries = 0
  // A min-heap of entries by `expires`. Replaced and removed entries stay until popped (lazily
  // skipped) or until the heap is rebuilt when they outnumber the live ones.
  let heap: Entry[] = []
  let live = 0

  const isHeld = (e: Entry): boolean => byId.get(e.id) === e

  function heapPush(e: Entry): void {
    heap.push(e)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      const p = heap[parent] as Entry
      if (p.expires <= e.expires) break
      heap[i] = p
      i = parent
    }
    heap[i] = e
  }

  function heapPop(): void {
    const last = heap.pop() as Entry
    if (heap.length === 0) return
    let i = 0
    const n = heap.length
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      const child = r < n && (heap[r] as Entry).expires < (heap[l] as Entry).expires ? r : l
      if ((heap[child] as Entry).expires >= last.expires) break
      heap[i] = heap[child] as Entry
      i = child
    }
    heap[i] = last
  }

  function index(e: Entry): void {
    byId.set(e.id, e)
    if (e.expires !== Infinity) {
      live++
      heapPush(e)
      if (heap.length > 2 * live + 1024) {
        heap = []
        for (const held of byId.values()) if (held.expires !== Infinity) heapPush(held)
      }
    }
    if (linear || (e.resource === undefined && e.tags.length === 0)) return
    let g = groups.get(e.group)
    if (g === undefined) {
      g = { offers: postings(), requests: postings() }
      groups.set(e.group, g)
    }
    const p = e.offer ? g.offers : g.requests
    if (e.resource !== undefined) {
      add(p.byResource, e.resource, e)
      postingCount++
    }
    for (const t of e.tags) add(p.byTag, t, e)
    postingCount += e.tags.length
  }

  function unindex(e: Entry): void {
    byId.delete(e.id)
    if (e.expires !== Infinity) live--
    if (linear || (e.resource === undefined && e.tags.length === 0)) return
    const g = groups.get(e.group)
    if (g === undefined) return
    const p = e.offer ? g.offers : g.requests
    if (e.resource !== undefined) {
      drop(p.byResource, e.resource, e)
      postingCount--
    }
    for (const t of e.tags) drop(p.byTag, t, e)
    postingCount -= e.tags.length
    const empty = (x: Postings): boolean => x.byResource.size === 0 && x.byTag.size === 0
    if (empty(g.offers) && empty(g.requests)) groups.delete(e.group)
  }

  function close(e: Entry, version: number): void {
    unindex(e)
    tombstones.set(e.id, Math.max(version, tombstones.get(e.id) ?? -Infinity))
  }

  function expireAt(now: number): string[] {
    const ids: string[] = []
    for (let top = heap[0]; top !== undefined && top.expires <= now; top = heap[0]) {
      heapPop()
      if (isHeld(top)) {
        close(top, top.version)
        ids.push(top.id)
      }
    }
    return ids
  }

  function read(input: unknown): Proposal {
    return assertValid(input, { kind: 'Proposal' })
  }

  /** The visible groups' postings on the other side, for the indexed strategy. */
  function sources(q: Entry): Postings[] {
    const out: Postings[] = []
    const pick = (g: GroupIndex): void => {
      out.push(q.offer ? g.requests : g.offers)
    }
    if (canSee === undefined) {
      const g = groups.get(q.group)
      if (g !== undefined) pick(g)
    } else {
      for (const [name, g] of groups) if (canSee(q.proposal, name)) pick(g)
    }
    return out
  }

  function candidates(q: Entry): Iterable<Entry> {
    if (linear) return byId.values()
    const stamp = ++queries
    const out: Entry[] = []
    const collect = (list: List | undefined): void => {
      if (list === undefined) return
      for (const e of list) {
        if (e.stamp !== stamp) {
          e.stamp = stamp
          out.push(e)
        }
      }
    }
    for (const p of sources(q)) {
      if (q.resource !== undefined) collect(p.byResource.get(q.resource))
      for (const t of q.tags) collect(p.byTag.get(t))
    }
    return out
  }

  function find(q: Entry, now: number, limit: number): MatchCandidate[] {
    const queryTags = new Set(q.tags)
    const seen = new Map<string, boolean>()
    const forward = (group: string): boolean => {
      if (canSee === undefined) return group === q.group
      let ok = seen.get(group)
      if (ok === undefined) seen.set(group, (ok = canSee(q.proposal, group)))
      return ok
    }
    const pairs: Pair[] = []
    for (const c of candidates(q)) {
      if (c.id === q.id || c.offer === q.offer || c.expires <= now) continue
      if (!rules.allowSameAuthor && c.author === q.author) continue
      if (!forward(c.group)) continue
      if (canSee === undefined ? c.group !== q.group : !canSee(c.proposal, q.group)) continue
      const micro = evaluate(q, c, queryTags, rules)
      if (micro >= 0) pairs.push({ entry: c, micro })
    }
    pairs.sort(rank)
    if (pairs.length > limit) pairs.length = limit
    return pairs.map(({ entry, micro }) =>
      Object.freeze({ proposal: entry.proposal, score: formatScore(micro) }),
    )
  }

  const matcher: Matcher = {
    upsert(input) {
      const proposal = read(input)
      const held = byId.get(proposal.id)
      if (held !== undefined && held.author !== proposal.attributedTo) {
        throw new ProtocolError(
          'ERR_PROPOSAL_CONFLICT',
          `an update of ${proposal.id} changes its attributedTo`,
        )
      }
      const version = parseInstant(proposal.updated ?? proposal.published)
      const closedAt = tombstones.get(proposal.id)
      if (
        held !== undefined ? version < held.version : closedAt !== undefined && version <= closedAt
      ) {
        return 'stale'
      }
      const now = nowOf(clock)
      expireAt(now)
      try {
        checkLifetime(proposal, now)
      } catch (err) {
        const current = byId.get(proposal.id)
        if (current !== undefined) close(current, version)
        throw err
      }
      const entry = toEntry(proposal, rules)
      const current = byId.get(proposal.id)
      if (current !== undefined) unindex(current)
      tombstones.delete(proposal.id)
      index(entry)
      return current === undefined ? 'added' : 'updated'
    },
    remove(id, removeOptions = {}) {
      let version = -Infinity
      if (removeOptions.version !== undefined) {
        version =
          typeof removeOptions.version === 'string' ? parseInstant(removeOptions.version) : NaN
        if (Number.isNaN(version)) throw new TypeError('version must be an RFC 3339 date-time')
      }
      const held = byId.get(id)
      if (held !== undefined) {
        close(held, Math.max(version, held.version))
        return true
      }
      if (version !== -Infinity)
        tombstones.set(id, Math.max(version, tombstones.get(id) ?? -Infinity))
      return false
    },
    match(input, matchOptions = {}) {
      const proposal = read(input)
      const limit = matchOptions.limit === undefined ? defaultLimit : checkLimit(matchOptions.limit)
      const now = nowOf(clock)
      expireAt(now)
      checkLifetime(proposal, now)
      return Object.freeze(find(toEntry(proposal, rules), now, limit))
    },
    expire() {
      return Object.freeze(expireAt(nowOf(clock)))
    },
    get(id) {
      return byId.get(id)?.proposal
    },
    get size() {
      return byId.size
    },
    stats() {
      return Object.freeze({
        proposals: byId.size,
        groups: groups.size,
        postings: postingCount,
        tombstones: tombstones.size,
      })
    },
  }
  return Object.freeze(matcher)
}
