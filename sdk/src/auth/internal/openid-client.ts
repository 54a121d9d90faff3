import type * as OpenIdClient from 'openid-client'

// `openid-client` (and `oauth4webapi` under it) is loaded on the first call of a function that
// talks to an authority, not when the SDK is imported: a receiver that only verifies events never
// loads it.
let loaded: Promise<typeof OpenIdClient> | undefined
let module: typeof OpenIdClient | undefined

/**
 * `openid-client`, imported on first use.
 * @internal
 */
export function openidClient(): Promise<typeof OpenIdClient> {
  loaded ??= import('openid-client').then((m) => (module = m))
  return loaded
}

/**
 * `openid-client` if it has been loaded, else `undefined` (then nothing it throws can be at hand).
 * @internal
 */
export function loadedOpenidClient(): typeof OpenIdClient | undefined {
  return module
}
