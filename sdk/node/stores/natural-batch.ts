/** A call waiting for the batch it joined. */
interface Waiting<T> {
  readonly item: T
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

/**
 * Batches calls without a timer: the first call runs `flush` at once, and every call made while a
 * flush runs joins the next one, so a lone call waits for nothing while calls arriving together
 * share one statement (and one commit). Each call settles with its batch: resolved when `flush`
 * resolved, rejected with its error otherwise.
 *
 * @param flush Runs one batch of items (at most `max`), in the order they were queued.
 * @param max Most items per batch.
 * @returns A function that queues an item and resolves when its batch is done.
 * @internal
 */
export function naturalBatch<T>(
  flush: (items: readonly T[]) => Promise<void>,
  max: number,
): (item: T) => Promise<void> {
  let queue: Waiting<T>[] = []
  let running = false
  const drain = async (): Promise<void> => {
    running = true
    while (queue.length > 0) {
      const batch = queue.slice(0, max)
      queue = queue.slice(batch.length)
      try {
        await flush(batch.map((waiting) => waiting.item))
        for (const waiting of batch) waiting.resolve()
      } catch (error) {
        for (const waiting of batch) waiting.reject(error)
      }
    }
    running = false
  }
  return (item) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ item, resolve, reject })
      if (!running) void drain()
    })
}
