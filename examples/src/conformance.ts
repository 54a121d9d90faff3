// Runs the conformance suite live against the example tools, exactly as a vendor would against
// theirs: a SUT manifest per tool, `cta-conformance live` as a separate process, and the reports it
// writes (report.json, report.html, JUnit). The token of the tools' test-only control API reaches
// the suite through the environment, never through the SUT manifest file.
import { spawn } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** A running tool to test. */
export interface ToolUnderTest {
  readonly name: string
  /** A short name for its report directory. */
  readonly slug: string
  readonly origin: string
  readonly profiles: readonly string[]
  /** Where its control API is mounted. */
  readonly control: string
}

/** A profile's verdict, as the report says. */
export interface ProfileVerdict {
  readonly profile: string
  /** Whether the tool claims the profile (its SUT manifest lists it). */
  readonly claimed: boolean
  readonly verdict: string
  readonly counts: Readonly<Record<string, number>>
  readonly mustFailures: number
}

/** What one live run over one tool produced. */
export interface ConformanceRun {
  readonly tool: ToolUnderTest
  /**
   * The suite's exit code: 0 conformant, 1 failures, 2 configuration or suite error, 3 a claimed
   * profile not proven (cases untested, e.g. without the control API).
   */
  readonly exitCode: number
  readonly report: string
  readonly html: string
  readonly verdicts: readonly ProfileVerdict[]
  readonly summary: Readonly<Record<string, number>>
  /** What the suite printed, for when it did not produce a report. */
  readonly output: string
}

const CLI = fileURLToPath(new URL('../../conformance/bin/cta-conformance.js', import.meta.url))

/** The environment variable the SUT manifests name for the control API's token. */
export const TOKEN_VARIABLE = 'CTA_CONFORMANCE_TOKEN'

/** The example tools as the suite sees them: what each claims and where its control API is. */
export function exampleTools(origins: { decisions: string; budgeting: string }): ToolUnderTest[] {
  return [
    {
      name: 'Decisions (example)',
      slug: 'decisions',
      origin: origins.decisions,
      profiles: ['core', 'emitter', 'group-authority', 'decisions'],
      control: `${origins.decisions}/__cta-conformance`,
    },
    {
      name: 'Budgeting (example)',
      slug: 'budgeting',
      origin: origins.budgeting,
      profiles: [
        'core',
        'emitter',
        'receiver',
        'group-auth-relying-tool',
        'intent-exchange',
        'budgeting',
        'tasks',
        'mutual-credit',
      ],
      control: `${origins.budgeting}/__cta-conformance`,
    },
  ]
}

/** Whether every run exited 0 and every profile a tool claims, and the suite tested, conforms. */
export function allConformant(runs: readonly ConformanceRun[]): boolean {
  return runs.every(
    (run) =>
      run.exitCode === 0 &&
      run.verdicts.some((v) => v.claimed) &&
      run.verdicts.every((v) => !v.claimed || v.verdict.startsWith('conformant')),
  )
}

/** `export` when the tool's manifest names a member export endpoint (spec/export.md). */
async function exportFeature(origin: string): Promise<string[]> {
  const response = await fetch(`${origin}/.well-known/cta-tool`)
  const manifest = (await response.json()) as { export?: unknown }
  return typeof manifest.export === 'string' ? ['export'] : []
}

/** Runs `cta-conformance live` against each tool in turn; writes reports under `outDir/<slug>/`. */
export async function runConformance(
  tools: readonly ToolUnderTest[],
  options: { outDir: string; token: string },
): Promise<ConformanceRun[]> {
  const runs: ConformanceRun[] = []
  for (const tool of tools) {
    const dir = resolve(options.outDir, tool.slug)
    await mkdir(dir, { recursive: true })
    const sut = join(dir, 'sut.json')
    await writeFile(
      sut,
      `${JSON.stringify(
        {
          name: tool.name,
          version: '0.0.0-example',
          profiles: tool.profiles,
          features: ['alg:EdDSA', ...(await exportFeature(tool.origin))],
          endpoints: { origin: tool.origin },
          control: { url: tool.control, token: `\${${TOKEN_VARIABLE}}` },
        },
        null,
        2,
      )}\n`,
    )
    const report = join(dir, 'report.json')
    const html = join(dir, 'report.html')
    const args = [
      CLI,
      'live',
      '--sut',
      sut,
      '--reporter',
      `json:${report}`,
      '--reporter',
      `html:${html}`,
      '--reporter',
      `junit:${join(dir, 'junit.xml')}`,
    ]
    const { code, output } = await new Promise<{ code: number; output: string }>((done) => {
      const child = spawn(process.execPath, args, {
        env: { ...process.env, [TOKEN_VARIABLE]: options.token },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
      child.on('close', (exit) => {
        done({ code: exit ?? 2, output: out })
      })
    })
    let parsed: { verdicts?: ProfileVerdict[]; summary?: Record<string, number> } = {}
    try {
      parsed = JSON.parse(await readFile(report, 'utf8')) as typeof parsed
    } catch {
      parsed = {}
    }
    runs.push({
      tool,
      exitCode: code,
      report,
      html,
      verdicts: parsed.verdicts ?? [],
      summary: parsed.summary ?? {},
      output,
    })
  }
  return runs
}
