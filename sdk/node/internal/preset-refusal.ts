import { ProtocolError, isProtocolError } from '@cta-interop/sdk'

/**
 * `ERR_ADDRESS_NOT_ALLOWED` from a tool on the production preset: it says that `http:` and
 * loopback addresses are allowed only by the development preset, and how to choose it.
 */
export class PresetRefusal extends ProtocolError {
  override name = 'PresetRefusal'
  /** The preset that would allow the address. */
  readonly preset = 'development'
}

/**
 * `err` itself, or, for an `ERR_ADDRESS_NOT_ALLOWED`, a {@link PresetRefusal} that names the
 * development preset.
 * @internal
 */
export function namePreset(err: unknown): unknown {
  if (!isProtocolError(err) || err.code !== 'ERR_ADDRESS_NOT_ALLOWED') return err
  if (err instanceof PresetRefusal) return err
  return new PresetRefusal(
    'ERR_ADDRESS_NOT_ALLOWED',
    `${err.message}: the production preset reaches only public https: addresses; ` +
      'for http: and loopback during development, use createTool({ ...development(), … }) ' +
      "(preset: 'development')",
    { cause: err },
  )
}

/**
 * Runs `call`, rethrowing an address refusal as a {@link PresetRefusal}.
 * @internal
 */
export async function namingPreset<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    throw namePreset(err)
  }
}
