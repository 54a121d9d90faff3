import {
  Type,
  type Static,
  type TLiteral,
  type TObject,
  type TSchema,
  type TUnion,
  type TUnsafe,
} from '@sinclair/typebox'

import { AS2_CONTEXT, CTA_CONTEXT, SCHEMA_BASE } from '../constants.js'

export { AS2_CONTEXT, CONTEXT, CTA_CONTEXT, CTA_NAMESPACE, SCHEMA_BASE } from '../constants.js'

/**
 * A `$ref` to a schema that has an `$id`, typed as that schema (TypeBox 0.34's recommended
 * replacement for the deprecated `Type.Ref(schema)`).
 */
export function Ref<T extends TSchema>(schema: T): TUnsafe<Static<T>> {
  if (schema.$id === undefined) throw new TypeError('Ref() needs a schema with an $id')
  return Type.Unsafe<Static<T>>(Type.Ref(schema.$id))
}

/** Length limits shared by every schema (see spec/documents.md, "Limits"). */
export const LIMITS = Object.freeze({
  iri: 2048,
  name: 256,
  summary: 280,
  content: 10_000,
  token: 64,
  shortList: 16,
  list: 100,
  page: 1000,
})

/** The `$id` of the schema called `name` (kebab-case). */
export function schemaId(name: string): string {
  return `${SCHEMA_BASE}${name}.json`
}

/** An absolute IRI (RFC 3987), at most 2048 characters. */
export const Iri = Type.String({ format: 'iri', maxLength: LIMITS.iri })
/** A tool's origin: `https:` or `http:`, a host and an optional port; no path, query or user. */
export const ORIGIN_PATTERN = '^https?://[^/?#@\\s]+$'
/** A tool's origin as an IRI ({@link ORIGIN_PATTERN}): a manifest's `id`, an event's `source`. */
export const Origin = Type.String({ format: 'iri', pattern: ORIGIN_PATTERN, maxLength: LIMITS.iri })
/** An RFC 3339 date-time with a time zone, e.g. `2026-08-20T09:12:44Z`. */
export const DateTime = Type.String({ format: 'date-time', maxLength: 64 })
/**
 * What every display string (names, summaries, tag names) may not contain (DOC-TEXT-001): the
 * explicit bidirectional formatting characters (embeddings and overrides U+202A–U+202E, isolates
 * U+2066–U+2069), which reorder what a reader sees (U+202E shows `RUE` as "EUR"), and the
 * invisible U+200B (zero width space), U+2060 (word joiner) and U+FEFF. The joiners U+200C and
 * U+200D stay allowed: Persian, Indic scripts and emoji sequences need them.
 */
export const DISPLAY_TEXT_PATTERN = '^[^\\u202A-\\u202E\\u2066-\\u2069\\u200B\\u2060\\uFEFF]*$'
/**
 * What a currency `symbol` may not contain (DOC-TEXT-001): what no display string may, and also
 * control characters, the joiners and marks U+200C–U+200F, U+061C and U+2061–U+2064, so that a
 * symbol that looks like another is another.
 */
export const SYMBOL_PATTERN =
  '^[^\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]+$'
/** A display name: one line of plain text, without bidi controls or invisible characters. */
export const Name = Type.String({
  minLength: 1,
  maxLength: LIMITS.name,
  pattern: DISPLAY_TEXT_PATTERN,
})
/** A plain-text summary of at most 280 characters, without bidi controls or invisible characters. */
export const Summary = Type.String({
  minLength: 1,
  maxLength: LIMITS.summary,
  pattern: DISPLAY_TEXT_PATTERN,
})
/**
 * What a member a renderer turns into a link or loads as an image must begin with (DOC-RND-002):
 * the scheme `https` or `http`, in lower case, and an authority. `javascript:`, `data:`, `file:`
 * and every other scheme are refused.
 */
export const LINK_PATTERN = '^https?://'
/** A link or image URL: an IRI ({@link Iri}) whose scheme is `https` or `http` (DOC-RND-002). */
export const Link = Type.String({ format: 'iri', maxLength: LIMITS.iri, pattern: LINK_PATTERN })
/**
 * A language tag as a key of a natural-language map (DOC-LANG-001): the shape of a BCP 47 tag,
 * a primary language subtag of 2 to 8 letters then subtags of 1 to 8 letters or digits, at most
 * 35 characters in all (the lookahead holds the length, so one pattern says everything).
 */
export const LANGUAGE_TAG_PATTERN = '^(?=.{2,35}$)[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$'
/** How many languages one natural-language map may hold. */
export const LANGUAGE_MAP_LIMIT = 32
/**
 * An ActivityStreams natural-language map (`nameMap`, `summaryMap`): language tags mapped to
 * the same text as the plain member holds in that language (DOC-LANG-001). A TypeBox record
 * (`patternProperties`, no other members), so TypeBox's own `Value.Check` and the generated
 * validators check the same thing.
 */
function LanguageMap<T extends TSchema>(value: T) {
  return Type.Record(Type.String({ pattern: LANGUAGE_TAG_PATTERN }), value, {
    minProperties: 1,
    maxProperties: LANGUAGE_MAP_LIMIT,
    additionalProperties: false,
  })
}
/** `nameMap`: a {@link Name} per language. */
export const NameMap = LanguageMap(Name)
/** `summaryMap`: a {@link Summary} per language. */
export const SummaryMap = LanguageMap(Summary)
/** Longer text (HTML or plain), at most 10,000 characters. */
export const Content = Type.String({ maxLength: LIMITS.content })
/**
 * A non-negative decimal amount as a string: digits and an optional fraction; no sign, no
 * exponent, no thousands separators, no leading zeros. At most 30 integer and 30 fraction digits.
 */
export const Decimal = Type.String({
  pattern: '^(0|[1-9][0-9]{0,29})(\\.[0-9]{1,30})?$',
  maxLength: 61,
})
/** A short machine token such as an enum value from a tool's own vocabulary. */
export const Token = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.:-]*$', maxLength: LIMITS.token })

/** A list of distinct IRIs, at most `maxItems` long. */
export function IriList(maxItems: number = LIMITS.list) {
  return Type.Array(Iri, { maxItems, uniqueItems: true })
}

/**
 * The exact, pinned context: `["https://www.w3.org/ns/activitystreams", "https://w3id.org/cta/v1"]`.
 * Generated JSON Schema uses `prefixItems` (2020-12) for it.
 */
export const Context = Type.Tuple([Type.Literal(AS2_CONTEXT), Type.Literal(CTA_CONTEXT)])

/** A string-valued enum, as a union of literals (published as JSON Schema `enum`). */
export function StringEnum<const T extends readonly string[]>(
  values: T,
): TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }> {
  return Type.Union(values.map((value) => Type.Literal(value))) as never
}

/**
 * An image, as AS2 `Image` with a URL, and its text alternative in `name`, which a renderer
 * uses as the image's `alt` (DOC-RND-003).
 */
export const Image = Type.Object(
  {
    type: Type.Literal('Image'),
    url: Link,
    mediaType: Type.Optional(Type.String({ maxLength: 127 })),
    name: Name,
    nameMap: Type.Optional(NameMap),
  },
  { $id: schemaId('image'), additionalProperties: false, title: 'Image' },
)

/** AS2 actor types an actor reference may have. */
export const ActorType = StringEnum([
  'Person',
  'Application',
  'Service',
  'Group',
  'Organization',
] as const)

/** A reference to a person or other actor, with the name a dashboard shows. */
export const ActorRef = Type.Object(
  {
    id: Iri,
    type: ActorType,
    name: Name,
    nameMap: Type.Optional(NameMap),
  },
  { $id: schemaId('actor-ref'), additionalProperties: false, title: 'ActorRef' },
)
export type ActorRef = Static<typeof ActorRef>

/** A reference to a member, whose name may be withheld (thin payloads for private rosters). */
export const MemberRef = Type.Object(
  {
    id: Iri,
    type: Type.Literal('Person'),
    name: Type.Optional(Name),
    nameMap: Type.Optional(NameMap),
  },
  { $id: schemaId('member-ref'), additionalProperties: false, title: 'MemberRef' },
)
export type MemberRef = Static<typeof MemberRef>

/** A hashtag or other AS2 tag. */
export const Tag = Type.Object(
  {
    type: StringEnum(['Hashtag', 'Mention'] as const),
    name: Type.String({ minLength: 1, maxLength: 128, pattern: DISPLAY_TEXT_PATTERN }),
    href: Type.Optional(Link),
  },
  { additionalProperties: false },
)

/** Wraps properties as a top-level CTA document: pinned `@context`, closed, with a `$id`. */
export function Document<P extends Record<string, TSchema>>(
  name: string,
  properties: P,
  options: { title: string; description: string },
): TObject<{ '@context': typeof Context } & P> {
  return Type.Object(
    { '@context': Context, ...properties },
    { $id: schemaId(name), additionalProperties: false, ...options },
  )
}

export {
  CTA_RESERVED_IRI_PATTERN,
  EXTENSION_LIMITS,
  EXTENSION_MEMBER_PATTERN,
  EXTENSION_PREFIX_PATTERN,
  MINOR_VERSION_NAMESPACE_PATTERN,
} from '../extensions.js'
