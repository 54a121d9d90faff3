import type { Proposal } from '../../schemas/index.js'
import { createInterner } from './interner.js'
import type { Entry, Stated } from './model.js'

// The matcher's memory, laid out in columns: one slot per held proposal, its parsed fields in typed
// arrays (strings and amounts as ids of reference-counted interners), and its postings (one per
// resource or hashtag) as nodes of doubly linked lists, also in typed arrays. A million proposals
// are then a few dozen large arrays instead of millions of small objects, which keeps both the
// memory per proposal and the garbage collector's work (every scavenge and mark walks the object
// graph) small. Nothing here allocates per candidate: a query reads a slot into one reused entry.

/** An {@link Entry} that a table can overwrite, for reading slots without allocating. @internal */
export type EntryView = Omit<{ -readonly [K in keyof Entry]: Entry[K] }, 'tags'> & {
  tags: string[]
}

/** A reusable view, filled by {@link ProposalTable.load}. @internal */
export function createView(): EntryView {
  return {
    id: '',
    proposal: undefined as unknown as Proposal,
    offer: false,
    group: '',
    author: '',
    resource: undefined,
    tags: [],
    action: '',
    unit: undefined,
    min: 0n,
    max: undefined,
    basis: undefined,
    start: 0,
    end: 0,
    expires: 0,
    published: 0,
    version: 0,
    price: undefined,
    stamp: 0,
  }
}

/** The columns and postings of the held proposals. @internal */
export interface ProposalTable {
  /** The slot holding the proposal with this `id`, or -1. */
  find(id: string): number
  /** Proposals held. */
  readonly size: number
  /** Every slot holding a proposal. */
  slots(): IterableIterator<number>
  /** Stores an entry (whose `id` must not be held); `postings` links its resource and hashtags. */
  add(entry: Entry, postings: boolean): number
  /** Frees a slot and its postings. */
  remove(slot: number): void
  /** Copies a slot into `view` (which must not be the one a caller still reads). */
  load(slot: number, view: EntryView): void
  proposal(slot: number): Proposal
  /** The proposal in a slot, or `undefined` when the slot is free. */
  held(slot: number): Proposal | undefined
  offer(slot: number): boolean
  author(slot: number): string
  expires(slot: number): number
  published(slot: number): number
  version(slot: number): number
  /** The name of each group holding postings. */
  groupNames(): IterableIterator<string>
  /** Groups with postings. */
  readonly groups: number
  /** Postings linked. */
  readonly postings: number
  /**
   * Appends to `out` (from `count`) every slot posted in `group` on the `offer` side under
   * `resource` or one of `tags`, once per query `stamp`; returns the new count and buffer.
   */
  collect(
    group: string,
    offer: boolean,
    resource: string | undefined,
    tags: readonly string[],
    stamp: number,
    out: { slots: Int32Array; count: number },
  ): void
}

const NONE = -1
const TAG = 1
const OFFER = 2

function grown<T extends Int32Array | Float64Array | Uint8Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size)
  b.set(a)
  return b
}

/** Creates an empty table. @internal */
export function createProposalTable(): ProposalTable {
  const strings = createInterner<string>()
  const amounts = createInterner<bigint>()
  let capacity = 0
  let used = 0
  const freeSlots: number[] = []
  const proposals: (Proposal | undefined)[] = []
  let offer = new Uint8Array(0)
  let linked = new Uint8Array(0)
  let f64 = {
    start: new Float64Array(0),
    end: new Float64Array(0),
    expires: new Float64Array(0),
    published: new Float64Array(0),
    version: new Float64Array(0),
  }
  let i32 = {
    group: new Int32Array(0),
    author: new Int32Array(0),
    resource: new Int32Array(0),
    action: new Int32Array(0),
    unit: new Int32Array(0),
    min: new Int32Array(0),
    max: new Int32Array(0),
    basis: new Int32Array(0),
    price: new Int32Array(0),
    priceAmount: new Int32Array(0),
    firstNode: new Int32Array(0),
    stamp: new Int32Array(0),
  }
  // Posting nodes: list links, owner slot, list key, and the next node of the same owner.
  let nodeCapacity = 0
  let nodesUsed = 0
  let freeNode = NONE
  let next = new Int32Array(0)
  let prev = new Int32Array(0)
  let owner = new Int32Array(0)
  let key = new Int32Array(0)
  let ownerNext = new Int32Array(0)
  // A price's currency, unit and action, interned together (a handful of distinct triples); its
  // amount goes to the amount interner.
  const priceIds = createInterner<string>()
  const priceParts: (readonly [string, string, string] | undefined)[] = []
  const priceKeys: (string | undefined)[] = []
  const priceView: { -readonly [K in keyof Stated]: Stated[K] } = {
    resource: '',
    unit: '',
    action: '',
    amount: 0n,
  }
  // The first node of each list, in an open-addressing hash (linear probing) keyed by group id and
  // list key (term id * 4 + side + kind): three Int32Arrays instead of a Map per group.
  let hashGroup = new Int32Array(1024).fill(NONE)
  let hashKey = new Int32Array(1024)
  let hashHead = new Int32Array(1024)
  let hashSize = 0
  // Postings per group id, for the groups a custom visibility iterates.
  const groupPostings = new Map<number, number>()
  let postingCount = 0

  function bucket(group: number, k: number): number {
    let h = Math.imul(group, 0x9e3779b1) ^ Math.imul(k, 0x85ebca77)
    h ^= h >>> 15
    h = Math.imul(h, 0x2c1b3c6d)
    h ^= h >>> 13
    return h & (hashGroup.length - 1)
  }

  /** The bucket holding (group, k), or -1. */
  function lookup(group: number, k: number): number {
    const mask = hashGroup.length - 1
    for (let i = bucket(group, k); ; i = (i + 1) & mask) {
      const g = hashGroup[i] as number
      if (g === NONE) return NONE
      if (g === group && hashKey[i] === k) return i
    }
  }

  function insert(group: number, k: number, head: number): void {
    if ((hashSize + 1) * 4 > hashGroup.length * 3) {
      const oldGroup = hashGroup
      const oldKey = hashKey
      const oldHead = hashHead
      hashGroup = new Int32Array(oldGroup.length * 2).fill(NONE)
      hashKey = new Int32Array(oldGroup.length * 2)
      hashHead = new Int32Array(oldGroup.length * 2)
      hashSize = 0
      for (let i = 0; i < oldGroup.length; i++) {
        const g = oldGroup[i] as number
        if (g !== NONE) insert(g, oldKey[i] as number, oldHead[i] as number)
      }
    }
    const mask = hashGroup.length - 1
    let i = bucket(group, k)
    while (hashGroup[i] !== NONE) i = (i + 1) & mask
    hashGroup[i] = group
    hashKey[i] = k
    hashHead[i] = head
    hashSize++
  }

  /** Empties bucket `i`, shifting back the entries after it that probed past it. */
  function erase(i: number): void {
    const mask = hashGroup.length - 1
    let hole = i
    for (let j = (i + 1) & mask; hashGroup[j] !== NONE; j = (j + 1) & mask) {
      const home = bucket(hashGroup[j] as number, hashKey[j] as number)
      // Leave j where it is when its home lies cyclically in (hole, j].
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j
      if (stays) continue
      hashGroup[hole] = hashGroup[j] as number
      hashKey[hole] = hashKey[j] as number
      hashHead[hole] = hashHead[j] as number
      hole = j
    }
    hashGroup[hole] = NONE
    hashSize--
  }

  // Slots by proposal id: an open-addressing hash (linear probing) of slots, keyed by the id's
  // FNV-1a hash, compared by the held proposal's id.
  let idSlots = new Int32Array(1024).fill(NONE)
  let held = 0

  function hashId(id: string): number {
    let h = 0x811c9dc5
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193)
    return h & (idSlots.length - 1)
  }

  function idBucket(id: string): number {
    const mask = idSlots.length - 1
    for (let i = hashId(id); ; i = (i + 1) & mask) {
      const s = idSlots[i] as number
      if (s === NONE || (proposals[s] as Proposal).id === id) return i
    }
  }

  function idInsert(s: number): void {
    if ((held + 1) * 2 > idSlots.length) {
      const old = idSlots
      idSlots = new Int32Array(old.length * 2).fill(NONE)
      for (const t of old) if (t !== NONE) idSlots[idBucket((proposals[t] as Proposal).id)] = t
    }
    idSlots[idBucket((proposals[s] as Proposal).id)] = s
    held++
  }

  function idErase(id: string): void {
    const mask = idSlots.length - 1
    let hole = idBucket(id)
    for (let j = (hole + 1) & mask; idSlots[j] !== NONE; j = (j + 1) & mask) {
      const home = hashId((proposals[idSlots[j] as number] as Proposal).id)
      // Leave j where it is when its home lies cyclically in (hole, j].
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j
      if (stays) continue
      idSlots[hole] = idSlots[j] as number
      hole = j
    }
    idSlots[hole] = NONE
    held--
  }

  function slot(): number {
    const s = freeSlots.pop()
    if (s !== undefined) return s
    if (used === capacity) {
      capacity = Math.max(1024, Math.ceil(capacity * 1.5))
      offer = grown(offer, capacity)
      linked = grown(linked, capacity)
      f64 = Object.fromEntries(
        Object.entries(f64).map(([k, a]) => [k, grown(a, capacity)]),
      ) as typeof f64
      i32 = Object.fromEntries(
        Object.entries(i32).map(([k, a]) => [k, grown(a, capacity)]),
      ) as typeof i32
    }
    return used++
  }

  function node(): number {
    if (freeNode !== NONE) {
      const n = freeNode
      freeNode = next[n] as number
      return n
    }
    if (nodesUsed === nodeCapacity) {
      nodeCapacity = Math.max(1024, Math.ceil(nodeCapacity * 1.5))
      next = grown(next, nodeCapacity)
      prev = grown(prev, nodeCapacity)
      owner = grown(owner, nodeCapacity)
      key = grown(key, nodeCapacity)
      ownerNext = grown(ownerNext, nodeCapacity)
    }
    return nodesUsed++
  }

  const optional = (value: string | undefined): number =>
    value === undefined ? NONE : strings.acquire(value)
  const amount = (value: bigint | undefined): number =>
    value === undefined ? NONE : amounts.acquire(value)
  const releaseString = (id: number): void => {
    if (id !== NONE) strings.release(id)
  }
  const releaseAmount = (id: number): void => {
    if (id !== NONE) amounts.release(id)
  }

  /** Adds a node for term `k` to slot `s`'s chain, linked into its group's list when `link`. */
  function post(s: number, group: number, k: number, link: boolean): void {
    const n = node()
    owner[n] = s
    key[n] = k
    ownerNext[n] = i32.firstNode[s] as number
    i32.firstNode[s] = n
    prev[n] = NONE
    next[n] = NONE
    if (!link) return
    const b = lookup(group, k)
    if (b === NONE) insert(group, k, n)
    else {
      const head = hashHead[b] as number
      next[n] = head
      prev[head] = n
      hashHead[b] = n
    }
    groupPostings.set(group, (groupPostings.get(group) ?? 0) + 1)
    postingCount++
  }

  function unpost(n: number, group: number, linked: boolean): void {
    if (linked) {
      const p = prev[n] as number
      const x = next[n] as number
      if (x !== NONE) prev[x] = p
      if (p !== NONE) next[p] = x
      else {
        const b = lookup(group, key[n] as number)
        if (x === NONE) erase(b)
        else hashHead[b] = x
      }
      const left = (groupPostings.get(group) ?? 0) - 1
      if (left === 0) groupPostings.delete(group)
      else groupPostings.set(group, left)
      postingCount--
    }
    strings.release((key[n] as number) >> 2)
    next[n] = freeNode
    freeNode = n
  }

  return {
    add(entry, postings) {
      const s = slot()
      proposals[s] = entry.proposal
      idInsert(s)
      offer[s] = entry.offer ? 1 : 0
      f64.start[s] = entry.start
      f64.end[s] = entry.end
      f64.expires[s] = entry.expires
      f64.published[s] = entry.published
      f64.version[s] = entry.version
      const group = strings.acquire(entry.group)
      i32.group[s] = group
      i32.author[s] = strings.acquire(entry.author)
      i32.resource[s] = optional(entry.resource)
      i32.action[s] = strings.acquire(entry.action)
      i32.unit[s] = optional(entry.unit)
      i32.min[s] = amounts.acquire(entry.min)
      i32.max[s] = amount(entry.max)
      i32.basis[s] = amount(entry.basis)
      const price = entry.price
      if (price === undefined) {
        i32.price[s] = NONE
        i32.priceAmount[s] = NONE
      } else {
        const k = `${price.resource}\n${price.unit}\n${price.action}`
        const id = priceIds.acquire(k)
        if (priceKeys[id] !== k) {
          priceKeys[id] = k
          priceParts[id] = [price.resource, price.unit, price.action]
        }
        i32.price[s] = id
        i32.priceAmount[s] = amounts.acquire(price.amount)
      }
      i32.firstNode[s] = NONE
      i32.stamp[s] = 0
      const side = entry.offer ? OFFER : 0
      const link = postings && (entry.resource !== undefined || entry.tags.length > 0)
      linked[s] = link ? 1 : 0
      for (const t of entry.tags) post(s, group, strings.acquire(t) * 4 + side + TAG, link)
      if (entry.resource !== undefined) {
        post(s, group, strings.acquire(entry.resource) * 4 + side, link)
      }
      return s
    },
    remove(s) {
      const group = i32.group[s] as number
      const link = linked[s] === 1
      for (let n = i32.firstNode[s] as number; n !== NONE;) {
        const after = ownerNext[n] as number
        unpost(n, group, link)
        n = after
      }
      strings.release(group)
      strings.release(i32.author[s] as number)
      releaseString(i32.resource[s] as number)
      strings.release(i32.action[s] as number)
      releaseString(i32.unit[s] as number)
      amounts.release(i32.min[s] as number)
      releaseAmount(i32.max[s] as number)
      releaseAmount(i32.basis[s] as number)
      const price = i32.price[s] as number
      if (price !== NONE) {
        priceIds.release(price)
        amounts.release(i32.priceAmount[s] as number)
      }
      idErase((proposals[s] as Proposal).id)
      proposals[s] = undefined
      freeSlots.push(s)
    },
    load(s, view) {
      const proposal = proposals[s] as Proposal
      view.id = proposal.id
      view.proposal = proposal
      view.offer = offer[s] === 1
      view.group = strings.value(i32.group[s] as number)
      view.author = strings.value(i32.author[s] as number)
      const resource = i32.resource[s] as number
      view.resource = resource === NONE ? undefined : strings.value(resource)
      view.action = strings.value(i32.action[s] as number)
      const unit = i32.unit[s] as number
      view.unit = unit === NONE ? undefined : strings.value(unit)
      view.min = amounts.value(i32.min[s] as number)
      const max = i32.max[s] as number
      view.max = max === NONE ? undefined : amounts.value(max)
      const basis = i32.basis[s] as number
      view.basis = basis === NONE ? undefined : amounts.value(basis)
      view.start = f64.start[s] as number
      view.end = f64.end[s] as number
      view.expires = f64.expires[s] as number
      view.published = f64.published[s] as number
      view.version = f64.version[s] as number
      const tags = view.tags
      tags.length = 0
      for (let n = i32.firstNode[s] as number; n !== NONE; n = ownerNext[n] as number) {
        const k = key[n] as number
        if ((k & TAG) !== 0) tags.push(strings.value(k >> 2))
      }
      const price = i32.price[s] as number
      if (price === NONE) view.price = undefined
      else {
        const [resource, unit, action] = priceParts[price] as readonly [string, string, string]
        priceView.resource = resource
        priceView.unit = unit
        priceView.action = action
        priceView.amount = amounts.value(i32.priceAmount[s] as number)
        view.price = priceView
      }
    },
    find(id) {
      return idSlots[idBucket(id)] as number
    },
    get size() {
      return held
    },
    *slots() {
      for (let s = 0; s < used; s++) if (proposals[s] !== undefined) yield s
    },
    proposal: (s) => proposals[s] as Proposal,
    held: (s) => proposals[s],
    offer: (s) => offer[s] === 1,
    author: (s) => strings.value(i32.author[s] as number),
    expires: (s) => f64.expires[s] as number,
    published: (s) => f64.published[s] as number,
    version: (s) => f64.version[s] as number,
    *groupNames() {
      for (const g of groupPostings.keys()) yield strings.value(g)
    },
    get groups() {
      return groupPostings.size
    },
    get postings() {
      return postingCount
    },
    collect(groupName, side, resource, tags, stamp, out) {
      const group = strings.find(groupName)
      if (group === NONE || !groupPostings.has(group)) return
      const base = side ? OFFER : 0
      const walk = (term: string | undefined, kind: number): void => {
        const id = term === undefined ? NONE : strings.find(term)
        if (id === NONE) return
        const b = lookup(group, id * 4 + base + kind)
        for (
          let n = b === NONE ? NONE : (hashHead[b] as number);
          n !== NONE;
          n = next[n] as number
        ) {
          const s = owner[n] as number
          if (i32.stamp[s] === stamp) continue
          i32.stamp[s] = stamp
          if (out.count === out.slots.length) out.slots = grown(out.slots, out.count * 2 + 64)
          out.slots[out.count++] = s
        }
      }
      walk(resource, 0)
      for (const t of tags) walk(t, TAG)
    },
  }
}
