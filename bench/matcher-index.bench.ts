// matcher-index and matcher-growth: the indexed matcher (createMatcher) holding 10,000, 100,000 and
// 1,000,000 open proposals, against a linear scan over the same proposals that applies the same
// compatibility rules (createMatcher({ strategy: 'linear' })), in the same run.
//
// - matcher-index: queries/s of the index over queries/s of the linear scan at 1,000,000 proposals
//   (= linear p50 query time / indexed p50 query time). Target ≥ 100.
// - matcher-growth: indexed p50 query time at 1,000,000 over that at 100,000. Target ≤ 2: a query
//   costs what the visible groups hold, not what the whole index holds.
// - matcher-p99: the indexed p99 query time at 1,000,000 against a budget of 1 ms. Target ≤ 1.
// - matcher-memory: what the index holds per proposal at 1,000,000 (V8 heap plus the typed arrays'
//   buffers, after a full GC, the proposals themselves allocated before) against a budget of 300
//   bytes. Target ≤ 1.
//
// Every timed figure comes from at least 3 rounds in which subject and baseline alternate (all
// matchers built first and kept alive together, so each round sees the same heap); the table
// shows the per-round ratios' min / median / max.
//
// The proposals come from a seeded generator with a realistic spread: about 250 proposals per group
// (groups skewed in size, the largest holding a few thousand), 2,000 global resource kinds with a
// long tail plus each group's own skills, 400 hashtags, 10 currencies with rates between the fiat
// ones, quantities, unit-based prices, time windows and expiry dates.
import { runInNewContext } from 'node:vm'
import { setFlagsFromString } from 'node:v8'
import {
  createMatcher,
  type DocumentOfKind,
  type ExchangeRate,
  type Matcher,
} from '@cta-interop/sdk'
import {
  percentile,
  result,
  roundsResult,
  summarise,
  type Bench,
  type BenchRound,
} from './lib/measure.js'

type Proposal = DocumentOfKind<'Proposal'>
type ResourceSpecification = DocumentOfKind<'ResourceSpecification'>

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const CONTEXT = ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'] as [
  'https://www.w3.org/ns/activitystreams',
  'https://w3id.org/cta/v1',
]
const T0 = Date.parse('2026-09-02T00:00:00Z')
const HOUR = 3_600_000
const DAY = 24 * HOUR
const SEED = 0x5eed

/** mulberry32: a small, fast, seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function currency(
  id: string,
  name: string,
  symbol: string,
  decimals: number,
  currencyType: ResourceSpecification['currencyType'],
): ResourceSpecification {
  return {
    '@context': CONTEXT,
    id,
    type: 'ResourceSpecification',
    name,
    currencyType,
    symbol,
    decimals,
  }
}

const FIAT = [
  currency('https://www.wikidata.org/wiki/Q4917', 'US dollar', 'USD', 2, 'fiat'),
  currency('https://www.wikidata.org/wiki/Q4916', 'Euro', 'EUR', 2, 'fiat'),
  currency('https://www.wikidata.org/wiki/Q1472704', 'New Zealand dollar', 'NZD', 2, 'fiat'),
  currency('https://www.wikidata.org/wiki/Q25224', 'Pound sterling', 'GBP', 2, 'fiat'),
  currency('https://www.wikidata.org/wiki/Q259502', 'Australian dollar', 'AUD', 2, 'fiat'),
  currency('https://www.wikidata.org/wiki/Q8146', 'Japanese yen', 'JPY', 0, 'fiat'),
]
export const CURRENCIES = [
  ...FIAT,
  currency('https://ledger.example/currencies/harbour', 'Harbour Credit', 'HC', 2, 'mutualCredit'),
  currency('https://ledger.example/currencies/valley', 'Valley Credit', 'VC', 2, 'mutualCredit'),
  currency('https://coop.example/currencies/points', 'Coop points', 'PTS', 0, 'points'),
  currency('https://timebank.example/hours', 'Timebank hours', 'TBH', 2, 'timebank'),
]
/** Rates between every ordered pair of fiat currencies (approximate, exact decimal strings). */
const PER_USD = ['1', '0.92', '1.6843', '0.79', '1.52', '152.5']
export const RATES: ExchangeRate[] = FIAT.flatMap((from, i) =>
  FIAT.filter((_, j) => j !== i).map((to) => {
    const j = FIAT.indexOf(to)
    // rate = perUsd[to] / perUsd[from], written with 6 fraction digits
    const r = Number(PER_USD[j]) / Number(PER_USD[i])
    return { from: from.id, to: to.id, rate: r.toFixed(6) }
  }),
)

const RESOURCES = 2000
const TAGS = 400

/** Interns strings (and small frozen objects) so a million proposals share what repeats. */
function pool<T>(make: (key: string) => T): (key: string) => T {
  const map = new Map<string, T>()
  return (key) => {
    let v = map.get(key)
    if (v === undefined) map.set(key, (v = make(key)))
    return v
  }
}

const iso = pool((ms: string) => new Date(Number(ms)).toISOString().replace('.000Z', 'Z'))
const quantity = pool((key: string) => {
  const [hasUnit = '', hasNumericalValue = ''] = key.split(' ')
  return Object.freeze({ hasUnit, hasNumericalValue })
})
const hashtag = pool((name: string) =>
  Object.freeze({ type: 'Hashtag' as const, name: `#${name}` }),
)
const text = pool((s: string) => s)

/** The same string as one flat sequence of characters, the form JSON.parse returns. */
function flat(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string
}

/** Generates `n` valid, open proposals deterministically. */
export function generate(n: number): Proposal[] {
  const random = prng(SEED ^ n)
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1))
  const skewed = (count: number, power: number): number => Math.floor(count * random() ** power)
  const groups = Math.max(20, Math.round(n / 250))
  const out: Proposal[] = []
  for (let i = 0; i < n; i++) {
    const g = skewed(groups, 1.5)
    const origin = text(`https://tool${g % 7}.example`)
    const group = text(`${origin}/g/${g}`)
    const offer = random() < 0.5
    const author = text(`${origin}/u/${g}-${int(0, 49)}`)
    const local = random() < 0.3
    const service = local || random() < 0.6
    const resource = local
      ? text(`${group}/skills/${int(0, 19)}`)
      : text(`https://www.wikidata.org/wiki/Q${100_000 + skewed(RESOURCES, 2)}`)
    const unit = service ? 'hour' : 'one'
    // Flat strings, as JSON.parse gives: a template literal makes a rope, which validation (a
    // regular expression) or a Map key flattens into a copy that the matcher would be charged for.
    const id = flat(`${origin}/p/${i}`)
    const published = iso(String(T0 - int(0, 60 * 24) * HOUR))
    const unitBased = service && random() < 0.6
    const publishes: Record<string, unknown> = {
      id: flat(`${id}#primary`),
      type: 'Intent',
      action: service ? (random() < 0.1 ? 'work' : 'deliverService') : 'transfer',
      [offer ? 'provider' : 'receiver']: author,
      resourceConformsTo: resource,
    }
    if (offer) {
      if (unitBased) publishes['resourceQuantity'] = quantity(`${unit} 1`)
      publishes['availableQuantity'] = quantity(`${unit} ${int(1, service ? 40 : 5)}`)
    } else {
      publishes[service ? 'effortQuantity' : 'resourceQuantity'] = quantity(
        `${unit} ${int(1, service ? 20 : 3)}`,
      )
      if (random() < 0.2) publishes['minimumQuantity'] = quantity(`${unit} 1`)
    }
    if (random() < 0.5) {
      const start = T0 + int(-60, 180) * DAY
      publishes['hasBeginning'] = iso(String(start))
      publishes['hasEnd'] = iso(String(start + int(1, 120) * DAY))
    }
    const p: Record<string, unknown> = {
      '@context': CONTEXT,
      id,
      type: 'Proposal',
      purpose: offer ? 'offer' : 'request',
      name: text(`${offer ? 'Offering' : 'Wanted'}: ${resource.slice(-12)}`),
      attributedTo: author,
      published,
      audience: group,
      publishes,
    }
    if (random() < 0.7) p['endTime'] = iso(String(T0 + int(1, 365) * DAY))
    const tagCount = int(0, 4)
    if (tagCount > 0) {
      const tags = new Set<number>()
      for (let t = 0; t < tagCount; t++) tags.add(skewed(TAGS, 2))
      p['tag'] = [...tags].map((t) => hashtag(`t${t}`))
    }
    if (unitBased) p['unitBased'] = true
    if (random() < 0.8) {
      const c = CURRENCIES[skewed(CURRENCIES.length, 1.3)] ?? CURRENCIES[0]
      const amount = offer
        ? int(service ? 5 : 10, service ? 80 : 500)
        : int(20, 2000) * (c?.decimals === 0 ? 100 : 1)
      p['reciprocal'] = {
        id: flat(`${id}#reciprocal`),
        type: 'Intent',
        action: 'transfer',
        [offer ? 'receiver' : 'provider']: author,
        resourceConformsTo: c?.id,
        resourceQuantity: quantity(`one ${amount}${c?.decimals === 0 ? '' : '.00'}`),
      }
    }
    out.push(p as Proposal)
  }
  return out
}

interface Built {
  readonly matcher: Matcher
  readonly seconds: number
  /** Heap plus ArrayBuffer bytes the matcher holds, after a full GC. */
  readonly bytes: number
}

/** V8 heap in use plus the bytes of ArrayBuffers (typed arrays live outside the V8 heap). */
function memory(): number {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

/** A full GC, then again once the freed ArrayBuffers' memory has been released (asynchronously). */
async function settle(): Promise<void> {
  gc()
  await new Promise((resolve) => setTimeout(resolve, 200))
  gc()
}

async function build(
  proposals: readonly Proposal[],
  strategy: 'indexed' | 'linear',
): Promise<Built> {
  await settle()
  const before = memory()
  const matcher = createMatcher({ now: () => T0, rates: RATES, currencies: CURRENCIES, strategy })
  const start = performance.now()
  for (const p of proposals) matcher.upsert(p)
  const seconds = (performance.now() - start) / 1000
  await settle()
  return { matcher, seconds, bytes: memory() - before }
}

interface Timed {
  readonly micros: number[]
  readonly results: string[][]
  readonly p50: number
  readonly p99: number
  /** p99 of the process's CPU time (user + system, all threads) per query, in µs. */
  readonly cpuP99: number
}

/** Times each query; returns microseconds, p50 and p99, and the results (for the equality check). */
function time(matcher: Matcher, queries: readonly Proposal[]): Timed {
  const micros: number[] = []
  const cpu: number[] = []
  const results: string[][] = []
  for (const q of queries) {
    const before = process.cpuUsage()
    const start = performance.now()
    const found = matcher.match(q)
    micros.push((performance.now() - start) * 1000)
    const used = process.cpuUsage(before)
    cpu.push(used.user + used.system)
    results.push(found.map((c) => `${c.proposal.id} ${c.score}`))
  }
  return {
    micros,
    results,
    p50: percentile(micros, 50),
    p99: percentile(micros, 99),
    cpuP99: percentile(cpu, 99),
  }
}

interface Corpus {
  readonly n: number
  readonly queries: readonly Proposal[]
  readonly indexed: Built
  readonly linear?: Built
}

async function prepare(n: number, queryCount: number, withLinear: boolean): Promise<Corpus> {
  process.stderr.write(`  matcher: ${n.toLocaleString('en')} proposals…\n`)
  const proposals = generate(n)
  const random = prng(SEED + n)
  const queries = Array.from(
    { length: queryCount },
    () => proposals[Math.floor(random() * n)] as Proposal,
  )
  const indexed = await build(proposals, 'indexed')
  time(indexed.matcher, queries.slice(0, 200)) // warm-up
  if (!withLinear) return { n, queries, indexed }
  const linear = await build(proposals, 'linear')
  time(linear.matcher, queries.slice(0, 3)) // warm-up
  return { n, queries, indexed, linear }
}

/** Queries of round `r` for the linear scan: a different slice each round. */
function linearSample(c: Corpus, r: number, count: number): Proposal[] {
  return c.queries.slice(r * count, (r + 1) * count)
}

/** The index must find exactly what the scan finds. */
function check(c: Corpus, sample: readonly Proposal[], linear: Timed): void {
  const indexed = time(c.indexed.matcher, sample)
  if (JSON.stringify(indexed.results) !== JSON.stringify(linear.results)) {
    throw new Error(`indexed and linear matchers disagree at ${c.n} proposals`)
  }
}

const ROUNDS = 5
const f = (x: number, digits = 1): string => x.toFixed(digits)
const range = (xs: readonly number[], digits = 1): string => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted[Math.floor(sorted.length / 2)] as number
  return `${f(sorted[0] as number, digits)} / ${f(mid, digits)} / ${f(sorted.at(-1) as number, digits)}`
}

export const run: Bench = async () => {
  const small = await prepare(10_000, 2000, true)
  const medium = await prepare(100_000, 2000, false)
  const large = await prepare(1_000_000, 2000, true)
  const LINEAR_QUERIES = { small: 100, large: 10 }
  // Per round: the 1M index (2,000 queries), the 1M linear scan (20 different queries each round),
  // the 100k index and the 10k index and scan; the order flips every round.
  const index: BenchRound[] = []
  const growth: BenchRound[] = []
  const tail: BenchRound[] = []
  const smallP99: number[] = []
  const cpuP99 = { large: [] as number[], medium: [] as number[] }
  const smallLinearP50: number[] = []
  const candidates: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    gc()
    const forward = r % 2 === 0
    const steps: (() => void)[] = []
    let big: Timed | undefined
    let mid: Timed | undefined
    let scan: Timed | undefined
    const sample = linearSample(large, r, LINEAR_QUERIES.large)
    steps.push(() => (big = time(large.indexed.matcher, large.queries)))
    steps.push(() => (scan = time(large.linear?.matcher as Matcher, sample)))
    steps.push(() => (mid = time(medium.indexed.matcher, medium.queries)))
    steps.push(() => {
      const s = time(small.indexed.matcher, small.queries)
      smallP99.push(s.p99)
      const sl = time(
        small.linear?.matcher as Matcher,
        linearSample(small, r, LINEAR_QUERIES.small),
      )
      smallLinearP50.push(sl.p50)
    })
    // A full GC before each step: the linear scan leaves a heap of garbage (and a major GC under
    // way) that would otherwise land on whichever step follows it.
    for (const step of forward ? steps : steps.reverse()) {
      gc()
      step()
    }
    if (big === undefined || mid === undefined || scan === undefined) throw new Error('unreachable')
    check(large, sample, scan)
    cpuP99.large.push(big.cpuP99)
    cpuP99.medium.push(mid.cpuP99)
    const first = forward ? 'subject' : 'baseline'
    index.push({
      value: 1e6 / big.p50,
      baselineValue: 1e6 / scan.p50,
      ratio: scan.p50 / big.p50,
      first,
      p99: big.p99,
      baselineP99: scan.p99,
    })
    growth.push({
      value: big.p50,
      baselineValue: mid.p50,
      ratio: big.p50 / mid.p50,
      first,
      p99: big.p99,
      baselineP99: mid.p99,
    })
    tail.push({ value: big.p99, baselineValue: 1000, ratio: big.p99 / 1000, first, p99: big.p99 })
    candidates.push(big.results.reduce((sum, x) => sum + x.length, 0) / big.results.length)
  }
  const bytesPerProposal = large.indexed.bytes / large.n
  const notes =
    `build (µs/proposal incl. validation) 10k ${f((small.indexed.seconds / small.n) * 1e6)}, ` +
    `100k ${f((medium.indexed.seconds / medium.n) * 1e6)}, 1M ${f((large.indexed.seconds / large.n) * 1e6)}; ` +
    `bytes/proposal (heap + ArrayBuffers) 10k ${f(small.indexed.bytes / small.n, 0)}, ` +
    `100k ${f(medium.indexed.bytes / medium.n, 0)}, 1M ${f(bytesPerProposal, 0)}; ` +
    `p50 µs min/median/max 1M ${range(growth.map((g) => g.value))}, 100k ${range(growth.map((g) => g.baselineValue))}; ` +
    `p99 µs 1M ${range(tail.map((t) => t.value))}, 100k ${range(growth.map((g) => g.baselineP99 ?? 0))}, 10k ${range(smallP99)}; ` +
    `p99 of CPU time per query µs (process.cpuUsage: excludes time the OS gave other processes, includes GC threads) 1M ${range(cpuP99.large)}, 100k ${range(cpuP99.medium)}; ` +
    `linear p50 ms 1M ${range(
      index.map((i) => 1000 / i.baselineValue),
      2,
    )}, 10k ${range(
      smallLinearP50.map((x) => x / 1000),
      2,
    )}; ` +
    `${f(candidates[0] ?? 0, 2)} matches returned/query; ` +
    `seed ${SEED}, ~250 proposals/group, limit 10, default visibility (own group), ${ROUNDS} alternating rounds of 2,000 indexed queries (linear: ${LINEAR_QUERIES.large} different queries per round at 1M), results checked equal to the linear scan every round`
  return [
    roundsResult(
      {
        name: 'matcher-index',
        unit: 'queries/s (p50, 1,000,000 proposals)',
        baseline: 'linear scan with the same rules over the same 1,000,000 proposals',
        target: 100,
        higherIsBetter: true,
        p99Unit: 'µs per query (indexed)',
        notes,
      },
      summarise(index),
    ),
    roundsResult(
      {
        name: 'matcher-growth',
        unit: 'µs p50 query at 1,000,000 proposals',
        baseline: 'p50 query at 100,000 proposals',
        target: 2,
        higherIsBetter: false,
        p99Unit: 'µs at 1M',
        notes,
      },
      summarise(growth),
    ),
    roundsResult(
      {
        name: 'matcher-p99',
        unit: 'µs p99 query at 1,000,000 proposals',
        baseline: 'budget of 1,000 µs',
        target: 1,
        higherIsBetter: false,
        p99Unit: 'µs',
        notes,
      },
      summarise(tail),
    ),
    result({
      name: 'matcher-memory',
      value: bytesPerProposal,
      unit: 'bytes per indexed proposal at 1,000,000 (heap + ArrayBuffers after GC)',
      baseline: 'budget of 300 bytes',
      baselineValue: 300,
      target: 1,
      higherIsBetter: false,
      notes,
    }),
  ]
}
