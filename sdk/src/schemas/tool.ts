import { Type, type Static } from '@sinclair/typebox'
import {
  Document,
  Image,
  Iri,
  LIMITS,
  Link,
  Name,
  NameMap,
  ORIGIN_PATTERN,
  Ref,
  StringEnum,
  Summary,
  SummaryMap,
} from './common.js'

/** A CloudEvents `type`: reverse-DNS, lower case, e.g. `tech.collaborative.membership.joined`. */
export const EventType = Type.String({
  pattern: '^[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)+$',
  maxLength: 128,
})
/** An event type, or a prefix of one ending in `.*`. */
export const EventTypePattern = Type.String({
  pattern: '^[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)*(\\.\\*)?$',
  maxLength: 128,
})
/** The conformance profiles a tool can claim. */
export const Profile = StringEnum([
  'core',
  'emitter',
  'receiver',
  'group-authority',
  'group-auth-relying-tool',
  'intent-exchange',
  'decisions',
  'budgeting',
  'mutual-credit',
  'tasks',
] as const)
export type Profile = Static<typeof Profile>

/**
 * What a tool publishes at `/.well-known/cta-tool`: who it is, where its keys and endpoints are,
 * which events it emits and consumes, and which conformance profiles it claims.
 * @see {@link https://w3id.org/cta/spec/documents#tool-manifest Spec: ToolManifest}
 */
export const ToolManifest = Document(
  'tool-manifest',
  {
    id: Type.String({
      format: 'iri',
      pattern: ORIGIN_PATTERN,
      maxLength: 2048,
      description: "The tool's origin: scheme, host and optional port, no path.",
    }),
    type: Type.Literal('Application'),
    name: Name,
    nameMap: Type.Optional(NameMap),
    summary: Type.Optional(Summary),
    summaryMap: Type.Optional(SummaryMap),
    url: Type.Optional(Link),
    icon: Type.Optional(Ref(Image)),
    jwks_uri: Iri,
    authority: Type.Optional(Iri),
    inbox: Type.Optional(Iri),
    subscriptions: Type.Optional(Iri),
    feed: Type.Optional(Iri),
    /** The member export endpoint (spec/export.md), when the tool exports members' data. */
    export: Type.Optional(Iri),
    emits: Type.Array(EventType, { maxItems: LIMITS.list, uniqueItems: true }),
    consumes: Type.Array(EventTypePattern, { maxItems: LIMITS.list, uniqueItems: true }),
    // Every tool claims `core` (spec/index.md, conformance classes).
    profiles: Type.Array(Profile, {
      minItems: 1,
      maxItems: 10,
      uniqueItems: true,
      contains: Type.Literal('core'),
    }),
  },
  {
    title: 'ToolManifest',
    description:
      "A tool's manifest, served at /.well-known/cta-tool. Its `id` is the tool's origin and equals the `source` of the events it emits.",
  },
)
export type ToolManifest = Static<typeof ToolManifest>
