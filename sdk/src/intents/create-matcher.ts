import { ProtocolError } from '../errors.js'
import type { Proposal, ResourceSpecification } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import type { ExchangeRate } from './convert-amount.js'
import { AMOUNT_DIGITS, parseRate, pow10 } from './internal/decimal.js'
import { checkLifetime } from './internal/build-proposal.js'
import {
  compareCodePoints,
  evaluate,
  formatScore,
  toEntry,
  type Entry,
  type Rules,
} from './internal/model.js'
import { createProposalTable, createView } from './internal/proposal-table.js'
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
  const table = createProposalTable()
  const view = createView()
  /** The slot of a held proposal, or `undefined`. */
  const slotOf = (id: string): number | undefined => {
    const slot = table.find(id)
    return slot === -1 ? undefined : slot
  }
  const tombstones = new Map<string, number>()
  let queries = 0
  // A min-heap of (expires, slot). Records of replaced or removed proposals stay until popped
  // (skipped unless the slot's current proposal has expired too) or until the heap is rebuilt
  // when they outnumber the live ones.
  let heapAt = new Float64Array(1024)
  let heapSlot = new Int32Array(1024)
  let heapSize = 0
  let live = 0
  // Scratch buffers reused by every query: collected slots, compatible slots and their scores.
  const found = { slots: new Int32Array(256), count: 0 }
  let pairSlot = new Int32Array(256)
  let pairMicro = new Float64Array(256)

  function heapPush(at: number, slot: number): void {
    if (heapSize === heapAt.length) {
      const at2 = new Float64Array(heapSize * 2)
      at2.set(heapAt)
      heapAt = at2
      const slot2 = new Int32Array(heapSize * 2)
      slot2.set(heapSlot)
      heapSlot = slot2
    }
    let i = heapSize++
    while (i > 0) {
      const parent = (i - 1) >> 1
      if ((heapAt[parent] as number) <= at) break
      heapAt[i] = heapAt[parent] as number
      heapSlot[i] = heapSlot[parent] as number
      i = parent
    }
    heapAt[i] = at
    heapSlot[i] = slot
  }

  function heapPop(): void {
    const n = --heapSize
    if (n === 0) return
    const at = heapAt[n] as number
    const slot = heapSlot[n] as number
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      const child = r < n && (heapAt[r] as number) < (heapAt[l] as number) ? r : l
      if ((heapAt[child] as number) >= at) break
      heapAt[i] = heapAt[child] as number
      heapSlot[i] = heapSlot[child] as number
      i = child
    }
    heapAt[i] = at
    heapSlot[i] = slot
  }

  function index(e: Entry): void {
    const slot = table.add(e, !linear)
    if (e.expires === Infinity) return
    live++
    heapPush(e.expires, slot)
    if (heapSize > 2 * live + 1024) {
      heapSize = 0
      for (const held of table.slots()) {
        const at = table.expires(held)
        if (at !== Infinity) heapPush(at, held)
      }
    }
  }

  function unindex(slot: number): void {
    if (table.expires(slot) !== Infinity) live--
    table.remove(slot)
  }

  function close(slot: number, version: number): void {
    const id = table.proposal(slot).id
    unindex(slot)
    tombstones.set(id, Math.max(version, tombstones.get(id) ?? -Infinity))
  }

  function expireAt(now: number): string[] {
    const ids: string[] = []
    while (heapSize > 0 && (heapAt[0] as number) <= now) {
      const slot = heapSlot[0] as number
      heapPop()
      const proposal = table.held(slot)
      // A record outlives its proposal: only a held proposal whose own expiry has come closes.
      if (proposal !== undefined && table.expires(slot) <= now) {
        close(slot, table.version(slot))
        ids.push(proposal.id)
      }
    }
    return ids
  }

  function read(input: unknown): Proposal {
    return assertValid(input, { kind: 'Proposal' })
  }

  /** Collects the indexed candidates of `q` into `found`: the visible groups' other side. */
  function collect(q: Entry): void {
    queries = queries >= 0x7ffffffe ? 1 : queries + 1
    found.count = 0
    const other = !q.offer
    if (canSee === undefined) {
      table.collect(q.group, other, q.resource, q.tags, queries, found)
    } else {
      for (const name of table.groupNames()) {
        if (canSee(q.proposal, name)) table.collect(name, other, q.resource, q.tags, queries, found)
      }
    }
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
    let pairs = 0
    const consider = (slot: number): void => {
      if (table.offer(slot) === q.offer || table.expires(slot) <= now) return
      if (table.proposal(slot).id === q.id) return
      table.load(slot, view)
      const c = view
      if (!rules.allowSameAuthor && c.author === q.author) return
      if (!forward(c.group)) return
      if (canSee === undefined ? c.group !== q.group : !canSee(c.proposal, q.group)) return
      const micro = evaluate(q, c, queryTags, rules)
      if (micro < 0) return
      if (pairs === pairSlot.length) {
        const s2 = new Int32Array(pairs * 2)
        s2.set(pairSlot)
        pairSlot = s2
        const m2 = new Float64Array(pairs * 2)
        m2.set(pairMicro)
        pairMicro = m2
      }
      pairSlot[pairs] = slot
      pairMicro[pairs++] = micro
    }
    if (linear) for (const slot of table.slots()) consider(slot)
    else {
      collect(q)
      for (let i = 0; i < found.count; i++) consider(found.slots[i] as number)
    }
    const order = Array.from({ length: pairs }, (_, i) => i)
    order.sort(
      (a, b) =>
        (pairMicro[b] as number) - (pairMicro[a] as number) ||
        table.published(pairSlot[a] as number) - table.published(pairSlot[b] as number) ||
        compareCodePoints(
          table.proposal(pairSlot[a] as number).id,
          table.proposal(pairSlot[b] as number).id,
        ),
    )
    if (order.length > limit) order.length = limit
    return order.map((i) =>
      Object.freeze({
        proposal: table.proposal(pairSlot[i] as number),
        score: formatScore(pairMicro[i] as number),
      }),
    )
  }

  const matcher: Matcher = {
    upsert(input) {
      const proposal = read(input)
      const held = slotOf(proposal.id)
      if (held !== undefined && table.author(held) !== proposal.attributedTo) {
        throw new ProtocolError(
          'ERR_PROPOSAL_CONFLICT',
          `an update of ${proposal.id} changes its attributedTo`,
        )
      }
      const version = parseInstant(proposal.updated ?? proposal.published)
      const closedAt = tombstones.get(proposal.id)
      if (
        held !== undefined
          ? version < table.version(held)
          : closedAt !== undefined && version <= closedAt
      ) {
        return 'stale'
      }
      const now = nowOf(clock)
      expireAt(now)
      try {
        checkLifetime(proposal, now)
      } catch (err) {
        const current = slotOf(proposal.id)
        if (current !== undefined) close(current, version)
        throw err
      }
      const entry = toEntry(proposal, rules)
      const current = slotOf(proposal.id)
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
      const held = slotOf(id)
      if (held !== undefined) {
        close(held, Math.max(version, table.version(held)))
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
      const slot = slotOf(id)
      return slot === undefined ? undefined : table.proposal(slot)
    },
    get size() {
      return table.size
    },
    stats() {
      return Object.freeze({
        proposals: table.size,
        groups: table.groups,
        postings: table.postings,
        tombstones: tombstones.size,
      })
    },
  }
  return Object.freeze(matcher)
}
