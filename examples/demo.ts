// `npm run demo`: runs what CTA Interop can do today, for real, and reports it.
// Today that is the document model: every example document is validated through the SDK's public
// entry points, every invalid twin must be rejected where its manifest says, and every JSON-LD
// document must expand with the bundled contexts only. Exits 1 if anything is not as expected.
import { checkDocuments } from './src/check-documents.js'
import { table } from './src/table.js'

const checks = await checkDocuments()
console.log('CTA Interop demo: example documents\n')
console.log(
  table(
    ['document', 'expected', 'kind', 'schema', 'JSON-LD', 'result'],
    checks.map((c) => [c.file, c.expected, c.kind, c.schema, c.jsonLd, c.ok ? 'ok' : 'UNEXPECTED']),
  ),
)
const count = (expected: string, ok: boolean): number =>
  checks.filter((c) => c.expected === expected && c.ok === ok).length
const failed = checks.filter((c) => !c.ok)
console.log(
  `\n${count('valid', true)} valid documents accepted and expanded, ` +
    `${count('invalid', true)} invalid twins rejected where expected, ` +
    `${failed.length} unexpected results.`,
)
process.exitCode = failed.length === 0 ? 0 : 1
