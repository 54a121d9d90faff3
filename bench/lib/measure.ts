import { cpus } from 'node:os'

/** One round of an alternating measurement: subject and baseline measured back to back. */
export interface BenchRound {
  readonly value: number
  readonly baselineValue: number
  /** `value / baselineValue` in this round. */
  readonly ratio: number
  /** Which of the two ran first in this round. */
  readonly first: 'subject' | 'baseline'
  /** The subject's 99th percentile in this round, where the figure has one. */
  readonly p99?: number
  readonly baselineP99?: number
  /** Anything else the round measured (status codes, errors…), kept in the JSON. */
  readonly detail?: unknown
  readonly baselineDetail?: unknown
}

/** One benchmark figure, as written to `bench/results/<name>.json`. */
export interface BenchResult {
  readonly name: string
  /** The subject's value; with `rounds`, the median over the rounds. */
  readonly value: number
  readonly unit: string
  readonly baseline: string
  /** The baseline's value; with `rounds`, the median over the rounds. */
  readonly baselineValue: number
  /** `value / baselineValue`; with `rounds`, the median of the per-round ratios (`ratioMedian`). */
  readonly ratio: number
  /** The ratio this figure should reach, or `null` where it is only reported. */
  readonly target: number | null
  readonly higherIsBetter: boolean
  readonly notes?: string
  /** Every round of an alternating measurement, raw values included. */
  readonly rounds?: readonly BenchRound[]
  /** Smallest, median and largest per-round ratio; the target is checked against the median. */
  readonly ratioMin?: number
  readonly ratioMedian?: number
  readonly ratioMax?: number
  /** The subject's and the baseline's 99th percentile (median over rounds), in `p99Unit`. */
  readonly p99?: number
  readonly baselineP99?: number
  readonly p99Unit?: string
}

/** A benchmark module: `bench/<name>.bench.ts` exports `run`. */
export type Bench = () => Promise<BenchResult[]>

/** The median of `xs` (the mean of the two middle values for an even count); 0 when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** The `p`-th percentile (0–100, nearest rank) of `xs`; 0 when empty. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0
  const sorted = [...xs].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] as number
}

/** What one side of a round measured: a number, or a number with its p99 and other details. */
export type Measured = number | { value: number; p99?: number; detail?: unknown }

/** Subject and baseline measured in alternating order over several rounds. */
export interface Alternated {
  readonly rounds: readonly BenchRound[]
  /** Median of the subject's values and of the baseline's values. */
  readonly value: number
  readonly baselineValue: number
  readonly ratioMin: number
  readonly ratioMedian: number
  readonly ratioMax: number
  readonly p99?: number
  readonly baselineP99?: number
}

/**
 * Measures `subject` and `baseline` alternately for `rounds` rounds (at least 3), the baseline
 * first in even rounds and the subject first in odd ones, and returns every round's values and
 * ratio (`subject / baseline`) with their min / median / max. `warmup` runs each once, unrecorded,
 * before the first round. Each function gets the round's index (to pick fresh input, restart a
 * server…) and returns its figure (e.g. operations per second, or milliseconds).
 */
export async function alternate(
  subject: (round: number) => Promise<Measured> | Measured,
  baseline: (round: number) => Promise<Measured> | Measured,
  { rounds = 3, warmup = false }: { rounds?: number; warmup?: boolean } = {},
): Promise<Alternated> {
  if (!Number.isInteger(rounds) || rounds < 3) throw new Error('alternate needs at least 3 rounds')
  const split = (m: Measured) => (typeof m === 'number' ? { value: m } : m)
  if (warmup) {
    await baseline(-1)
    await subject(-1)
  }
  const out: BenchRound[] = []
  for (let round = 0; round < rounds; round++) {
    const first = round % 2 === 0 ? 'baseline' : 'subject'
    let s: Exclude<Measured, number>
    let b: Exclude<Measured, number>
    if (first === 'baseline') {
      b = split(await baseline(round))
      s = split(await subject(round))
    } else {
      s = split(await subject(round))
      b = split(await baseline(round))
    }
    out.push({
      value: s.value,
      baselineValue: b.value,
      ratio: s.value / b.value,
      first,
      ...(s.p99 === undefined ? {} : { p99: s.p99 }),
      ...(b.p99 === undefined ? {} : { baselineP99: b.p99 }),
      ...(s.detail === undefined ? {} : { detail: s.detail }),
      ...(b.detail === undefined ? {} : { baselineDetail: b.detail }),
    })
  }
  return summarise(out)
}

/** Min / median / max of rounds measured elsewhere (e.g. by a child process). */
export function summarise(rounds: readonly BenchRound[]): Alternated {
  const ratios = rounds.map((r) => r.ratio)
  const p99s = rounds.flatMap((r) => (r.p99 === undefined ? [] : [r.p99]))
  const baseP99s = rounds.flatMap((r) => (r.baselineP99 === undefined ? [] : [r.baselineP99]))
  return {
    rounds,
    value: median(rounds.map((r) => r.value)),
    baselineValue: median(rounds.map((r) => r.baselineValue)),
    ratioMin: Math.min(...ratios),
    ratioMedian: median(ratios),
    ratioMax: Math.max(...ratios),
    ...(p99s.length === 0 ? {} : { p99: median(p99s) }),
    ...(baseP99s.length === 0 ? {} : { baselineP99: median(baseP99s) }),
  }
}

/**
 * Alternating rounds of {@link opsPerSecond}: each round measures `subject` and `baseline` for
 * `seconds` each (in alternating order) and returns operations per second. Both first run
 * unrecorded for `warmupSeconds` each (JIT; default `seconds`).
 */
export async function alternateOps(
  subject: () => unknown,
  baseline: () => unknown,
  {
    rounds = 5,
    seconds = 1,
    warmupSeconds = seconds,
    batch = 1,
    baselineBatch = batch,
  }: {
    rounds?: number
    seconds?: number
    warmupSeconds?: number
    batch?: number
    baselineBatch?: number
  } = {},
): Promise<Alternated> {
  await opsPerSecond(baseline, { seconds: warmupSeconds, rounds: 1, batch: baselineBatch })
  await opsPerSecond(subject, { seconds: warmupSeconds, rounds: 1, batch })
  return alternate(
    () => opsPerSecond(subject, { seconds, rounds: 3, batch }),
    () => opsPerSecond(baseline, { seconds, rounds: 3, batch: baselineBatch }),
    { rounds },
  )
}

/**
 * Runs `fn` repeatedly for about `seconds` and returns operations per second: the median of
 * `rounds` timed rounds, after a warm-up round. `fn` may do `batch` operations per call.
 */
export async function opsPerSecond(
  fn: () => unknown,
  {
    seconds = 1,
    rounds = 5,
    batch = 1,
  }: { seconds?: number; rounds?: number; batch?: number } = {},
): Promise<number> {
  const round = async (budgetMs: number): Promise<number> => {
    let ops = 0
    const start = performance.now()
    let elapsed = 0
    while (elapsed < budgetMs) {
      const r = fn()
      if (r instanceof Promise) await r
      ops += batch
      elapsed = performance.now() - start
    }
    return (ops / elapsed) * 1000
  }
  await round((seconds * 1000) / rounds)
  const results: number[] = []
  for (let i = 0; i < rounds; i++) results.push(await round((seconds * 1000) / rounds))
  return median(results)
}

/** Builds a result with its ratio. */
export function result(fields: Omit<BenchResult, 'ratio'>): BenchResult {
  return { ...fields, ratio: fields.value / fields.baselineValue }
}

/**
 * Builds a result from alternating rounds: value and baseline are the medians, the ratio is the
 * median per-round ratio (what the target is checked against), and every round is kept.
 */
export function roundsResult(
  fields: Omit<
    BenchResult,
    | 'ratio'
    | 'value'
    | 'baselineValue'
    | 'rounds'
    | 'ratioMin'
    | 'ratioMedian'
    | 'ratioMax'
    | 'p99'
    | 'baselineP99'
  >,
  measured: Alternated,
): BenchResult {
  return {
    ...fields,
    value: measured.value,
    baselineValue: measured.baselineValue,
    ratio: measured.ratioMedian,
    ratioMin: measured.ratioMin,
    ratioMedian: measured.ratioMedian,
    ratioMax: measured.ratioMax,
    ...(measured.p99 === undefined ? {} : { p99: measured.p99 }),
    ...(measured.baselineP99 === undefined ? {} : { baselineP99: measured.baselineP99 }),
    rounds: measured.rounds,
  }
}

/** The machine a run happened on, written beside the results. */
export function environment(): Record<string, string | number> {
  return {
    node: process.version,
    openssl: process.versions.openssl,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    date: new Date().toISOString(),
  }
}
