import { CompactSign } from 'jose'
import type { SigningKey } from '../keys/signing-key.js'
import { SUBSCRIPTION_JWS_TYP } from './constants.js'

/** What a tool asks for when it subscribes to a producer's events. */
export interface SubscriptionRequest {
  /** The inbox to deliver to: on the subscriber's own origin. */
  readonly sink: string
  /** The group whose events are wanted. */
  readonly group: string
  /** Event types or `prefix.*` patterns; absent means every type. */
  readonly types?: readonly string[]
  /**
   * When the subscription is to end at the latest (RFC 3339); the producer may end it sooner (at
   * most 90 days after it is created). Absent: the producer's longest lifetime.
   */
  readonly expires?: string
}

/** Options of {@link signSubscriptionRequest}. */
export interface SignSubscriptionRequestOptions {
  /** The producer's origin: the request is valid there only. */
  readonly audience: string
  /** "Now", for tests. */
  readonly currentDate?: Date
  /** The single-use token id. Default: a random UUID. */
  readonly jti?: string
}

const encoder = new TextEncoder()

/**
 * Signs a subscription request: a compact JWS (`typ: cta-subscription+jws`, header exactly
 * `{ alg, kid, typ }`) whose payload is the CloudEvents Subscriptions API request
 * `{ protocol: "HTTP", sink, types, filters: [{ exact: { group } }], expires }` with `aud` (the producer's
 * origin), `iat` and a single-use `jti`. The producer finds the key through the subscriber's tool
 * manifest, so the key's `kid` must be `<subscriber origin>#…`.
 *
 * @param request The sink, the group and the event types.
 * @param key The subscribing tool's signing key.
 * @param options `audience` (required), `currentDate`, `jti`.
 * @returns The compact JWS: the body of the `POST` to the producer's subscriptions endpoint.
 * @throws {TypeError} When `audience` is not an origin.
 * @example
 * ```ts
 * const body = await signSubscriptionRequest(
 *   { sink: 'https://dashboard.example/cta/inbox', group, types: ['tech.collaborative.membership.*'] },
 *   key,
 *   { audience: 'https://decisions.example' },
 * )
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#subscription-requests Spec: subscription requests}
 */
export async function signSubscriptionRequest(
  request: SubscriptionRequest,
  key: SigningKey,
  options: SignSubscriptionRequestOptions,
): Promise<string> {
  if (!URL.canParse(options.audience) || new URL(options.audience).origin !== options.audience) {
    throw new TypeError('audience must be an origin, such as https://decisions.example')
  }
  const payload = {
    protocol: 'HTTP',
    sink: request.sink,
    ...(request.types === undefined ? {} : { types: request.types }),
    filters: [{ exact: { group: request.group } }],
    ...(request.expires === undefined ? {} : { expires: request.expires }),
    aud: options.audience,
    iat: Math.floor((options.currentDate ?? new Date()).getTime() / 1000),
    jti: options.jti ?? crypto.randomUUID(),
  }
  return new CompactSign(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: SUBSCRIPTION_JWS_TYP })
    .sign(key.privateKey)
}
