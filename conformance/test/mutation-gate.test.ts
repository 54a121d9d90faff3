// The live mutation gate (conformance/mutation/): every planted fault of the catalogue must turn at
// least one live case red, judged by the suite's own, unplanted SDK, and the gate itself must be
// able to fail: a plant that changes nothing observable comes out missed, a stale one stale.
import { describe, expect, it } from 'vitest'
import type { Plant } from '../mutation/plant.js'
import { formatGate, runGate, type GateResult } from '../mutation/run-gate.js'

describe('the live mutation gate', () => {
  it('catches every plant of the catalogue, which holds at least 30', async () => {
    const result: GateResult = await runGate()
    const report = formatGate(result)
    expect(result.problems, report).toEqual([])
    expect(result.plants.length, report).toBeGreaterThanOrEqual(30)
    expect(
      result.baselines.filter((b) => b.red.length > 0 || b.detail !== undefined),
      report,
    ).toEqual([])
    expect(
      result.plants.filter((p) => p.status !== 'caught').map((p) => `${p.id}: ${p.status}`),
      report,
    ).toEqual([])
    expect(result.score).toEqual({ caught: result.plants.length, total: result.plants.length })
    expect(result.ok).toBe(true)
  }, 1_200_000)

  it('fails for a plant nothing can observe, and for one that no longer applies', async () => {
    const harmless: Plant = {
      id: 'receiver.harmless-comment',
      bug: 'A comment in the built SDK changes: nothing a peer can observe.',
      requirements: ['EVT-SIG-005'],
      tool: 'reference',
      profiles: ['receiver'],
      plant: {
        sdk: {
          find: '// src/events/verify-event.ts',
          replace: '// src/events/verify-event.ts (planted: a comment only)',
        },
      },
    }
    const stale: Plant = {
      ...harmless,
      id: 'receiver.stale-text',
      plant: { sdk: { find: 'this text is in no build of the SDK', replace: '' } },
    }
    const result = await runGate({ plants: [harmless, stale] })
    const status = Object.fromEntries(result.plants.map((p) => [p.id, p.status]))
    expect(status).toEqual({
      'receiver.harmless-comment': 'missed',
      'receiver.stale-text': 'stale',
    })
    expect(result.plants.find((p) => p.id === harmless.id)?.edited?.occurrences).toBe(1)
    expect(result.score).toEqual({ caught: 0, total: 2 })
    expect(result.ok).toBe(false)
  }, 120_000)
})
