// `npm run schemas`: writes every generated artifact (see generate.ts) into the repository.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateArtifacts } from './generate.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const artifacts = generateArtifacts()

// Remove schema files whose source is gone, so that the directory mirrors the source exactly.
for (const dir of ['schemas/v1']) {
  const existing = await readdir(join(root, dir)).catch(() => [] as string[])
  for (const file of existing) {
    if (!artifacts.has(`${dir}/${file}`)) await rm(join(root, dir, file))
  }
}
for (const [path, content] of artifacts) {
  await mkdir(dirname(join(root, path)), { recursive: true })
  await writeFile(join(root, path), content)
}
console.log(`wrote ${artifacts.size} files`)
