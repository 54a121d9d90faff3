// Module resolution hooks (registered by `use-mutant-sdk.mjs`): `@cta-interop/sdk` and its subpaths
// (`/node`, `/authority`, `/schemas`, `/jsonld`) resolve through the `exports` of the planted copy's
// package.json, to the copy's files; every other specifier resolves as usual.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const NAME = '@cta-interop/sdk'
/** @type {{ root: string, exports: Record<string, unknown> } | undefined} */
let copy

/** @param {{ root: string }} data */
export function initialize(data) {
  const manifest = JSON.parse(readFileSync(join(data.root, 'package.json'), 'utf8'))
  copy = { root: data.root, exports: manifest.exports ?? {} }
}

/**
 * @param {string} specifier
 * @param {unknown} context
 * @param {(specifier: string, context: unknown) => unknown} nextResolve
 */
export function resolve(specifier, context, nextResolve) {
  if (copy === undefined || (specifier !== NAME && !specifier.startsWith(`${NAME}/`))) {
    return nextResolve(specifier, context)
  }
  const subpath = `.${specifier.slice(NAME.length)}`
  const entry = copy.exports[subpath]
  const target =
    typeof entry === 'string' ? entry : /** @type {{ default?: string }} */ (entry)?.default
  if (typeof target !== 'string') {
    throw new Error(`the planted SDK copy does not export ${specifier}`)
  }
  return { url: pathToFileURL(join(copy.root, target)).href, format: 'module', shortCircuit: true }
}
