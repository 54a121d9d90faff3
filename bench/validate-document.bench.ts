// validate-document: validateDocument over every example document, against JSON.parse of the same
// bytes (the cheapest thing a receiver must do anyway). Target: validating costs no more than
// parsing (ratio ≥ 1 in throughput). Validating and parsing alternate over 5 rounds (1 s each,
// after 5 s of warm-up each); the target is checked against the median per-round ratio.
import { readFileSync } from 'node:fs'
import { validateDocument, type DocumentKind } from '@cta-interop/sdk'
import { alternateOps, roundsResult, type Bench } from './lib/measure.js'

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
  const measured = await alternateOps(
    () => {
      for (let i = 0; i < docs.length; i++) {
        if (!validateDocument(docs[i], options[i]).valid) throw new Error(entries[i]?.file)
      }
    },
    () => {
      for (const text of texts) JSON.parse(text)
    },
    // The validators reach their steady speed only after a few seconds of JIT.
    { batch: docs.length, rounds: 5, warmupSeconds: 5 },
  )
  return [
    roundsResult(
      {
        name: 'validate-document',
        unit: 'documents/s',
        baseline: 'JSON.parse of the same documents',
        target: 1,
        higherIsBetter: true,
        notes: `${docs.length} example documents, dispatch on type; 5 alternating rounds of 1 s each after 5 s of warm-up each, target on the median ratio`,
      },
      measured,
    ),
  ]
}
