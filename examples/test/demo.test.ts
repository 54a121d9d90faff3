import { describe, expect, it } from 'vitest'
import { checkDocuments } from '../src/check-documents.js'

describe('the demo', () => {
  it('accepts every example and rejects every twin where its manifest says, via the public SDK', async () => {
    const checks = await checkDocuments()
    expect(checks.filter((c) => !c.ok)).toEqual([])
    expect(checks.filter((c) => c.expected === 'valid').length).toBeGreaterThanOrEqual(30)
    expect(checks.filter((c) => c.expected === 'invalid').length).toBeGreaterThanOrEqual(30)
    for (const c of checks.filter(
      (c) => c.expected === 'valid' && c.kind !== 'MembershipAssertionClaims',
    )) {
      expect(c.jsonLd, c.file).toBe('expands')
    }
  })
})
