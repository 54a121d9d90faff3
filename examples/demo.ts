// `npm run demo`: runs what CTA Interop can do today, for real, and reports it.
// 1. The document model: every example document is validated through the SDK's public entry
//    points, every invalid twin must be rejected where its manifest says, and every JSON-LD
//    document must expand with the bundled contexts only.
// 2. The example tools: a decisions tool (the group's authority and OpenID Provider), a budgeting
//    tool whose members sign in with their group, and a dashboard run on 127.0.0.1 through a
//    scripted scenario; every line of the summary is computed.
// 3. The conformance suite runs live against both tools (`cta-conformance live`, as a separate
//    process, through their test-only control API) and writes its reports under
//    conformance/reports/latest/<tool>/.
// Exits 1 if anything is not as expected or any claimed profile does not conform. `npm run demo -- --keep` leaves the servers running.
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { checkDocuments } from './src/check-documents.js'
import { allConformant, exampleTools, runConformance } from './src/conformance.js'
import { runScenario, scenarioChecks } from './src/scenario.js'
import { table } from './src/table.js'
import { useNatsStores } from './src/store-choice.js'

const keep = process.argv.includes('--keep')
// `--store nats`: every tool keeps its feed and deliveries on NATS JetStream, on a nats-server
// started here in a temporary directory.
const storeArg = process.argv.indexOf('--store')
const storeKind = storeArg < 0 ? 'memory' : process.argv[storeArg + 1]
if (storeKind !== 'memory' && storeKind !== 'nats') {
  console.error(`--store must be memory or nats, not ${String(storeKind)}`)
  process.exit(2)
}
const nats = storeKind === 'nats' ? await useNatsStores() : undefined
if (nats !== undefined) console.log(`Delivery stores on NATS JetStream at ${nats.url}`)
const checks = await checkDocuments()
console.log('CTA Interop demo\n\n1. Example documents\n')
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

console.log('\n2. Decisions, Budgeting and a dashboard, on 127.0.0.1\n')
const started = Date.now()
// The tools mount the test-only conformance control API with this token, for this run only.
const token = randomBytes(32).toString('base64url')
const scenario = await runScenario(
  (text) => {
    console.log(`  [${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}`)
  },
  { controlToken: token },
)
const o = scenario.outcome
const rows = scenarioChecks(o)
console.log(
  '\n' +
    table(
      ['check', 'result', 'ok'],
      rows.map(({ check, result, ok }) => [check, result, ok ? 'ok' : 'FAILED']),
    ),
)
console.log('\n3. The conformance suite, live against both tools\n')
const outDir = fileURLToPath(new URL('../conformance/reports/latest/', import.meta.url))
const runs = await runConformance(exampleTools(o), { outDir, token })
const verdictRows = runs.flatMap((run) =>
  run.verdicts
    .filter((v) => v.claimed)
    .map((v) => [
      run.tool.name,
      v.profile,
      v.verdict,
      String(v.counts['passed'] ?? 0),
      String((v.counts['failed'] ?? 0) + (v.counts['errored'] ?? 0)),
      String(v.counts['untested'] ?? 0),
    ]),
)
console.log(table(['tool', 'profile', 'verdict', 'passed', 'failed', 'untested'], verdictRows))
for (const run of runs) {
  if (run.verdicts.length === 0) console.log(`\n${run.tool.name}: no report.\n${run.output}`)
  console.log(`\n${run.tool.name}: ${run.html}`)
}
const conformant = allConformant(runs)
console.log(
  '\nThe core profile has no live cases; its requirements are covered by the static vectors' +
    ' (`npx cta-conformance vectors --harness direct`).',
)
console.log(
  `\nDashboard: ${o.dashboard}/${keep ? '' : ' (stopped; run with -- --keep to browse it)'}`,
)
console.log(`Decisions: ${o.decisions}${' '.repeat(2)}Budgeting: ${o.budgeting}`)

const ok = failed.length === 0 && rows.every((row) => row.ok) && conformant
if (keep) {
  console.log('\n--keep: the servers are running; press Ctrl-C to stop them.')
  process.once('SIGINT', () => {
    void scenario
      .close()
      .then(() => nats?.stop())
      .then(() => process.exit(ok ? 0 : 1))
  })
} else {
  await scenario.close()
  await nats?.stop()
  process.exitCode = ok ? 0 : 1
}
