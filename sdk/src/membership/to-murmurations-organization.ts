import { ProtocolError } from '../errors.js'
import { deepFreeze } from '../internal/freeze.js'
import type { Group, ToolInstallation } from '../schemas/index.js'

/** The Murmurations schema an exported group profile is validated against. */
export const MURMURATIONS_ORGANIZATION_SCHEMA = 'organizations_schema-v1.0.0'

/** The predicate that links an exported group to a tool it uses (an active installation). */
export const USES_TOOL = 'https://w3id.org/cta#usesTool'

/** The predicate that links an exported group to the group it is part of (`subOrganizationOf`). */
export const SUB_ORGANIZATION_OF = 'http://www.w3.org/ns/org#subOrganizationOf'

const HTTP = /^https?:\/\/\S+$/
/** An http(s) URL Murmurations takes (its URL fields allow 2000 characters, an IRI 2048). */
const isUrl = (url: string | undefined): url is string =>
  url !== undefined && url.length <= 2000 && HTTP.test(url)
/** Murmurations' `name` field allows 200 characters; a group's name may have 256. */
const NAME_LENGTH = 200

/** A Murmurations `organizations_schema-v1.0.0` profile of a group. */
export interface MurmurationsOrganization {
  /** `['organizations_schema-v1.0.0']`. */
  readonly linked_schemas: readonly string[]
  /** The group's name (shortened to 200 characters). */
  readonly name: string
  /** The group's `url`, else its IRI, when it is an http(s) URL. */
  readonly primary_url?: string
  /** The group's `summary`. */
  readonly description?: string
  /** The group's `icon`, when an http(s) URL. */
  readonly image?: string
  /** When the group was created (`published`), in Unix seconds. */
  readonly starts_at?: number
  /** The group's IRI. */
  readonly unique_id: string
  /** Where to find the group: its document, then its page in each tool it uses. */
  readonly urls: readonly { readonly name: string; readonly url: string }[]
  /** `usesTool` each tool of an active installation; `subOrganizationOf` its parent group. */
  readonly relationships: readonly { readonly predicate_url: string; readonly object_url: string }[]
}

/** Options of {@link toMurmurationsOrganization}. */
export interface ToMurmurationsOrganizationOptions {
  /** Tools' display names (from their manifests), by origin; a tool without one shows its origin. */
  readonly toolNames?: ReadonlyMap<string, string>
}

function seconds(dateTime: string | undefined): number | undefined {
  if (dateTime === undefined) return undefined
  const ms = Date.parse(dateTime)
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000)
}

/** Code points, as JSON Schema's `maxLength` counts them. */
function codePoints(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}

/** The name cut to whole characters (grapheme clusters) and an ellipsis, when it is too long. */
function shorten(name: string): string {
  if (codePoints(name) <= NAME_LENGTH) return name
  let kept = ''
  let length = 0
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(
    name,
  )) {
    const n = codePoints(segment)
    if (length + n > NAME_LENGTH - 1) break
    kept += segment
    length += n
  }
  return `${kept}…`
}

/**
 * Exports a public group and the tools it uses as a Murmurations `organizations_schema-v1.0.0`
 * profile, so that public directories can find it. Only what the group's document makes public
 * leaves it: its name, summary, page, icon, creation date and parent group, and, for each active
 * installation of the group, the tool's origin and the group's page there. Nothing about its
 * members: no roster, no member IRI or name, not who installed a tool, not its scopes. A group
 * whose `visibility` is not `public` is refused as if it did not exist: an `unlisted` group is
 * found only by those given its address, a `secret` one only by the tools installed in it.
 *
 * @param group The group's document, as its authority holds it.
 * @param installations The group's installations (its `tools` collection); those not `active`, or
 *   of another group, are left out.
 * @param options `toolNames`.
 * @returns The profile, frozen; it validates against Murmurations' published schema.
 * @throws {ProtocolError} `ERR_NOT_FOUND` when the group's `visibility` is not `public`.
 * @example
 * ```ts
 * import { toMurmurationsOrganization } from '@cta-interop/sdk'
 * const profile = toMurmurationsOrganization(group, await store.listInstallations(group.id))
 * // host it at a profile URL, then POST that URL to a Murmurations index
 * ```
 * @see {@link https://w3id.org/cta/spec/membership#MEM-DIR-001 Spec: MEM-DIR-001}
 */
export function toMurmurationsOrganization(
  group: Group,
  installations: readonly ToolInstallation[],
  options: ToMurmurationsOrganizationOptions = {},
): MurmurationsOrganization {
  if (group.visibility !== 'public') {
    throw new ProtocolError('ERR_NOT_FOUND', 'no public group to export')
  }
  const primary = [group.url, group.id].find(isUrl)
  const tools = installations.filter(
    (i) => i.installationStatus === 'active' && i.organization === group.id && isUrl(i.tool),
  )
  const urls: { name: string; url: string }[] = []
  const seen = new Set<string>()
  const addUrl = (name: string, url: string | undefined) => {
    if (!isUrl(url) || seen.has(url)) return
    seen.add(url)
    urls.push({ name, url })
  }
  addUrl('CTA group', group.id)
  for (const i of tools) addUrl(options.toolNames?.get(i.tool) ?? i.tool, i.url ?? i.tool)
  const relationships = [...new Set(tools.map((i) => i.tool))].map((tool) => ({
    predicate_url: USES_TOOL,
    object_url: tool,
  }))
  if (isUrl(group.subOrganizationOf)) {
    relationships.push({ predicate_url: SUB_ORGANIZATION_OF, object_url: group.subOrganizationOf })
  }
  const icon = group.icon?.url
  const startsAt = seconds(group.published)
  const profile = {
    linked_schemas: [MURMURATIONS_ORGANIZATION_SCHEMA],
    name: shorten(group.name),
    ...(primary === undefined ? {} : { primary_url: primary }),
    ...(group.summary === undefined ? {} : { description: group.summary }),
    ...(isUrl(icon) ? { image: icon } : {}),
    ...(startsAt === undefined ? {} : { starts_at: startsAt }),
    unique_id: group.id,
    urls,
    relationships,
  }
  return deepFreeze(profile)
}
