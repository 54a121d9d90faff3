import { DEFAULT_CLOCK_TOLERANCE, DEFAULT_MAX_EVENT_AGE } from '../events/constants.js'
import { KEY_REFETCH_INTERVAL, KEY_SET_MAX_AGE } from './key-cache-bounds.js'
import { signKeyRevocation } from './sign-key-revocation.js'
import { toJwks, type Jwks, type SigningKey } from './signing-key.js'

/** Options of {@link createKeyRing}. */
export interface KeyRingOptions {
  /** The key that signs now. */
  readonly current: SigningKey
  /**
   * How long a new key is published before it signs, in seconds: the longest receivers may cache
   * the JWKS. Serve the manifest and JWKS with {@link KeyRing.cacheControl}, which says the same.
   * Default 3,600 (the most any receiver caches, EVT-KEY-007); from 10 to 3,600.
   */
  readonly publishLead?: number
  /**
   * How long a key stays published after it last signed, in seconds: the acceptance window plus
   * the clock skew (`DEFAULT_MAX_EVENT_AGE + DEFAULT_CLOCK_TOLERANCE`), so that every event it
   * signed verifies until receivers refuse it as stale. Default and least value that sum.
   */
  readonly retainFor?: number
  /** "Now" in milliseconds, for tests. */
  readonly now?: () => number
}

/** One key of a ring and its schedule, in milliseconds since the epoch. */
export interface KeyRingEntry {
  readonly key: SigningKey
  /** When it appears in the JWKS. */
  readonly publishedAt: number
  /** When it starts signing. */
  readonly signsFrom: number
  /** When it stops signing (`Infinity` while no successor is scheduled). */
  readonly signsUntil: number
  /** When it leaves the JWKS (`Infinity` while it signs or may sign). */
  readonly unpublishedAt: number
  /** When it was revoked, if it was. */
  readonly revokedAt?: number
}

/** A tool's signing keys over time: which one signs, and which ones its JWKS publishes. */
export interface KeyRing {
  /** The key that signs at `at` (default now). @throws {TypeError} When none may sign. */
  signingKey(at?: Date): SigningKey
  /** The keys the JWKS publishes at `at` (default now). */
  published(at?: Date): SigningKey[]
  /** The JWKS to serve at `at` (default now). */
  jwks(at?: Date): Jwks
  /** The `Cache-Control` to serve the manifest and JWKS with: `max-age=<publishLead>`. */
  readonly cacheControl: string
  /**
   * Publishes `next` now and makes it sign `publishLead` later (at once when no key may sign);
   * the key signing until then is kept published for `retainFor` after that, then dropped.
   * @returns When `next` starts signing.
   * @throws {TypeError} When a rotation is already under way, or `next`'s `kid` was used before.
   */
  rotate(next: SigningKey, at?: Date): Date
  /**
   * Revokes a key in a hurry: it leaves the JWKS and stops signing at once (a scheduled successor
   * signs from now), and the returned revocation, signed with that key, is what to POST to every
   * inbox the tool delivers to.
   * @throws {TypeError} For a `kid` the ring does not hold.
   */
  revoke(kid: string, at?: Date): Promise<string>
  /** Every key the ring ever held, oldest first, with its schedule. */
  entries(): readonly KeyRingEntry[]
}

interface Slot {
  key: SigningKey
  publishedAt: number
  signsFrom: number
  signsUntil: number
  revokedAt?: number
}

/**
 * Holds a tool's signing keys through rotations and revocations, following the procedure of the
 * spec: a new key is published `publishLead` before it signs (receivers' cached JWKS copies
 * expire in that time, EVT-ROT-001), the key it replaces stays published for `retainFor` after
 * its last signature (every event it signed is then past the window, EVT-ROT-002), a `kid` is
 * never used twice (EVT-ROT-003), and a revoked key leaves the JWKS at once with a revocation to
 * send (EVT-REV-001). Serve `ring.jwks()` at the manifest's `jwks_uri` with
 * `Cache-Control: ring.cacheControl`, and sign with `ring.signingKey()`.
 *
 * @param options `current` (required), `publishLead`, `retainFor`, `now`.
 * @returns The ring.
 * @throws {TypeError} With `publishLead` outside 10–3,600 or `retainFor` below the event window
 *   plus the skew.
 * @example
 * ```ts
 * declare const leaked: import('@cta-interop/sdk').SigningKey // a key of the ring that leaked
 * const ring = createKeyRing({ current: await generateSigningKey({ origin }) })
 * const signsFrom = ring.rotate(await generateSigningKey({ origin })) // an hour from now
 * const jws = await signEvent(event, ring.signingKey()) // the old key until then
 * const served = Response.json(ring.jwks(), { headers: { 'cache-control': ring.cacheControl } }) // both keys meanwhile
 * // A leaked key: out of the JWKS at once, and a revocation for every inbox.
 * const revocation = await ring.revoke(leaked.kid)
 * ```
 * @see {@link https://w3id.org/cta/spec/events#key-rotation Spec: key rotation}
 */
export function createKeyRing(options: KeyRingOptions): KeyRing {
  const lead = (options.publishLead ?? KEY_SET_MAX_AGE) * 1000
  if (!(lead >= KEY_REFETCH_INTERVAL * 1000 && lead <= KEY_SET_MAX_AGE * 1000)) {
    throw new TypeError(
      `publishLead must be between ${KEY_REFETCH_INTERVAL} and ${KEY_SET_MAX_AGE} seconds`,
    )
  }
  const least = DEFAULT_MAX_EVENT_AGE + DEFAULT_CLOCK_TOLERANCE
  const retain = (options.retainFor ?? least) * 1000
  if (!(retain >= least * 1000)) throw new TypeError(`retainFor must be at least ${least} seconds`)
  const now = options.now ?? Date.now
  const time = (at: Date | undefined): number => at?.getTime() ?? now()
  const slots: Slot[] = [
    { key: options.current, publishedAt: -Infinity, signsFrom: -Infinity, signsUntil: Infinity },
  ]

  const revokedBy = (slot: Slot, t: number): boolean =>
    slot.revokedAt !== undefined && slot.revokedAt <= t
  const signer = (t: number): Slot | undefined =>
    slots.find((s) => !revokedBy(s, t) && s.signsFrom <= t && t < s.signsUntil)
  const published = (t: number): SigningKey[] =>
    slots
      .filter((s) => !revokedBy(s, t) && s.publishedAt <= t && t < s.signsUntil + retain)
      .map((s) => s.key)

  return {
    cacheControl: `max-age=${lead / 1000}`,
    signingKey(at) {
      const slot = signer(time(at))
      if (slot === undefined) throw new TypeError('no key may sign now: rotate to a new key')
      return slot.key
    },
    published: (at) => published(time(at)),
    jwks: (at) => toJwks(published(time(at))),
    rotate(next, at) {
      const t = time(at)
      if (slots.some((s) => s.key.kid === next.kid)) {
        throw new TypeError(`the kid ${next.kid} was used before (EVT-ROT-003)`)
      }
      const last = slots.at(-1)
      if (last !== undefined && !revokedBy(last, t) && last.signsFrom > t) {
        throw new TypeError('a rotation is under way: its key does not sign yet')
      }
      const current = signer(t)
      const signsFrom = current === undefined ? t : t + lead
      if (current !== undefined) current.signsUntil = signsFrom
      slots.push({ key: next, publishedAt: t, signsFrom, signsUntil: Infinity })
      return new Date(signsFrom)
    },
    async revoke(kid, at) {
      const t = time(at)
      const slot = slots.find((s) => s.key.kid === kid)
      if (slot === undefined) throw new TypeError(`the ring holds no key ${kid}`)
      const wasSigning = signer(t) === slot
      slot.revokedAt ??= t
      if (wasSigning) {
        slot.signsUntil = Math.min(slot.signsUntil, t)
        // The successor already published signs from now, not when it was due to.
        const next = slots.find((s) => !revokedBy(s, t) && s.signsFrom > t)
        if (next !== undefined) next.signsFrom = t
      }
      return signKeyRevocation(slot.key)
    },
    entries: () =>
      slots.map((s) => ({
        key: s.key,
        publishedAt: s.publishedAt,
        signsFrom: s.signsFrom,
        signsUntil: s.signsUntil,
        unpublishedAt: s.revokedAt ?? s.signsUntil + retain,
        ...(s.revokedAt === undefined ? {} : { revokedAt: s.revokedAt }),
      })),
  }
}
