import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { SUITE_DIR } from '../../src/vectors.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020

/** A validator for one of the suite's own schemas under conformance/schemas/. */
export function schemaValidator(name: 'vector' | 'report') {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true })
  addFormats(ajv)
  const schema = JSON.parse(
    readFileSync(join(SUITE_DIR, 'schemas', `${name}.schema.json`), 'utf8'),
  ) as object
  return ajv.compile(schema)
}
