import { CONTEXT } from '../constants.js'
import { deepFreeze } from '../internal/freeze.js'
import type { ToolManifest } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'

/** The path every tool serves its manifest at (RFC 8615 well-known URI). */
export const TOOL_MANIFEST_PATH = '/.well-known/cta-tool'

/** What {@link createToolManifest} takes: the manifest's members, with sensible defaults. */
export type CreateToolManifestOptions = Omit<
  ToolManifest,
  '@context' | 'type' | 'emits' | 'consumes' | 'profiles'
> &
  Partial<Pick<ToolManifest, 'emits' | 'consumes' | 'profiles'>>

/**
 * Creates a tool manifest, to serve at `/.well-known/cta-tool`. `emits` and `consumes` default to
 * empty lists and `profiles` to `["core"]`.
 *
 * @param options The tool's `id` (its origin), `name`, `jwks_uri` and endpoints.
 * @returns The frozen, schema-valid manifest.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the result would not validate (for example an
 *   `id` with a path).
 * @example
 * ```ts
 * const manifest = createToolManifest({
 *   id: 'https://decisions.example', name: 'Decisions',
 *   jwks_uri: 'https://decisions.example/.well-known/jwks.json',
 *   inbox: 'https://decisions.example/cta/inbox',
 *   emits: ['tech.collaborative.membership.joined'], profiles: ['core', 'emitter'],
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/documents#tool-manifest Spec: tool manifest}
 */
export function createToolManifest(options: CreateToolManifestOptions): ToolManifest {
  const manifest = {
    '@context': CONTEXT,
    type: 'Application',
    ...options,
    emits: options.emits ?? [],
    consumes: options.consumes ?? [],
    profiles: options.profiles ?? ['core'],
  }
  return deepFreeze(assertValid(structuredClone(manifest), { kind: 'ToolManifest' }))
}
