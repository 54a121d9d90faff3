import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { exportJWK } from 'jose'
import {
  createKeyRing,
  generateSigningKey,
  importSigningKey,
  toJwks,
  type SigningAlgorithm,
  type SigningKey,
} from '@cta-interop/sdk'
import { CliError, EXIT } from './cli-error.js'
import { kidOrigin, readJsonFile } from './key-source.js'
import { createPrinter } from './print.js'

/** The file names `cta keys` writes in its directory. */
export const KEY_FILES = {
  private: 'private.jwk.json',
  next: 'next.private.jwk.json',
  jwks: 'jwks.json',
  rotation: 'rotation.json',
} as const

/** The private JWK of an extractable key, with its `kid`, `alg` and `use`. */
async function privateJwk(key: SigningKey): Promise<Record<string, unknown>> {
  return { ...(await exportJWK(key.privateKey)), kid: key.kid, alg: key.alg, use: 'sig' }
}

const writeSecret = (path: string, value: unknown): Promise<void> =>
  writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 })
const writePublic = (path: string, value: unknown): Promise<void> =>
  writeFile(path, `${JSON.stringify(value, null, 2)}\n`)

/** Reads a private JWK file written by `cta keys` (or any private Ed25519/P-256 JWK). */
export async function loadSigningKey(path: string): Promise<SigningKey> {
  const jwk = (await readJsonFile(path)) as Record<string, unknown>
  try {
    return await importSigningKey(jwk, {})
  } catch (err) {
    throw new CliError('ERR_KEY_INVALID', `${path}: ${(err as Error).message}`)
  }
}

/** `cta keys generate | rotate`. */
export async function keys(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      alg: { type: 'string' },
      origin: { type: 'string' },
      out: { type: 'string' },
      dir: { type: 'string' },
      'publish-lead': { type: 'string' },
      json: { type: 'boolean' },
    },
  })
  const out = createPrinter(values.json === true)
  const action = positionals[0]
  if (action === 'generate') {
    const alg = values.alg ?? 'EdDSA'
    if (alg !== 'EdDSA' && alg !== 'ES256')
      throw new CliError('ERR_USAGE', '--alg is EdDSA or ES256')
    const dir = values.out ?? values.dir ?? '.'
    const key = await generateSigningKey({
      alg,
      extractable: true,
      ...(values.origin === undefined ? {} : { origin: new URL(values.origin).origin }),
    })
    await mkdir(dir, { recursive: true })
    const files = { private: join(dir, KEY_FILES.private), jwks: join(dir, KEY_FILES.jwks) }
    await writeSecret(files.private, await privateJwk(key))
    await writePublic(files.jwks, toJwks([key]))
    out.result({ kid: key.kid, alg, files })
    out.line(`generated ${alg} key ${key.kid}`)
    out.line(`  private JWK: ${files.private} (mode 600: keep it secret)`)
    out.line(`  public JWKS: ${files.jwks} (serve it at your manifest's jwks_uri)`)
    if (values.origin === undefined) {
      out.line('  note: no --origin, so the kid is a bare thumbprint; receivers find keys by')
      out.line('  <tool origin>#<thumbprint> (EVT-KEY-001): pass --origin https://your.tool')
    }
    return EXIT.ok
  }
  if (action === 'rotate') {
    const dir = values.dir ?? values.out
    if (dir === undefined) throw new CliError('ERR_USAGE', 'cta keys rotate --dir <dir>')
    const current = await loadSigningKey(join(dir, KEY_FILES.private))
    const origin = kidOrigin(current.kid)
    const next = await generateSigningKey({
      alg: (values.alg as SigningAlgorithm | undefined) ?? current.alg,
      extractable: true,
      ...(origin === undefined ? {} : { origin }),
    })
    const lead = values['publish-lead'] === undefined ? undefined : Number(values['publish-lead'])
    let ring
    try {
      ring = createKeyRing({ current, ...(lead === undefined ? {} : { publishLead: lead }) })
    } catch (err) {
      throw new CliError('ERR_USAGE', (err as Error).message)
    }
    const signsFrom = ring.rotate(next)
    const old = ring.entries()[0]
    const retireAt = new Date(old?.unpublishedAt ?? Number.NaN)
    const files = {
      next: join(dir, KEY_FILES.next),
      jwks: join(dir, KEY_FILES.jwks),
      rotation: join(dir, KEY_FILES.rotation),
    }
    const schedule = {
      current: current.kid,
      next: next.kid,
      publishNow: files.jwks,
      switchAt: signsFrom.toISOString(),
      retireAt: retireAt.toISOString(),
      cacheControl: ring.cacheControl,
    }
    await writeSecret(files.next, await privateJwk(next))
    await writePublic(files.jwks, ring.jwks())
    await writePublic(files.rotation, schedule)
    out.result({ ...schedule, files })
    out.line(`next key ${next.kid} (${next.alg})`)
    out.line(
      `  1. now: publish ${files.jwks} (both keys), served with Cache-Control: ${ring.cacheControl}`,
    )
    out.line(`  2. at ${schedule.switchAt}: sign with ${files.next} (EVT-ROT-001: published first`)
    out.line('     for as long as receivers may cache the JWKS), and make it private.jwk.json')
    out.line(`  3. at ${schedule.retireAt}: drop ${current.kid} from the JWKS (EVT-ROT-002: kept`)
    out.line('     until every event it signed is past the 72 h window plus the skew)')
    out.line(`  never publish a kid twice (EVT-ROT-003); schedule saved in ${files.rotation}`)
    return EXIT.ok
  }
  throw new CliError('ERR_USAGE', 'cta keys generate | rotate')
}
