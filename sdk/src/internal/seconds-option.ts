/** A caller's option out of the range the spec allows: a bug in the calling code, not bad input. */
export interface OptionRangeError extends RangeError {
  /** Always `ERR_OUT_OF_RANGE`, as Node names the same mistake. */
  readonly code: 'ERR_OUT_OF_RANGE'
}

/**
 * Reads an option given in seconds, refusing a value outside `[min, max]` (or not a finite number)
 * rather than silently honouring or clamping it: an option that widens what a MUST allows is a
 * bug in the caller's configuration and must surface at once.
 * @param value The option as passed (`undefined` when absent).
 * @param name The option's name, for the message.
 * @param min The least value allowed.
 * @param max The greatest value allowed: the spec's limit.
 * @param fallback The value when absent.
 * @returns The seconds to use.
 * @throws {RangeError} With `code: 'ERR_OUT_OF_RANGE'`.
 * @internal
 */
export function secondsOption(
  value: unknown,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const error = new RangeError(`options.${name} must be from ${min} to ${max} seconds`)
    throw Object.assign(error, { code: 'ERR_OUT_OF_RANGE' as const }) as OptionRangeError
  }
  return value
}
