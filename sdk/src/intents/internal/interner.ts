/**
 * A reference-counted table of distinct values (strings, BigInts) and small integer ids, so that a
 * column of a million proposals holds 4-byte ids instead of pointers to a million objects, and a
 * value no proposal uses any more is forgotten.
 * @internal
 */
export interface Interner<K> {
  /** The id of `value`, adding it (or counting one more use). */
  acquire(value: K): number
  /** Counts one use less of `id`; the value is forgotten with its last use. */
  release(id: number): void
  /** The value of a held id. */
  value(id: number): K
  /** The id of `value` if held, else -1 (counts nothing). */
  find(value: K): number
}

/** Creates an empty {@link Interner}. @internal */
export function createInterner<K>(): Interner<K> {
  const ids = new Map<K, number>()
  const values: (K | undefined)[] = []
  const refs: number[] = []
  const free: number[] = []
  return {
    acquire(value) {
      let id = ids.get(value)
      if (id !== undefined) {
        refs[id] = (refs[id] ?? 0) + 1
        return id
      }
      id = free.pop() ?? values.length
      ids.set(value, id)
      values[id] = value
      refs[id] = 1
      return id
    },
    release(id) {
      const left = (refs[id] ?? 0) - 1
      refs[id] = left
      if (left > 0) return
      ids.delete(values[id] as K)
      values[id] = undefined
      free.push(id)
    },
    value(id) {
      return values[id] as K
    },
    find(value) {
      return ids.get(value) ?? -1
    },
  }
}
