// Copies what the published packages carry from the repository root into the package being packed
// (runs as `prepack` in sdk/ and conformance/, with the package directory as the working directory):
// the licence, the JSON Schemas (schemas/v1/*.json) and the JSON-LD context (schemas/context/v1.jsonld).
// The package's exports map serves them as `<package>/schemas/v1/<name>.json` and
// `<package>/context/v1.jsonld`, the same paths as their w3id.org addresses.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const pkg = process.cwd()
const assets = join(pkg, 'assets')

rmSync(assets, { recursive: true, force: true })
mkdirSync(join(assets, 'schemas/v1'), { recursive: true })
mkdirSync(join(assets, 'context'), { recursive: true })

const schemas = readdirSync(join(root, 'schemas/v1')).filter((f) => f.endsWith('.json'))
if (schemas.length === 0) throw new Error('no JSON Schemas in schemas/v1')
for (const file of schemas) {
  copyFileSync(join(root, 'schemas/v1', file), join(assets, 'schemas/v1', file))
}
copyFileSync(join(root, 'schemas/context/v1.jsonld'), join(assets, 'context/v1.jsonld'))
copyFileSync(join(root, 'LICENSE'), join(pkg, 'LICENSE'))
process.stderr.write(
  `package-assets: ${schemas.length} schemas, the context and LICENSE into ${pkg}\n`,
)
