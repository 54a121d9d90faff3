import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The built binary, run as a vendor runs it: `npm run build` makes sdk/dist/cli.js. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))

/** What a `cta` run printed, and how it exited. */
export interface CtaRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `cta` to its end. */
export function cta(args: string[]): Promise<CtaRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args])
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      resolve({ code, stdout, stderr })
    })
  })
}
