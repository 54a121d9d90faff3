// The error registry of spec/errors.md and the SDK agree: every code the SDK can raise is in the
// table with its problem type and status, and a peer's rejected input gets exactly that over HTTP.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  PROBLEM_STATUS,
  PROBLEM_TYPE_BASE,
  ProtocolError,
  problemFor,
  problemResponse,
} from '../src/index.js'

const table = new Map(
  [
    ...readFileSync(new URL('../../spec/errors.md', import.meta.url), 'utf8').matchAll(
      /^\| `(ERR_[A-Z_]+)` \| `([^`]+)` \| (\d{3}) \|/gm,
    ),
  ].map((m) => [m[1] ?? '', { type: m[2] ?? '', status: Number(m[3]) }]),
)

describe('the error registry', () => {
  it('[ERR-REG-001] names every code the SDK can raise, with its problem type and HTTP status', () => {
    const codes = Object.keys(PROBLEM_STATUS)
    expect(codes.length).toBeGreaterThan(30)
    for (const code of codes) {
      expect(table.get(code), code).toEqual({
        type: `${PROBLEM_TYPE_BASE}${code}`,
        status: PROBLEM_STATUS[code as keyof typeof PROBLEM_STATUS],
      })
    }
  })

  it('[ERR-REG-001] gives every code of the spec’s registry an HTTP status in the SDK', () => {
    const missing = [...table.keys()].filter(
      (code) => code !== 'ERR_INTERNAL' && !Object.hasOwn(PROBLEM_STATUS, code),
    )
    expect(missing).toEqual([])
  })

  it('[ERR-REG-001] rejects a peer’s input over HTTP with application/problem+json naming the code', async () => {
    for (const code of Object.keys(PROBLEM_STATUS) as (keyof typeof PROBLEM_STATUS)[]) {
      const response = problemResponse(new ProtocolError(code, 'rejected'))
      expect(response.headers.get('content-type')).toBe('application/problem+json')
      const body = (await response.json()) as { type: string; code: string; status: number }
      expect(body).toMatchObject({ type: table.get(code)?.type, code, status: response.status })
    }
  })

  it('[ERR-REG-001] never reports a caller’s own mistake as a registry code: it is ERR_INTERNAL', () => {
    expect(problemFor(new TypeError('a bug')).code).toBe('ERR_INTERNAL')
    expect(problemFor(new TypeError('a bug')).type).toBe(table.get('ERR_INTERNAL')?.type)
  })
})
