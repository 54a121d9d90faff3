// validate-document: validateDocument over every example document, against JSON.parse of the same
// bytes (the cheapest thing a receiver must do anyway). Target: validating costs no more than
// parsing (ratio ≥ 1 in throughput).
import { readFileSync } from 'node:fs'
import { validateDocument, type DocumentKind } from '@cta-interop/sdk'
import { opsPerSecond, result, type Bench } from './lib/measure.js'

interface Entry {
  file: string
  kind: DocumentKind
}

const root = new URL('../examples/documents/', import.meta.url)
const entries = ['manifest.json', 'events/manifest.json'].flatMap(
  (m) => (JSON.parse(readFileSync(new URL(m, root), 'utf8')) as { examples: Entry[] }).examples,
)
const texts = entries.map((e) => readFileSync(new URL(e.file, root), 'utf8'))
const docs = texts.map((t) => JSON.parse(t) as unknown)
const options = entries.map((e) => (e.kind === 'MembershipAssertionClaims' ? { kind: e.kind } : {}))

export const run: Bench = async () => {
  const validate = await opsPerSecond(
    () => {
      for (let i = 0; i < docs.length; i++) {
        if (!validateDocument(docs[i], options[i]).valid) throw new Error(entries[i]?.file)
      }
    },
    { batch: docs.length },
  )
  const parse = await opsPerSecond(
    () => {
      for (const text of texts) JSON.parse(text)
    },
    { batch: texts.length },
  )
  return [
    result({
      name: 'validate-document',
      value: validate,
      unit: 'documents/s',
      baseline: 'JSON.parse of the same documents',
      baselineValue: parse,
      target: 1,
      higherIsBetter: true,
      notes: `${docs.length} example documents, dispatch on type`,
    }),
  ]
}
