// Event-loop delay with a same-run control: on a shared machine the OS alone delays the loop by
// several milliseconds, so a stall figure means something only beside the same histogram taken
// over a loop that does nothing but yield, for as long, in the same run.
import { monitorEventLoopDelay } from 'node:perf_hooks'

/** Event-loop delay over one measured stretch, in milliseconds. */
export interface LoopDelay {
  readonly p50: number
  readonly p99: number
  readonly max: number
  /** How long the stretch took. */
  readonly ms: number
}

const histogramOf = async (fn: () => Promise<unknown>): Promise<LoopDelay> => {
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  histogram.enable()
  const start = performance.now()
  await fn()
  const ms = performance.now() - start
  histogram.disable()
  return {
    p50: histogram.percentile(50) / 1e6,
    p99: histogram.percentile(99) / 1e6,
    max: histogram.max / 1e6,
    ms,
  }
}

/** The event-loop delay (`monitorEventLoopDelay`, 1 ms resolution) while `fn` runs. */
export function loopDelayDuring(fn: () => Promise<unknown>): Promise<LoopDelay> {
  return histogramOf(fn)
}

/**
 * The control: the same histogram over a loop that only yields (`setImmediate`) for `ms`
 * milliseconds, i.e. the delay the machine alone adds.
 */
export function idleLoopDelay(ms: number): Promise<LoopDelay> {
  return histogramOf(async () => {
    const start = performance.now()
    while (performance.now() - start < ms) {
      await new Promise<void>((resolve) => {
        setImmediate(resolve)
      })
    }
  })
}
