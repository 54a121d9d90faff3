// The one `typ` comparison of the compact-JWS core: RFC 7515 §4.1.9 media-type semantics.
import { describe, expect, it } from 'vitest'
import { matchesTyp } from '../../src/internal/matches-typ.js'

describe('matchesTyp', () => {
  it('[EVT-SIG-003] matches the registered typ, with application/ implied and ASCII case ignored', () => {
    for (const typ of [
      'cta-event+jws',
      'CTA-EVENT+JWS',
      'application/cta-event+jws',
      'APPLICATION/Cta-Event+Jws',
    ]) {
      expect(matchesTyp(typ, 'cta-event+jws'), typ).toBe(true)
    }
  })

  it('[EVT-SIG-003] matches no other top-level type, parameter, padding, non-ASCII case fold or non-string', () => {
    for (const typ of [
      'text/cta-event+jws',
      'cta-event+jws;charset=utf-8',
      'cta-event+jws ',
      'application/ cta-event+jws',
      'cta-event+jwt',
      'cta-event+jw\u017F', // ſ upper-cases to S, but ASCII folding leaves it alone
      'application',
      '',
      undefined,
      42,
    ]) {
      expect(matchesTyp(typ, 'cta-event+jws'), String(typ)).toBe(false)
    }
    expect(matchesTyp('cta-\u212Aey+jws', 'cta-key+jws')).toBe(false) // Kelvin sign lower-cases to k
  })
})
