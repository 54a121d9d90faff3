import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './documents.js'

export interface Packed {
  /** The package's name, e.g. `@cta-interop/sdk`. */
  readonly name: string
  /** The path of the .tgz that `npm pack` wrote. */
  readonly tarball: string
  /** Every path in the tarball, relative to the package root. */
  readonly files: readonly string[]
}

/**
 * Packs a workspace (`sdk` or `conformance`) with `npm pack`, which runs its `prepack` script, into
 * a new temporary directory. Uses what is in the workspace now: build the SDK first, and hold
 * `/tmp/cta-build.lock` so that no other build empties sdk/dist meanwhile.
 */
export function packWorkspace(workspace: 'sdk' | 'conformance'): Packed {
  const destination = mkdtempSync(join(tmpdir(), `cta-pack-${workspace}-`))
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: `${ROOT}${workspace}`,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const [info] = JSON.parse(out) as [{ name: string; filename: string; files: { path: string }[] }]
  return {
    name: info.name,
    tarball: join(destination, info.filename),
    files: info.files.map((f) => f.path),
  }
}

/**
 * Unpacks tarballs into `node_modules` of a new project directory outside the repository, as
 * `npm install <tarball>` would place them, and returns the project directory. Dependencies
 * listed in `links` are symlinked from the repository's node_modules (no network).
 */
export function installTarballs(packed: readonly Packed[], links: readonly string[] = []): string {
  const project = mkdtempSync(join(tmpdir(), 'cta-consumer-'))
  for (const p of packed) {
    const target = join(project, 'node_modules', p.name)
    mkdirSync(target, { recursive: true })
    execFileSync('tar', ['-xzf', p.tarball, '-C', target, '--strip-components=1'])
  }
  for (const dep of links) {
    const target = join(project, 'node_modules', dep)
    mkdirSync(join(target, '..'), { recursive: true })
    execFileSync('ln', ['-s', `${ROOT}node_modules/${dep}`, target])
  }
  return project
}
