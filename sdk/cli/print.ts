import process from 'node:process'

/** Where a command writes: human lines, or one JSON document for scripts (`--json`). */
export interface Printer {
  readonly json: boolean
  /** A line for people (stdout); nothing in `--json` mode. */
  line(text: string): void
  /** Progress on anything that waits (stderr), so that stdout stays clean for pipes. */
  progress(text: string): void
  /** A JSON document on one line (stdout), in `--json` mode only. */
  result(value: unknown): void
}

/** A printer over the process's streams. */
export function createPrinter(json: boolean, quiet = false): Printer {
  return {
    json,
    line(text) {
      if (!json) process.stdout.write(`${text}\n`)
    },
    progress(text) {
      if (!quiet) process.stderr.write(`… ${text}\n`)
    },
    result(value) {
      if (json) process.stdout.write(`${JSON.stringify(value)}\n`)
    },
  }
}
