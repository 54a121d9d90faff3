import { readFile } from 'node:fs/promises'
import { isProtocolError, validateDocument, type DocumentKind } from '@cta-interop/sdk'
import { checkJsonLd } from '@cta-interop/sdk/jsonld'

const DOCUMENTS = new URL('../documents/', import.meta.url)
const MANIFESTS = ['manifest.json', 'events/manifest.json']
/** Kinds without a `type` of their own are validated by name. */
const NAMED_KINDS = new Set<DocumentKind>(['MembershipAssertionClaims'])
/** Kinds that are plain JSON, not JSON-LD. */
const PLAIN_JSON = new Set<DocumentKind>(['MembershipAssertionClaims'])

interface Entry {
  readonly file: string
  readonly kind: DocumentKind
  /** The code a twin is rejected with; `ERR_SCHEMA_INVALID` when absent. */
  readonly error?: string
  readonly instancePath?: string
  readonly keyword?: string
}

/** What happened to one example document. */
export interface DocumentCheck {
  readonly file: string
  readonly expected: 'valid' | 'invalid'
  readonly kind: string
  /** What the schema check found: `valid`, or the keyword and path of the first issue. */
  readonly schema: string
  /** What the JSON-LD check found (`-` where not applicable). */
  readonly jsonLd: string
  /** Did the outcome match what the manifest says? */
  readonly ok: boolean
}

async function load(file: string): Promise<unknown> {
  return JSON.parse(await readFile(new URL(file, DOCUMENTS), 'utf8')) as unknown
}

async function jsonLdVerdict(kind: DocumentKind, doc: unknown): Promise<string> {
  if (PLAIN_JSON.has(kind)) return '-'
  try {
    await checkJsonLd(doc)
    return 'expands'
  } catch (err) {
    if (isProtocolError(err)) return err.code
    throw err
  }
}

/**
 * Validates every example document and every invalid twin listed in the manifests under
 * `examples/documents`, through the SDK's public entry points only.
 */
export async function checkDocuments(): Promise<DocumentCheck[]> {
  const checks: DocumentCheck[] = []
  for (const manifestFile of MANIFESTS) {
    const manifest = (await load(manifestFile)) as { examples: Entry[]; invalid: Entry[] }
    for (const [expected, entries] of [
      ['valid', manifest.examples],
      ['invalid', manifest.invalid],
    ] as const) {
      for (const entry of entries) {
        const doc = await load(entry.file)
        const result = validateDocument(
          doc,
          NAMED_KINDS.has(entry.kind) ? { kind: entry.kind } : {},
        )
        const issue = result.valid ? undefined : result.issues[0]
        const schema = issue ? `${issue.keyword} at '${issue.instancePath}'` : 'valid'
        const jsonLd = expected === 'valid' ? await jsonLdVerdict(entry.kind, doc) : '-'
        const ok =
          expected === 'valid'
            ? result.valid && result.kind === entry.kind && !jsonLd.startsWith('ERR_')
            : issue !== undefined &&
              !result.valid &&
              result.code === (entry.error ?? 'ERR_SCHEMA_INVALID') &&
              issue.keyword === entry.keyword &&
              issue.instancePath === entry.instancePath
        checks.push({ file: entry.file, expected, kind: result.kind ?? '?', schema, jsonLd, ok })
      }
    }
  }
  return checks
}
