/** Loading the vector files, and the digest that pins a run to them. */
import { createHash } from 'node:crypto'
import { readFile, readdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { join, relative } from 'node:path'
import type { Vector } from './types.js'

/** The suite's own directory (conformance/). */
export const SUITE_DIR = fileURLToPath(new URL('..', import.meta.url))
/** Where the vector files live. */
export const VECTORS_DIR = join(SUITE_DIR, 'vectors')

/** A vector and the file it came from, relative to the vectors directory. */
export interface LoadedVector {
  readonly file: string
  readonly vector: Vector
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const files: string[] = []
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await walk(path)))
    else if (entry.name.endsWith('.json')) files.push(path)
  }
  return files
}

/**
 * Loads every vector file under `dir`, sorted by path, and the sha256 digest over their paths and
 * bytes (`sha256:<hex>`).
 */
export async function loadVectors(
  dir: string = VECTORS_DIR,
): Promise<{ vectors: LoadedVector[]; digest: string }> {
  const files = (await walk(dir)).sort()
  const hash = createHash('sha256')
  const vectors: LoadedVector[] = []
  for (const path of files) {
    const bytes = await readFile(path)
    const file = relative(dir, path).split('\\').join('/')
    hash.update(`${file}\n`).update(bytes).update('\n')
    vectors.push({ file, vector: JSON.parse(bytes.toString('utf8')) as Vector })
  }
  return { vectors, digest: `sha256:${hash.digest('hex')}` }
}

/** The suite's version: the conformance package's version. */
export async function suiteVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(SUITE_DIR, 'package.json'), 'utf8')) as {
    version: string
  }
  return pkg.version
}
