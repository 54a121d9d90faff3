/**
 * The plain-JSON shapes of the protocol's HTTP exchanges, which are not JSON-LD documents: the feed
 * answer, the payloads of subscription requests and request tokens, the problem document and the
 * installations collection. Their member names are not terms of the CTA context, so they do not
 * reserve extension prefixes (EXT-CTX-002).
 * @see {@link https://w3id.org/cta/spec/delivery#feed Spec: feed}
 */
import { Type, type Static } from '@sinclair/typebox'
import { NumericDate } from './assertion.js'
import { Context, DateTime, Iri, LIMITS, Link, Ref, schemaId } from './common.js'
import { EmbeddedToolInstallation } from './group.js'

/** A compact JWS (three base64url parts), at most 96 KiB: an event as its producer signed it. */
const CompactJws = Type.String({
  pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
  maxLength: 96 * 1024,
})

/** A single-use id (`jti`): 1 to 64 characters, no control characters. */
const Jti = Type.String({
  minLength: 1,
  maxLength: LIMITS.token,
  pattern: '^[^\\u0000-\\u001F\\u007F]+$',
})

/** An event type, or a prefix of one ending in `.*` (the pattern of a manifest's `consumes`). */
const EventTypeOrPattern = Type.String({
  maxLength: 128,
  pattern: '^[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)*(\\.\\*)?$',
})

/**
 * A feed's answer: a page of a group's events after a cursor, oldest first, and the cursor past the
 * last of them (`null` only when `items` is empty).
 * @see {@link https://w3id.org/cta/spec/delivery#DLV-FED-001 Spec: DLV-FED-001}
 */
export const FeedPage = Type.Object(
  {
    items: Type.Array(CompactJws, { maxItems: LIMITS.page }),
    next: Type.Union([Type.String({ minLength: 1, maxLength: 1024 }), Type.Null()]),
  },
  {
    $id: schemaId('feed-page'),
    additionalProperties: false,
    title: 'FeedPage',
    description:
      "A feed's answer: the group's events after the cursor as compact JWS, oldest first, and `next`, the cursor past the last item (null only when there is none).",
  },
)
export type FeedPage = Static<typeof FeedPage>

/**
 * The payload of a subscription request (a compact JWS with `typ: cta-subscription+jws`).
 * @see {@link https://w3id.org/cta/spec/delivery#subscriptions Spec: subscriptions}
 */
export const SubscriptionRequestPayload = Type.Object(
  {
    protocol: Type.Literal('HTTP'),
    sink: Link,
    types: Type.Optional(
      Type.Array(EventTypeOrPattern, { minItems: 1, maxItems: 64, uniqueItems: true }),
    ),
    filters: Type.Array(
      Type.Object(
        { exact: Type.Object({ group: Iri }, { additionalProperties: false }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1 },
    ),
    expires: Type.Optional(DateTime),
    aud: Type.String({ minLength: 1, maxLength: LIMITS.iri }),
    iat: NumericDate,
    jti: Jti,
  },
  {
    $id: schemaId('subscription-request'),
    additionalProperties: false,
    title: 'SubscriptionRequestPayload',
    description:
      'The payload of a signed subscription request: the sink, the group (one exact filter), optional event types and expiry, the producer it is for, when it was signed and a single-use id.',
  },
)
export type SubscriptionRequestPayload = Static<typeof SubscriptionRequestPayload>

/**
 * The payload of a request token (a compact JWS with `typ: cta-request+jws`), after RFC 9449's
 * DPoP proof: the request's method and URL without query or fragment, when it was signed, and a
 * single-use id.
 * @see {@link https://w3id.org/cta/spec/delivery#DLV-REQ-001 Spec: DLV-REQ-001}
 */
export const RequestTokenPayload = Type.Object(
  {
    htm: Type.String({ pattern: '^[A-Z]{1,16}$' }),
    // No pattern against a query here: a token whose htu differs from the request URL in any way
    // (a query included) is ERR_UNAUTHORIZED (DLV-REQ), decided by comparing it, not by shape;
    // and no IRI format or length cap below the token's own 4 KiB (DLV-LIM-003): it must equal
    // the URL requested, which is checked next.
    htu: Type.String({ maxLength: 4096, pattern: '^https?://' }),
    iat: NumericDate,
    jti: Jti,
  },
  {
    $id: schemaId('request-token'),
    additionalProperties: false,
    title: 'RequestTokenPayload',
    description:
      'The payload of a request token: method (htm), URL without query or fragment (htu), when it was signed (iat) and a single-use id (jti).',
  },
)
export type RequestTokenPayload = Static<typeof RequestTokenPayload>

/** One place where a document fails its schema, as a problem's `issues` lists it. */
const ProblemIssue = Type.Object(
  {
    instancePath: Type.String({ maxLength: LIMITS.iri }),
    keyword: Type.String({ minLength: 1, maxLength: LIMITS.token }),
    message: Type.Optional(Type.String({ maxLength: LIMITS.summary })),
  },
  { additionalProperties: true },
)

/**
 * An RFC 9457 problem document as CTA answers every rejection: the problem type URI of an error
 * code, the HTTP status, the code itself in `code` and, for `ERR_SCHEMA_INVALID`, the `issues`.
 * Open, as RFC 9457 §3.2 allows extension members.
 * @see {@link https://w3id.org/cta/spec/errors#ERR-REG-001 Spec: ERR-REG-001}
 */
export const ProblemDocument = Type.Object(
  {
    type: Type.String({ format: 'iri', maxLength: LIMITS.iri }),
    title: Type.Optional(Type.String({ maxLength: LIMITS.name })),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.Optional(Type.String({ maxLength: 4096 })),
    instance: Type.Optional(Type.String({ maxLength: LIMITS.iri })),
    code: Type.String({ pattern: '^ERR_[A-Z0-9_]+$', maxLength: LIMITS.token }),
    issues: Type.Optional(Type.Array(ProblemIssue, { maxItems: LIMITS.list })),
  },
  {
    $id: schemaId('problem'),
    additionalProperties: true,
    title: 'ProblemDocument',
    description:
      "An application/problem+json rejection (RFC 9457): type is the code's problem type URI, code repeats the error code, issues lists schema failures.",
  },
)
export type ProblemDocument = Static<typeof ProblemDocument>

/**
 * A group's tool installations as its authority serves them at the group's `tools` URL: an
 * ActivityStreams `OrderedCollection` of installations without their `@context`.
 * @see {@link https://w3id.org/cta/spec/membership#MEM-INS-001 Spec: MEM-INS-001}
 */
export const InstallationCollection = Type.Object(
  {
    '@context': Type.Optional(Context),
    id: Type.Optional(Iri),
    type: Type.Literal('OrderedCollection'),
    totalItems: Type.Optional(Type.Integer({ minimum: 0 })),
    orderedItems: Type.Array(Ref(EmbeddedToolInstallation), { maxItems: LIMITS.page }),
  },
  {
    $id: schemaId('installation-collection'),
    additionalProperties: false,
    title: 'InstallationCollection',
    description:
      "A group's tool installations, as its authority serves them at the group's tools URL: an OrderedCollection of ToolInstallation without @context.",
  },
)
export type InstallationCollection = Static<typeof InstallationCollection>

/** The protocol's plain-JSON shapes, by kind (part of `documentSchemas`). */
export const protocolSchemas = {
  FeedPage,
  SubscriptionRequestPayload,
  RequestTokenPayload,
  ProblemDocument,
  InstallationCollection,
} as const

/** The kind of one of the protocol's plain-JSON shapes. */
export type ProtocolSchemaKind = keyof typeof protocolSchemas
