// The reference harness: the TypeScript SDK behind the JSON-lines stdio protocol. It reads one
// request per line from stdin and writes one response per line to stdout, and uses the SDK only
// through its public entry points (by way of the same adapter `--harness direct` uses).
//
//   npx cta-conformance vectors --harness "stdio:npx tsx conformance/harness/sdk-harness.ts"
import { createInterface } from 'node:readline'
import { runWithSdk, SDK_INFO } from '../src/adapters/sdk.js'
import { OPERATIONS, type Vector } from '../src/types.js'

const SUPPORTED = new Set<string>(OPERATIONS)

function write(message: unknown): void {
  process.stdout.write(`${JSON.stringify(message)}\n`)
}

const lines = createInterface({ input: process.stdin })
for await (const text of lines) {
  if (text.trim() === '') continue
  const request = JSON.parse(text) as {
    cmd: string
    seq?: number
    vector?: Pick<Vector, 'id' | 'operation' | 'input'>
  }
  if (request.cmd === 'start') {
    const { profiles, features, ...implementation } = SDK_INFO
    write({ version: 1, implementation, profiles, features })
  } else if (request.cmd === 'run' && request.vector !== undefined) {
    const { seq, vector } = request
    if (!SUPPORTED.has(vector.operation)) {
      write({ seq, skipped: true, message: `operation not supported: ${vector.operation}` })
      continue
    }
    try {
      write({ seq, result: await runWithSdk(vector) })
    } catch (err) {
      write({ seq, errored: true, message: err instanceof Error ? err.message : String(err) })
    }
  } else if (request.cmd === 'stop') {
    break
  }
}
lines.close()
