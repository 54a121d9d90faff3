import { ProtocolError, isProtocolError } from '../errors.js'
import { KEY_SET_MAX_AGE } from './key-cache-bounds.js'
import type { ResolveKey } from './resolve-key.js'
import { verifyKeyRevocation, type VerifyKeyRevocationOptions } from './verify-key-revocation.js'

/** Options of {@link createKeyRevocationList}. */
export interface KeyRevocationListOptions {
  /**
   * How long a revocation is remembered, in seconds. Default one day; at least one hour (the
   * longest a key set may be cached, after which the key's removal from its JWKS refuses it).
   */
  readonly retention?: number
  /** Most revocations remembered; the oldest go first. Default 10,000. */
  readonly maxEntries?: number
  /** "Now" in milliseconds, for tests. */
  readonly now?: () => number
}

/** The keys a receiver refuses because their tools revoked them. */
export interface KeyRevocationList {
  /** Records a revoked `kid`; `true` when it was not yet known. */
  revoke(kid: string): boolean
  /** Whether a `kid` is revoked. */
  isRevoked(kid: string): boolean
  /** A resolver that refuses revoked `kid`s (`ERR_KEY_REVOKED`) and asks `resolveKey` otherwise. */
  guard(resolveKey: ResolveKey): ResolveKey
  /**
   * Verifies a key revocation and records it: `'revoked'` for a new one, `'known'` for a key
   * already revoked.
   * @throws {ProtocolError} The codes of {@link verifyKeyRevocation} but `ERR_KEY_REVOKED`.
   */
  receive(jws: string, options: VerifyKeyRevocationOptions): Promise<'revoked' | 'known'>
}

/**
 * Creates the list of revoked keys a receiver keeps: a key revocation a tool sends
 * ({@link signKeyRevocation}) is verified with the key it revokes and recorded, and from then on
 * every token signed with that `kid` is refused with `ERR_KEY_REVOKED`, even while the tool's JWKS,
 * or the receiver's copy of it, still holds the key. `createInbox` keeps one by default and accepts
 * revocations posted to it.
 *
 * @param options `retention`, `maxEntries`, `now`.
 * @returns The list.
 * @throws {TypeError} With `retention` below one hour.
 * @example
 * ```ts
 * declare const inboxStore: import('@cta-interop/sdk').InboxStore // createMemoryDedupeStore(), or a SQL store's inbox
 * const revocations = createKeyRevocationList()
 * const resolveKey = revocations.guard(createManifestResolver({ trustedSources, fetch }).resolveKey)
 * const handler = createInbox({
 *   resolveKey, keyRevocations: revocations, speaksFor: installations.speaksFor, inbox: inboxStore, onEvent,
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/events#EVT-REV-003 Spec: EVT-REV-003}
 */
export function createKeyRevocationList(options: KeyRevocationListOptions = {}): KeyRevocationList {
  const retention = (options.retention ?? 86_400) * 1000
  if (!(retention >= KEY_SET_MAX_AGE * 1000)) {
    throw new TypeError(`retention must be at least ${KEY_SET_MAX_AGE} seconds`)
  }
  const maxEntries = options.maxEntries ?? 10_000
  const now = options.now ?? Date.now
  /** kid → when it was revoked, oldest first. */
  const revoked = new Map<string, number>()

  const isRevoked = (kid: string): boolean => {
    const at = revoked.get(kid)
    if (at === undefined) return false
    if (now() - at < retention) return true
    revoked.delete(kid)
    return false
  }

  const revoke = (kid: string): boolean => {
    if (isRevoked(kid)) return false
    revoked.set(kid, now())
    while (revoked.size > maxEntries) {
      const oldest = revoked.keys().next().value
      if (oldest === undefined) break
      revoked.delete(oldest)
    }
    return true
  }

  const guard =
    (resolveKey: ResolveKey): ResolveKey =>
    (kid) => {
      if (revoked.size > 0 && isRevoked(kid)) {
        throw new ProtocolError('ERR_KEY_REVOKED', 'its tool revoked this key')
      }
      return resolveKey(kid)
    }

  return {
    revoke,
    isRevoked,
    guard,
    async receive(jws, verifying) {
      try {
        const { kid } = await verifyKeyRevocation(jws, {
          ...verifying,
          resolveKey: guard(verifying.resolveKey),
        })
        return revoke(kid) ? 'revoked' : 'known'
      } catch (err) {
        if (isProtocolError(err) && err.code === 'ERR_KEY_REVOKED') return 'known'
        throw err
      }
    },
  }
}
