import { createPrivateKey, sign as nodeSign, type JsonWebKey } from 'node:crypto'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CompactSign, base64url, exportJWK, generateKeyPair, type JWK } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { runReportCommand, writeReports } from '../src/report/command.js'
import { render } from '../src/report/render.js'
import type { Report } from '../src/report/report.js'
import {
  REPORT_JWS_TYP,
  isReportError,
  signReport,
  verifyReport,
  type VerifyReportInput,
} from '../src/report/sign.js'
import { realReport } from './helpers/report.js'

const dir = await mkdtemp(join(tmpdir(), 'cta-report-sign-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

/** A fresh key pair as JWKs, with a kid. */
async function keyPair(alg: 'EdDSA' | 'ES256', kid: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid },
    publicJwk: { ...(await exportJWK(publicKey)), kid },
  }
}

const ed = await keyPair('EdDSA', 'ci-2026')
const es = await keyPair('ES256', 'ci-es256')
const other = await keyPair('EdDSA', 'ci-2026') // the same kid, another key
const trusted = { keys: [ed.publicJwk, es.publicJwk] }
const report = await realReport()
const reportText = render(report, 'json')

/** The error code a promise rejects with, or `'accepted'`. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    if (isReportError(err)) return err.code
    throw err
  }
  return 'accepted'
}

const verify = (input: Partial<VerifyReportInput> & { jws: string }) =>
  verifyReport({ report: reportText, jwks: trusted, ...input })

/**
 * A detached JWS with any protected header, signed by hand (jose refuses to produce most of these):
 * the hostile signer's view.
 */
function forge(header: Record<string, unknown>, payload: string, privateJwk: JWK): string {
  const h = base64url.encode(JSON.stringify(header))
  const input = `${h}.${base64url.encode(payload)}`
  const key = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' })
  const signature =
    privateJwk.kty === 'OKP'
      ? nodeSign(null, Buffer.from(input), key)
      : nodeSign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
  return `${h}..${base64url.encode(signature)}`
}

describe('signed reports', () => {
  it('signs the exact bytes with a detached payload and the exact protected header', async () => {
    const jws = await signReport(reportText, ed.privateJwk)
    expect(jws).toMatch(/^[\w-]+\.\.[\w-]+$/)
    const header = JSON.parse(
      new TextDecoder().decode(base64url.decode(jws.split('.')[0] ?? '')),
    ) as unknown
    expect(header).toStrictEqual({ alg: 'EdDSA', kid: 'ci-2026', typ: REPORT_JWS_TYP })
    const verified = await verify({ jws })
    expect(verified).toMatchObject({
      kid: 'ci-2026',
      alg: 'EdDSA',
      signatureOk: true,
      schemaOk: true,
      digestOk: true,
    })
    expect(verified.report).toStrictEqual(JSON.parse(reportText))
  })

  it('signs with ES256 when the key is P-256', async () => {
    const jws = await signReport(reportText, es.privateJwk)
    const header = JSON.parse(
      new TextDecoder().decode(base64url.decode(jws.split('.')[0] ?? '')),
    ) as unknown
    expect(header).toStrictEqual({ alg: 'ES256', kid: 'ci-es256', typ: REPORT_JWS_TYP })
    expect((await verify({ jws })).alg).toBe('ES256')
  })

  it('uses the RFC 7638 thumbprint as kid when the key has none', async () => {
    const { kid: _p, ...privateJwk } = ed.privateJwk
    const { kid: _k, ...publicJwk } = ed.publicJwk
    const jws = await signReport(reportText, privateJwk)
    expect((await verify({ jws, jwks: { keys: [publicJwk] } })).kid).toMatch(/^[\w-]{43}$/)
  })

  it('accepts the report as bytes, and a JWS with a trailing newline', async () => {
    const jws = await signReport(reportText, ed.privateJwk)
    expect(
      (await verify({ jws: `${jws}\n`, report: new TextEncoder().encode(reportText) })).kid,
    ).toBe('ci-2026')
  })
})

const jws = await signReport(reportText, ed.privateJwk)

describe('hostile signed reports', () => {
  const header = { alg: 'EdDSA', kid: 'ci-2026', typ: REPORT_JWS_TYP }

  it('ERR_REPORT_SIGNATURE_INVALID: one report byte changed, or a byte added', async () => {
    const i = reportText.indexOf('"passed"')
    const tampered = `${reportText.slice(0, i + 1)}P${reportText.slice(i + 2)}`
    expect(tampered).toHaveLength(reportText.length)
    await expect(codeOf(verify({ jws, report: tampered }))).resolves.toBe(
      'ERR_REPORT_SIGNATURE_INVALID',
    )
    await expect(codeOf(verify({ jws, report: `${reportText} ` }))).resolves.toBe(
      'ERR_REPORT_SIGNATURE_INVALID',
    )
  })

  it('ERR_REPORT_SIGNATURE_INVALID: a key from another JWKS under the same kid', async () => {
    await expect(codeOf(verify({ jws, jwks: { keys: [other.publicJwk] } }))).resolves.toBe(
      'ERR_REPORT_SIGNATURE_INVALID',
    )
    const forged = await signReport(reportText, other.privateJwk)
    await expect(codeOf(verify({ jws: forged }))).resolves.toBe('ERR_REPORT_SIGNATURE_INVALID')
  })

  it('ERR_REPORT_ALG: alg none, with or without a signature', async () => {
    const none = base64url.encode(JSON.stringify({ ...header, alg: 'none' }))
    await expect(codeOf(verify({ jws: `${none}..` }))).resolves.toBe('ERR_REPORT_ALG')
    await expect(codeOf(verify({ jws: `${none}..${jws.split('..')[1] ?? ''}` }))).resolves.toBe(
      'ERR_REPORT_ALG',
    )
  })

  it('ERR_REPORT_ALG: an algorithm that is not the key’s', async () => {
    // Signed by the P-256 key, but naming the Ed25519 key's kid.
    const confused = forge({ ...header, alg: 'ES256' }, reportText, es.privateJwk)
    await expect(codeOf(verify({ jws: confused }))).resolves.toBe('ERR_REPORT_ALG')
    const hs = forge({ ...header, alg: 'HS256' }, reportText, ed.privateJwk)
    await expect(codeOf(verify({ jws: hs }))).resolves.toBe('ERR_REPORT_ALG')
  })

  it('ERR_REPORT_KEY_UNRESOLVED: a kid the JWKS does not have', async () => {
    const unknown = await signReport(reportText, { ...ed.privateJwk, kid: 'someone-else' })
    await expect(codeOf(verify({ jws: unknown }))).resolves.toBe('ERR_REPORT_KEY_UNRESOLVED')
    await expect(codeOf(verify({ jws, jwks: { keys: [es.publicJwk] } }))).resolves.toBe(
      'ERR_REPORT_KEY_UNRESOLVED',
    )
  })

  it('ERR_REPORT_TYP: another typ, signed by the trusted key', async () => {
    const jwt = await new CompactSign(new TextEncoder().encode(reportText))
      .setProtectedHeader({ alg: 'EdDSA', kid: 'ci-2026', typ: 'JWT' })
      .sign(createPrivateKey({ key: ed.privateJwk as JsonWebKey, format: 'jwk' }))
    const [h, , s] = jwt.split('.')
    await expect(codeOf(verify({ jws: `${h ?? ''}..${s ?? ''}` }))).resolves.toBe('ERR_REPORT_TYP')
  })

  it.each([
    ['crit', { crit: ['exp'], exp: 1 }],
    ['jwk', { jwk: {} }],
    ['b64', { b64: false, crit: ['b64'] }],
    ['x5u', { x5u: 'https://attacker.example/cert' }],
  ])(
    'ERR_REPORT_HEADER: an extra header member (%s), signed by the trusted key',
    async (_, extra) => {
      const withJwk = 'jwk' in extra ? { jwk: other.publicJwk } : extra
      const forged = forge({ ...header, ...withJwk }, reportText, ed.privateJwk)
      await expect(codeOf(verify({ jws: forged }))).resolves.toBe('ERR_REPORT_HEADER')
    },
  )

  it('ERR_REPORT_HEADER: an embedded key is never trusted, even one that verifies', async () => {
    const forged = forge({ ...header, jwk: other.publicJwk }, reportText, other.privateJwk)
    await expect(codeOf(verify({ jws: forged, jwks: { keys: [other.publicJwk] } }))).resolves.toBe(
      'ERR_REPORT_HEADER',
    )
  })

  it('ERR_REPORT_JWS_MALFORMED: an attached payload, four parts, non-canonical base64url', async () => {
    const [h, , s] = jws.split('.')
    const attached = `${h ?? ''}.${base64url.encode(reportText)}.${s ?? ''}`
    await expect(codeOf(verify({ jws: attached }))).resolves.toBe('ERR_REPORT_JWS_MALFORMED')
    await expect(codeOf(verify({ jws: `${jws}.x` }))).resolves.toBe('ERR_REPORT_JWS_MALFORMED')
    await expect(codeOf(verify({ jws: `${jws}=` }))).resolves.toBe('ERR_REPORT_JWS_MALFORMED')
    await expect(codeOf(verify({ jws: `!${jws}` }))).resolves.toBe('ERR_REPORT_JWS_MALFORMED')
  })

  it('ERR_REPORT_SCHEMA: a schema-invalid report, validly signed', async () => {
    const bad = JSON.stringify({ ...report, tests: [{ ...report.tests[0], status: 'skipped' }] })
    const signed = await signReport(bad, ed.privateJwk)
    await expect(codeOf(verify({ jws: signed, report: bad }))).resolves.toBe('ERR_REPORT_SCHEMA')
    const notJson = await signReport('not json', ed.privateJwk)
    await expect(codeOf(verify({ jws: notJson, report: 'not json' }))).resolves.toBe(
      'ERR_REPORT_SCHEMA',
    )
  })

  it('ERR_REPORT_DIGEST: a report of other vectors, validly signed', async () => {
    const wrong: Report = {
      ...report,
      suite: { ...report.suite, vectorsDigest: `sha256:${'0'.repeat(64)}` },
    }
    const text = render(wrong, 'json')
    const signed = await signReport(text, ed.privateJwk)
    await expect(codeOf(verify({ jws: signed, report: text }))).resolves.toBe('ERR_REPORT_DIGEST')
    await expect(codeOf(verify({ jws, vectorsDigest: `sha256:${'1'.repeat(64)}` }))).resolves.toBe(
      'ERR_REPORT_DIGEST',
    )
  })

  it('ERR_REPORT_JWKS_INVALID and ERR_REPORT_KEY_INVALID: unusable keys', async () => {
    await expect(
      codeOf(verify({ jws, jwks: {} as unknown as VerifyReportInput['jwks'] })),
    ).resolves.toBe('ERR_REPORT_JWKS_INVALID')
    await expect(codeOf(signReport(reportText, ed.publicJwk))).resolves.toBe(
      'ERR_REPORT_KEY_INVALID',
    )
    await expect(codeOf(signReport(reportText, { kty: 'oct', k: 'AAAA' }))).resolves.toBe(
      'ERR_REPORT_KEY_INVALID',
    )
  })
})

/** Runs `cta-conformance report …` with an in-memory io. */
async function reportCli(...args: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await runReportCommand(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  })
  return { code, stdout, stderr }
}

describe('cta-conformance report', () => {
  const reportPath = join(dir, 'run', 'report.json')
  const keyPath = join(dir, 'key.json')
  const jwksPath = join(dir, 'jwks.json')
  const otherJwksPath = join(dir, 'other-jwks.json')

  it('writeReports writes every reporter and signs report.json next to it', async () => {
    await writeFile(keyPath, JSON.stringify(ed.privateJwk))
    await writeFile(jwksPath, JSON.stringify(trusted))
    await writeFile(otherJwksPath, JSON.stringify({ keys: [other.publicJwk] }))
    let stdout = ''
    const files = await writeReports(
      report,
      [
        { format: 'json', path: reportPath },
        { format: 'earl', path: join(dir, 'run', 'report.earl.jsonld') },
        { format: 'md', path: '-' },
      ],
      { stdout: (t) => (stdout += t), stderr: () => undefined },
      { signWith: keyPath },
    )
    expect(files).toEqual([
      reportPath,
      join(dir, 'run', 'report.earl.jsonld'),
      join(dir, 'run', 'report.jws'),
    ])
    expect(stdout).toContain('# CTA Interop conformance')
    const written = await readFile(reportPath, 'utf8')
    expect(written).toBe(reportText)
    const jws = await readFile(join(dir, 'run', 'report.jws'), 'utf8')
    expect((await verifyReport({ report: written, jws, jwks: trusted })).kid).toBe('ci-2026')
  })

  it('writeReports refuses to sign without a json file, and writes nothing with a bad key', async () => {
    const io = { stdout: () => undefined, stderr: () => undefined }
    await expect(
      codeOf(writeReports(report, [{ format: 'json', path: '-' }], io, { signWith: keyPath })),
    ).resolves.toBe('ERR_REPORT_USAGE')
    const badKey = join(dir, 'public.json')
    await writeFile(badKey, JSON.stringify(ed.publicJwk))
    const target = join(dir, 'never', 'report.json')
    await expect(
      codeOf(writeReports(report, [{ format: 'json', path: target }], io, { signWith: badKey })),
    ).resolves.toBe('ERR_REPORT_KEY_INVALID')
    await expect(stat(target)).rejects.toThrow()
  })

  it('0: verify accepts the signed report', async () => {
    const { code, stdout } = await reportCli(
      'verify',
      reportPath,
      '--jws',
      join(dir, 'run', 'report.jws'),
      '--jwks',
      jwksPath,
    )
    expect(code).toBe(0)
    expect(stdout).toContain('signed by kid ci-2026')
  })

  it('0: sign writes <report>.jws by default, and verify accepts it', async () => {
    const copy = join(dir, 'copy.json')
    await writeFile(copy, reportText)
    expect((await reportCli('sign', copy, '--key', keyPath)).code).toBe(0)
    const { code } = await reportCli(
      'verify',
      copy,
      '--jws',
      join(dir, 'copy.jws'),
      '--jwks',
      jwksPath,
    )
    expect(code).toBe(0)
    const { code: toStdout, stdout } = await reportCli('sign', copy, '--key', keyPath, '--out', '-')
    expect(toStdout).toBe(0)
    expect(stdout.trim()).toMatch(/^[\w-]+\.\.[\w-]+$/)
  })

  it('1: verify prints the code of a tampered report or a key from another JWKS', async () => {
    const tampered = join(dir, 'tampered.json')
    await writeFile(tampered, reportText.replace('"conformant": true', '"conformant": false'))
    const jwsPath = join(dir, 'run', 'report.jws')
    const bad = await reportCli('verify', tampered, '--jws', jwsPath, '--jwks', jwksPath)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('ERR_REPORT_SIGNATURE_INVALID')
    const foreign = await reportCli('verify', reportPath, '--jws', jwsPath, '--jwks', otherJwksPath)
    expect(foreign.code).toBe(1)
    expect(foreign.stderr).toContain('ERR_REPORT_SIGNATURE_INVALID')
  })

  it('0: render re-renders a saved report into any format', async () => {
    const earl = join(dir, 'again', 'report.earl.jsonld')
    const { code, stdout } = await reportCli(
      'render',
      reportPath,
      '--reporter',
      `earl:${earl}`,
      '--reporter',
      'junit:-',
    )
    expect(code).toBe(0)
    expect(await readFile(earl, 'utf8')).toBe(render(report, 'earl'))
    expect(stdout).toBe(render(report, 'junit'))
  })

  it('0: help, also without a command', async () => {
    expect((await reportCli()).code).toBe(0)
    const { code, stdout } = await reportCli('help')
    expect(code).toBe(0)
    expect(stdout).toContain('verify <report.json> --jws <report.jws> --jwks <jwks.json>')
  })

  it.each([
    [['frobnicate', 'x.json']],
    [['constructor', 'x.json']],
    [['verify']],
    [['verify', 'REPORT', '--jws', 'JWS']],
    [['verify', 'REPORT', '--jws', '/nonexistent.jws', '--jwks', 'JWKS']],
    [['verify', 'REPORT', '--jws', 'JWS', '--jwks', 'REPORT', '--key', 'KEY']],
    [['verify', 'REPORT', '--jws', 'JWS', '--jwks', 'NOTJSON']],
    [['verify', 'REPORT', '--jws', 'JWS', '--jwks', 'REPORT']],
    [['sign', 'REPORT']],
    [['sign', 'REPORT', '--key', '/nonexistent.json']],
    [['sign', 'REPORT', '--key', 'JWKS']],
    [['sign', 'NOTJSON', '--key', 'KEY']],
    [['render', 'REPORT']],
    [['render', 'REPORT', '--reporter', 'pdf:x.pdf']],
    [['render', 'NOTJSON', '--reporter', 'md:-']],
    [['verify', 'REPORT', 'extra', '--jws', 'JWS', '--jwks', 'JWKS']],
    [['verify', 'REPORT', '--bogus']],
  ])('2: usage or configuration error %j', async (args) => {
    const notJson = join(dir, 'not.json')
    await writeFile(notJson, 'not json')
    const paths: Record<string, string> = {
      REPORT: reportPath,
      JWS: join(dir, 'run', 'report.jws'),
      JWKS: jwksPath,
      KEY: keyPath,
      NOTJSON: notJson,
    }
    const { code, stderr } = await reportCli(...args.map((a) => paths[a] ?? a))
    expect(code).toBe(2)
    expect(stderr).not.toBe('')
  })
})
