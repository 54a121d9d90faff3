import { cpus } from 'node:os'

/** One benchmark figure, as written to `bench/results/<name>.json`. */
export interface BenchResult {
  readonly name: string
  readonly value: number
  readonly unit: string
  readonly baseline: string
  readonly baselineValue: number
  /** `value / baselineValue`. */
  readonly ratio: number
  /** The ratio this figure should reach, or `null` where it is only reported. */
  readonly target: number | null
  readonly higherIsBetter: boolean
  readonly notes?: string
}

/** A benchmark module: `bench/<name>.bench.ts` exports `run`. */
export type Bench = () => Promise<BenchResult[]>

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
  results.sort((a, b) => a - b)
  return results[Math.floor(results.length / 2)] ?? 0
}

/** Builds a result with its ratio. */
export function result(fields: Omit<BenchResult, 'ratio'>): BenchResult {
  return { ...fields, ratio: fields.value / fields.baselineValue }
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
