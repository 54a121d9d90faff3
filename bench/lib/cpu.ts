// CPU time per item of a measured round, for the verification benches: on a shared 2-core
// machine the CPU each side spends per item is steadier than its wall-clock rate.
import type { BenchRound } from './measure.js'
import { median } from './measure.js'

/** `measure`'s figure, with the CPU time of every thread of the process per item, in µs. */
export async function withCpu(
  count: number,
  measure: () => Promise<number>,
): Promise<{ value: number; detail: { cpuMicrosPerItem: number } }> {
  const before = process.cpuUsage()
  const value = await measure()
  const used = process.cpuUsage(before)
  return { value, detail: { cpuMicrosPerItem: (used.user + used.system) / count } }
}

/** The subject's and the baseline's median CPU µs per item over the rounds, as a sentence. */
export function cpuPerItem(rounds: readonly BenchRound[]): string {
  const of = (d: unknown): number => (d as { cpuMicrosPerItem: number }).cpuMicrosPerItem
  const ours = median(rounds.map((r) => of(r.detail)))
  const raw = median(rounds.map((r) => of(r.baselineDetail)))
  return `CPU per item (all threads, median of rounds): ${ours.toFixed(1)} µs vs raw ${raw.toFixed(1)} µs`
}
