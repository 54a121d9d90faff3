// The mutation gate's child: starts one tool by name (with a switch plant, when given one), prints
// its SUT manifest as one line `CTA-SUT <json>` on stdout, and stops cleanly on SIGTERM. An SDK
// plant reaches it from outside: the gate starts it with `use-mutant-sdk.mjs`, so every import of
// `@cta-interop/sdk` here and in the tool resolves to the planted copy; the line also names the SDK
// file the tool loaded, so the gate can check that the plant is really in play.
//
//   node --import tsx [--import ./use-mutant-sdk.mjs] serve-tool.ts --tool <name> [--plant <switch>]
import { randomBytes } from 'node:crypto'
import { cp, mkdtemp, rename, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PLANTS as REFERENCE_PLANTS } from '../test/fixtures/reference-tool.js'
import { RELYING_PLANTS } from '../test/fixtures/reference-relying-tool.js'
import { loadBudgeting, loadConformance, loadDashboard, loadDecisions } from './example-tools.mjs'
import { PLANTED_TOOLS, type PlantedTool } from './plant.js'

/** The line prefix that carries the SUT manifest. */
export const SUT_LINE = 'CTA-SUT '

/** A started tool: its SUT manifest, and how to stop it. */
export interface ServedTool {
  readonly sut: Record<string, unknown>
  close(): Promise<void>
}

/** The switch plants each tool offers (only the reference fixtures offer any). */
export function switchPlantsOf(tool: PlantedTool): readonly string[] {
  if (tool === 'reference') return Object.keys(REFERENCE_PLANTS)
  if (tool === 'relying') return Object.keys(RELYING_PLANTS)
  return []
}

/** Where the dashboard's prepared, empty PGlite directory is kept (initdb once, then copies). */
const DASHBOARD_TEMPLATE =
  process.env['CTA_DASHBOARD_TEMPLATE'] ??
  fileURLToPath(
    new URL('../../node_modules/.cache/cta-mutants/dashboard-template', import.meta.url),
  )

/**
 * Starts `tool`, with the switch plant `plant` when given.
 *
 * @throws {Error} For an unknown tool, or a switch plant the tool does not offer.
 */
export async function serveTool(tool: PlantedTool, plant?: string): Promise<ServedTool> {
  if (plant !== undefined && !switchPlantsOf(tool).includes(plant)) {
    throw new Error(`the ${tool} tool offers no switch plant "${plant}"`)
  }
  const token = randomBytes(32).toString('base64url')
  switch (tool) {
    case 'reference': {
      const { startReferenceTool } = await import('../test/fixtures/reference-tool.js')
      return startReferenceTool({
        token,
        ...(plant === undefined ? {} : { plant: plant as keyof typeof REFERENCE_PLANTS }),
      })
    }
    case 'relying': {
      const { startReferenceRelyingTool } =
        await import('../test/fixtures/reference-relying-tool.js')
      return startReferenceRelyingTool(
        plant === undefined ? {} : { plant: plant as keyof typeof RELYING_PLANTS },
      )
    }
    case 'decisions': {
      const { startDecisions } = await loadDecisions()
      const decisions = await startDecisions({ controlToken: token })
      return {
        sut: await exampleSut('decisions', decisions.origin, token),
        close: () => decisions.close(),
      }
    }
    case 'budgeting': {
      const { startBudgeting } = await loadBudgeting()
      // Budgeting's own group, Harbour Commons, is held by Decisions; the suite's sessions use
      // groups of their own (with the suite as authority where sign-in is tested) and answer
      // every installation question themselves, so no live case reaches Decisions. Not starting
      // it halves the tool's start-up; the group's authority is left unreachable instead.
      const budgeting = await startBudgeting({
        group: 'http://127.0.0.1:9/g/harbour-commons',
        clientSecret: randomBytes(32).toString('base64url'),
        isInstalled: () => false,
        controlToken: token,
      })
      return {
        sut: await exampleSut('budgeting', budgeting.origin, token),
        close: () => budgeting.close(),
      }
    }
    case 'dashboard':
      return serveDashboard(token)
  }
}

/** The SUT manifest of an example tool, with the profiles `npm run demo` tests it for. */
async function exampleSut(
  slug: 'decisions' | 'budgeting',
  origin: string,
  token: string,
): Promise<Record<string, unknown>> {
  const { exampleTools } = await loadConformance()
  const found = exampleTools({ decisions: origin, budgeting: origin }).find((t) => t.slug === slug)
  if (found === undefined) throw new Error(`no example tool ${slug}`)
  // As `npm run demo` claims it: `export` when the manifest names a member export endpoint.
  const manifest = (await (await fetch(`${origin}/.well-known/cta-tool`)).json()) as {
    export?: unknown
  }
  return {
    name: found.name,
    version: '0.0.0-example',
    profiles: found.profiles,
    features: ['alg:EdDSA', ...(typeof manifest.export === 'string' ? ['export'] : [])],
    endpoints: { origin },
    control: { url: found.control, token },
  }
}

/**
 * The dashboard with its control API, in a copy of a prepared empty database (initdb takes seconds
 * of CPU; it runs once, for the template). The suite's sessions make it trust the suite's tool, so
 * it needs no other tool to follow.
 */
async function serveDashboard(token: string): Promise<ServedTool> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { startDashboard } = await loadDashboard()
  if (!existsSync(join(DASHBOARD_TEMPLATE, 'PG_VERSION'))) {
    const fresh = await mkdtemp(join(tmpdir(), 'cta-dashboard-template-'))
    const db = new PGlite(fresh)
    await db.waitReady
    await db.close()
    await rename(fresh, DASHBOARD_TEMPLATE).catch(() => rm(fresh, { recursive: true }))
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'cta-dashboard-'))
  await cp(DASHBOARD_TEMPLATE, dataDir, { recursive: true })
  const dashboard = await startDashboard({ dataDir, controlToken: token })
  return {
    sut: {
      name: 'Dashboard (example)',
      version: '0.0.0-example',
      profiles: ['core', 'receiver'],
      features: ['alg:EdDSA'],
      endpoints: { origin: dashboard.origin },
      control: { url: `${dashboard.origin}/__cta-conformance`, token },
    },
    async close() {
      await dashboard.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** Reads `--tool` and `--plant`, serves the tool, and stops it on SIGTERM or SIGINT. */
async function main(argv: readonly string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name)
    return i < 0 ? undefined : argv[i + 1]
  }
  const tool = arg('--tool')
  if (!(PLANTED_TOOLS as readonly (string | undefined)[]).includes(tool)) {
    throw new Error(`--tool must be one of ${PLANTED_TOOLS.join(', ')}`)
  }
  const served = await serveTool(tool as PlantedTool, arg('--plant'))
  const sdk = import.meta.resolve('@cta-interop/sdk')
  process.stdout.write(`${SUT_LINE}${JSON.stringify({ sut: served.sut, sdk })}\n`)
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    const force = setTimeout(() => process.exit(0), 5_000)
    force.unref()
    served.close().then(
      () => process.exit(0),
      () => process.exit(0),
    )
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(
      `serve-tool: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    )
    process.exit(2)
  })
}
