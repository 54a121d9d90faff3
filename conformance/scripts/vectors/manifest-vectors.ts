// The example documents of one profile's folder under examples/documents/ (its manifest.json lists
// each example and each invalid twin) as validateDocument vectors. Shared by the profile modules
// registered in ../generate-vectors.ts.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { SingleExpectation, Vector } from '../../src/types.js'

export type Built = Vector & { dir: string }

/** What the generator lends this module: where the examples are, and its vector builder. */
export interface ProfileVectorTools {
  readonly examples: string
  readonly vector: (
    fields: Omit<Vector, '$schema' | 'profiles' | 'level'> & { dir: string },
  ) => Built
}

interface ManifestEntry {
  readonly file: string
  readonly kind: string
  readonly title?: string
  readonly defect?: string
  readonly twinOf?: string
  readonly error?: string
  readonly instancePath?: string
  readonly keyword?: string
  readonly requirements: string[]
}

/**
 * The example documents of one profile's folder under examples/documents/ and their twins, as
 * validateDocument vectors `<prefix>.doc.valid.*` and `<prefix>.doc.invalid.*`.
 */
export async function manifestVectors(
  tools: ProfileVectorTools,
  folder: string,
  prefix: string,
): Promise<Built[]> {
  const read = async (file: string): Promise<unknown> =>
    JSON.parse(await readFile(join(tools.examples, file), 'utf8')) as unknown
  const manifest = (await read(`${folder}/manifest.json`)) as {
    examples: ManifestEntry[]
    invalid: ManifestEntry[]
  }
  const slug = (file: string): string =>
    file
      .replace(`${folder}/`, '')
      .replace(/^invalid\//, '')
      .replace(/\.json$/, '')
  const dir = `${folder}/documents`
  const out: Built[] = []
  for (const entry of manifest.examples) {
    out.push(
      tools.vector({
        dir,
        id: `${prefix}.doc.valid.${slug(entry.file)}`,
        title: entry.title ?? entry.file,
        requirements: entry.requirements,
        operation: 'validateDocument',
        flags: ['Valid'],
        input: { document: await read(entry.file) },
        expected: { valid: true, kind: entry.kind },
        informative: { source: `examples/documents/${entry.file}` },
      }),
    )
  }
  for (const entry of manifest.invalid) {
    const expected: SingleExpectation =
      entry.error !== undefined
        ? { error: entry.error }
        : {
            error: 'ERR_SCHEMA_INVALID',
            issue: { instancePath: entry.instancePath ?? '', keyword: entry.keyword ?? '' },
          }
    out.push(
      tools.vector({
        dir,
        id: `${prefix}.doc.invalid.${slug(entry.file)}`,
        title: `Rejects: ${entry.defect ?? entry.file}`,
        requirements: entry.requirements,
        operation: 'validateDocument',
        flags: [entry.error === undefined ? 'SchemaViolation' : 'ContextViolation'],
        input: { document: await read(entry.file) },
        expected,
        informative: {
          source: `examples/documents/${entry.file}`,
          ...(entry.twinOf === undefined ? {} : { twinOf: `examples/documents/${entry.twinOf}` }),
        },
      }),
    )
  }
  return out
}
