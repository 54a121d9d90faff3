import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { generateArtifacts } from '../scripts/generate.js'
import { ROOT } from './helpers/documents.js'

describe('generated artifacts', () => {
  const artifacts = generateArtifacts()

  it.each([...artifacts.keys()])(
    '%s matches its TypeBox source (run `npm run schemas`)',
    (path) => {
      expect(readFileSync(ROOT + path, 'utf8')).toBe(artifacts.get(path))
    },
  )

  it('leaves no stale schema file behind', () => {
    const stale = readdirSync(`${ROOT}schemas/v1`)
      .map((file) => `schemas/v1/${file}`)
      .filter((path) => !artifacts.has(path))
    expect(stale).toEqual([])
  })

  it('writes each schema at the path its $id names', () => {
    for (const [path, content] of artifacts) {
      if (!path.startsWith('schemas/v1/')) continue
      const schema = JSON.parse(content) as { $id: string; $schema: string }
      expect(schema.$id).toBe(`https://w3id.org/cta/${path}`)
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    }
  })

  it('generates validators that neither require() nor compile code', () => {
    const code = artifacts.get('sdk/src/validate/generated/validators.js') ?? ''
    expect(code).not.toMatch(/\brequire\(|new Function|\beval\(/)
  })
})
