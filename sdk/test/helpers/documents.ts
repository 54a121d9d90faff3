import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { DocumentKind } from '../../src/index.js'

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const DOCUMENTS = `${ROOT}examples/documents/`

export interface ExampleEntry {
  readonly file: string
  readonly kind: DocumentKind
  readonly title: string
  /** Requirement IDs this document satisfies. */
  readonly requirements: readonly string[]
}
export interface TwinEntry {
  readonly file: string
  readonly twinOf: string
  readonly kind: DocumentKind
  readonly defect: string
  /** The code it is rejected with; `ERR_SCHEMA_INVALID` when absent. */
  readonly error?: 'ERR_JSONLD_UNSAFE' | 'ERR_JSONLD_CONTEXT_UNKNOWN'
  readonly instancePath: string
  readonly keyword: string
  /** Requirement IDs this document breaks. */
  readonly requirements: readonly string[]
}

/** Kinds that have no `type` of their own and must be named when validating. */
export const NAMED_KINDS: ReadonlySet<string> = new Set([
  'MembershipAssertionClaims',
  'FeedPage',
  'SubscriptionRequestPayload',
  'RequestTokenPayload',
  'ProblemDocument',
  'InstallationCollection',
])

/** Validation options for an entry: dispatch on `type`, unless its kind has none. */
export function optionsFor(kind: DocumentKind): { kind?: DocumentKind } {
  return NAMED_KINDS.has(kind) ? { kind } : {}
}
interface Manifest {
  readonly examples: readonly ExampleEntry[]
  readonly invalid: readonly TwinEntry[]
}

function manifests(): Manifest[] {
  return [
    'manifest.json',
    'events/manifest.json',
    'budgeting/manifest.json',
    'decisions/manifest.json',
    'credit/manifest.json',
    'tasks/manifest.json',
    'protocol/manifest.json',
  ]
    .filter((file) => existsSync(DOCUMENTS + file))
    .map((file) => JSON.parse(readFileSync(DOCUMENTS + file, 'utf8')) as Manifest)
}

/** Every valid example document listed in the manifests. */
export const examples: readonly ExampleEntry[] = manifests().flatMap((m) => m.examples)
/** Every invalid twin listed in the manifests. */
export const twins: readonly TwinEntry[] = manifests().flatMap((m) => m.invalid)

/** Reads an example document (path relative to examples/documents). */
export function loadDocument(file: string): unknown {
  return JSON.parse(readFileSync(DOCUMENTS + file, 'utf8')) as unknown
}
