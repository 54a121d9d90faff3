import { describe, expect, it } from 'vitest'
import {
  brokenSdkImplementation,
  VERIFICATION_STEPS,
  type VerificationStep,
} from '../src/adapters/broken-sdk.js'
import { runVectors } from '../src/run.js'
import { loadVectors } from '../src/vectors.js'

const { vectors } = await loadVectors()

/** The requirement whose vectors must catch each step when it is skipped. */
const CAUGHT_BY: Record<VerificationStep, string> = {
  signature: 'EVT-SIG-005',
  typ: 'EVT-SIG-003',
  alg: 'EVT-SIG-002',
  'header-allowlist': 'EVT-SIG-001',
  age: 'EVT-AGE-001',
  dedupe: 'EVT-DUP-001',
  schema: 'DOC-VAL-002',
  source: 'EVT-SRC-001',
  context: 'EVT-CTX-001',
  'assertion-signature': 'AUTH-VER-003',
  'assertion-typ': 'AUTH-VER-001',
  'assertion-alg': 'AUTH-VER-002',
  'assertion-header-allowlist': 'AUTH-VER-001',
  'assertion-issuer': 'AUTH-VER-004',
  'assertion-audience': 'AUTH-VER-005',
  'assertion-group': 'AUTH-VER-006',
  'assertion-status': 'AUTH-VER-010',
  'assertion-lifetime': 'AUTH-VER-007',
  'assertion-expiry': 'AUTH-VER-007',
  'assertion-replay': 'AUTH-VER-008',
  'amount-exact': 'INT-AMT-002',
  'match-visibility': 'INT-MAT-003',
  'proposal-expiry': 'INT-PROP-002',
  'subscription-signature': 'DLV-SUB-002',
  'subscription-typ': 'DLV-SUB-002',
  'subscription-alg': 'DLV-SUB-002',
  'subscription-header-allowlist': 'DLV-SUB-002',
  'subscription-audience': 'DLV-SUB-003',
  'subscription-sink': 'DLV-SUB-004',
  'subscription-age': 'DLV-SUB-003',
  'subscription-replay': 'DLV-SUB-003',
  'request-token-signature': 'DLV-REQ-001',
  'request-token-typ': 'DLV-REQ-001',
  'request-token-alg': 'DLV-REQ-001',
  'request-token-header-allowlist': 'DLV-REQ-001',
  'request-token-method': 'DLV-REQ-001',
  'request-token-url': 'DLV-REQ-001',
  'request-token-age': 'DLV-REQ-001',
  'request-token-replay': 'DLV-REQ-001',
  'stance-rules': 'DEC-TAL-001',
  'proposal-block': 'DEC-TAL-003',
  'decision-privacy': 'DEC-PRIV-001',
  'budget-balance': 'BUD-BAL-001',
  'budget-refunds': 'BUD-CANC-001',
}

// Each verification step of the SDK is switched off in turn through a deliberately broken
// adapter: at least one vector of the requirement the step enforces must then fail, or the suite
// does not test that step.
describe('mutation checks: the vectors catch an implementation that skips', () => {
  it.each(VERIFICATION_STEPS)('the %s check', async (step) => {
    const impl = brokenSdkImplementation(step)
    const info = await impl.start()
    const result = await runVectors(impl, info, vectors, { harness: `direct:broken=${step}` })
    const caught = result.tests.filter((t) => t.status === 'failed')
    expect(caught.length, `no vector fails when ${step} is skipped`).toBeGreaterThan(0)
    expect(
      caught.filter((t) => t.requirements.includes(CAUGHT_BY[step])).map((t) => t.id),
      `no vector of ${CAUGHT_BY[step]} fails when ${step} is skipped`,
    ).not.toEqual([])
  })
})
