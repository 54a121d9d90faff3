import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CITED_REQUIREMENTS, generate } from '../scripts/generate-vectors.js'
import { loadVectors, SUITE_DIR } from '../src/vectors.js'
import { schemaValidator } from './helpers/ajv.js'

const { vectors } = await loadVectors()

describe('the vector files', () => {
  it('exist, of every kind', () => {
    const dirs = new Set(vectors.map((v) => v.file.split('/').slice(0, 2).join('/')))
    expect([...dirs].sort()).toEqual([
      'assertions/invalid',
      'assertions/replay',
      'assertions/valid',
      'budgeting/documents',
      'budgeting/rounds',
      'credit/balances',
      'credit/documents',
      'decisions/documents',
      'decisions/privacy',
      'decisions/tally',
      'delivery/request-tokens',
      'delivery/subscriptions',
      'documents/invalid',
      'documents/valid',
      'events/invalid',
      'events/replay',
      'events/valid',
      'export/invalid',
      'export/valid',
      'intents/amounts',
      'intents/documents',
      'intents/matching',
      'membership/ordering',
      'privacy/events',
      'privacy/roster',
      'tasks/documents',
      'tasks/history',
    ])
  })

  it('validate against conformance/schemas/vector.schema.json', () => {
    const validate = schemaValidator('vector')
    const invalid = vectors
      .filter(({ vector }) => !validate(vector))
      .map(({ file }) => `${file}: ${JSON.stringify(validate.errors)}`)
    expect(invalid).toEqual([])
  })

  it('have unique IDs, each the name of its file', () => {
    const ids = vectors.map((v) => v.vector.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const { file, vector } of vectors) expect(basename(file)).toBe(`${vector.id}.json`)
  })

  it('cite only requirements the spec defines, with the profiles and level the registry gives', () => {
    const registryPath = join(SUITE_DIR, 'requirements.json')
    const registry = existsSync(registryPath)
      ? (
          JSON.parse(readFileSync(registryPath, 'utf8')) as {
            requirements: { id: string; level: string; profiles: string[] }[]
          }
        ).requirements
      : undefined
    for (const { vector } of vectors) {
      for (const id of vector.requirements) expect(CITED_REQUIREMENTS, id).toHaveProperty([id])
    }
    if (registry === undefined) return
    const byId = new Map(registry.map((r) => [r.id, r]))
    for (const [id, { profiles, level }] of Object.entries(CITED_REQUIREMENTS)) {
      const entry = byId.get(id)
      expect(entry, `${id} is not in conformance/requirements.json`).toBeDefined()
      expect(entry?.level, id).toBe(level)
      expect([...(entry?.profiles ?? [])].sort(), id).toEqual([...profiles].sort())
    }
  })

  it('give negative vectors an error code and positive ones a kind', () => {
    for (const { vector } of vectors) {
      const expected = 'sequence' in vector.expected ? vector.expected.sequence : [vector.expected]
      for (const e of expected) {
        if ('error' in e) expect(e.error).toMatch(/^ERR_[A-Z_]+$/)
        else expect(e.kind).not.toBe('')
      }
    }
  })

  it('carry no private key material in their inputs', () => {
    for (const { file } of vectors) {
      const text = readFileSync(join(SUITE_DIR, 'vectors', file), 'utf8')
      expect(text.includes('"d":'), file).toBe(false)
    }
  })
})

describe('regeneration', () => {
  const dirs: string[] = []
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  it('writes byte-identical keys and vectors (run `npm run vectors` when this fails)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cta-vectors-'))
    dirs.push(out)
    const count = await generate(out)
    expect(count).toBe(vectors.length)
    const fresh = await loadVectors(join(out, 'vectors'))
    expect(fresh.vectors.map((v) => v.file)).toEqual(vectors.map((v) => v.file))
    const drifted: string[] = []
    for (const { file } of vectors) {
      const [a, b] = await Promise.all([
        readFile(join(SUITE_DIR, 'vectors', file), 'utf8'),
        readFile(join(out, 'vectors', file), 'utf8'),
      ])
      if (a !== b) drifted.push(file)
    }
    expect(drifted).toEqual([])
    for (const key of [
      'decisions',
      'decisions-next',
      'budgeting',
      'intruder',
      'attacker',
      'decisions-p256',
    ]) {
      const name = `${key}.private.jwk.json`
      expect(await readFile(join(out, 'keys', name), 'utf8'), name).toBe(
        await readFile(join(SUITE_DIR, 'keys', name), 'utf8'),
      )
    }
  })
})
