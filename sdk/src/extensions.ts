/**
 * The rules of extension members and extension contexts as data, shared by the schema generator
 * (which writes them into every closed schema) and the context checks (which run them before the
 * schema). Kept free of TypeBox so that the main entry can use them.
 * @see {@link https://w3id.org/cta/spec/extensibility Spec: how the protocol grows}
 * @internal
 */
/**
 * The name of an extension member (EXT-MEM-001): a compact IRI `prefix:local`, whose prefix an
 * extension context of the same document declares. No CTA term contains a colon, so a closed
 * schema tells an extension member from a typo of a CTA member by its name alone. The generator
 * adds it as `patternProperties` to every closed object schema, so every document kind, present
 * and future, accepts declared extension members without a change of its own.
 * @see {@link https://w3id.org/cta/spec/extensibility#EXT-MEM-001 Spec: extension members}
 */
export const EXTENSION_MEMBER_PATTERN = '^[a-z][a-z0-9]{0,31}:[A-Za-z_][A-Za-z0-9_.-]{0,127}$'

/** The name of a prefix an extension context defines (EXT-CTX-002). */
export const EXTENSION_PREFIX_PATTERN = '^[a-z][a-z0-9]{0,31}$'

/**
 * What a prefix of an extension context may not expand under (EXT-CTX-002): CTA's own namespaces
 * and context IRIs (`https://w3id.org/cta#`, `https://w3id.org/cta/v1`, …), except the namespace a
 * later minor version publishes its additions in, `https://w3id.org/cta/1.<minor>#` (EXT-VER-001).
 * The namespaces the pinned contexts bind (ActivityStreams, ORG, ValueFlows, …) are refused too;
 * the generator lists them from the contexts themselves.
 */
export const CTA_RESERVED_IRI_PATTERN = '^https?://w3id\\.org/cta(?!/1\\.[1-9][0-9]{0,3}#$)'

/** A minor version's own namespace, e.g. `https://w3id.org/cta/1.1#` (EXT-VER-001). */
export const MINOR_VERSION_NAMESPACE_PATTERN = '^https://w3id\\.org/cta/1\\.([1-9][0-9]{0,3})#$'

/** At most this many extension contexts follow the pinned ones, each with at most this many prefixes. */
export const EXTENSION_LIMITS = Object.freeze({ contexts: 4, prefixes: 32 })
