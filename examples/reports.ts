// `npm run site` runs this first: it starts the example tools on 127.0.0.1, runs the conformance
// suite live against each (as the demo does, without the demo's scenario), and writes the reports
// the site's conformance page shows: conformance/reports/latest/<tool>/report.{json,html}.
// Exits 1 if a profile a tool claims does not conform; the reports are written either way.
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { startBudgeting } from './budgeting/budgeting.js'
import { startDecisions } from './decisions/decisions.js'
import { allConformant, exampleTools, runConformance } from './src/conformance.js'

const token = randomBytes(32).toString('base64url')
const outDir = fileURLToPath(new URL('../conformance/reports/latest/', import.meta.url))
const decisions = await startDecisions({ controlToken: token })
// Budgeting holds no OAuth client here: the suite's sessions give it groups of their own (with the
// suite as authority where sign-in is tested, and the install flow's `install-request`), and
// Harbour Commons installs it only when an admin approves its request, as the demo does.
const budgeting = await startBudgeting({
  group: decisions.group,
  isInstalled: decisions.isInstalled,
  controlToken: token,
})
try {
  const runs = await runConformance(
    exampleTools({ decisions: decisions.origin, budgeting: budgeting.origin }),
    { outDir, token },
  )
  for (const run of runs) {
    const verdicts = run.verdicts
      .filter((v) => v.claimed)
      .map((v) => `${v.profile} ${v.verdict}`)
      .join(', ')
    console.log(`${run.tool.name}: ${verdicts || 'no report'} (${run.report})`)
    if (run.verdicts.length === 0) console.log(run.output)
  }
  process.exitCode = allConformant(runs) ? 0 : 1
} finally {
  await budgeting.close()
  await decisions.close()
}
