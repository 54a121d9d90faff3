// Any OpenID Connect library can be a relying tool: a Python tool on Debian's python3-authlib, with
// Authlib's default settings, signs a member in at the Decisions authority on 127.0.0.1 (discovery,
// PKCE, code exchange), verifies the ID token, exchanges the access token for a membership
// assertion and verifies it, and meets each standard OAuth error where the standard puts it.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDecisions, type Decisions, type Person } from '../decisions/decisions.js'

const run = promisify(execFile)
const SCRIPT = fileURLToPath(new URL('./authlib/relying_tool.py', import.meta.url))
/** The relying tool's origin, its `client_id` (nothing needs to listen there). */
const TOOL = 'http://127.0.0.1:8765'

/** Debian's Python with Authlib (CI installs python3-authlib into /usr/bin). */
async function findPython(): Promise<string | undefined> {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      await run(python, ['-c', 'import authlib, requests'])
      return python
    } catch {
      // not this one
    }
  }
  return undefined
}

const python = await findPython()
if (python === undefined) {
  console.warn(
    'authlib-relying-tool.test.ts skipped: no python3 with authlib and requests ' +
      '(apt-get install python3-authlib; .ci/run installs it)',
  )
}

let decisions: Decisions
let aroha: Person
let olly: Person
let observed: Record<string, unknown>

beforeAll(async () => {
  if (python === undefined) return
  decisions = await startDecisions()
  const tomas = decisions.person('tomas', 'Tomás')
  aroha = decisions.person('aroha', 'Aroha')
  olly = decisions.person('olly', 'Olly Outsider') // an account with no membership
  await decisions.join(tomas, tomas, 'admin')
  await decisions.join(aroha, tomas)
  const secret = randomBytes(32).toString('base64url')
  // A plain OpenID library has no CTA manifest to sign an install request with: planted (test only).
  decisions.plantClient({ origin: TOOL, secret, name: 'Authlib relying tool' })
  await decisions.connectTool({ origin: TOOL, name: 'Authlib relying tool' }, tomas)
  const config = {
    issuer: decisions.origin,
    group: decisions.group,
    client_id: TOOL,
    client_secret: secret,
    redirect_uri: `${TOOL}/cta/callback`,
    member: aroha.id,
    outsider: olly.id,
  }
  const { stdout } = await run(python, [SCRIPT, JSON.stringify(config)], { timeout: 30_000 })
  observed = JSON.parse(stdout) as Record<string, unknown>
}, 60_000)
afterAll(async () => {
  if (python !== undefined) await decisions.close()
})

describe.skipIf(python === undefined)('an Authlib relying tool with default settings', () => {
  it('[AUTH-OIDC-003] accepts the discovery document under Authlib’s OpenID metadata checks (https aside), RS256 listed', () => {
    expect(observed['discovery_problems']).toEqual([])
    expect(observed['id_token_algs']).toContain('RS256')
    expect(observed['auth_methods']).toEqual(['client_secret_basic', 'client_secret_post'])
  })

  it('[AUTH-OIDC-001] [AUTH-OIDC-003] signs in with PKCE and client_secret_basic, and verifies the RS256 ID token naming the group', () => {
    expect(observed['callback_iss']).toBe(decisions.origin)
    expect(observed['id_token']).toEqual({
      alg: 'RS256',
      sub: aroha.id,
      groups: [decisions.group],
    })
  })

  it('exchanges the access token for a membership assertion it verifies with the authority’s keys', () => {
    expect(observed['assertion']).toEqual({
      typ: 'cta-membership+jwt',
      alg: 'EdDSA',
      groups: [decisions.group],
      lifetime: 300,
      issued_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    })
  })

  it('[AUTH-OIDC-002] [AUTH-OIDC-004] rejects a wrong secret, a reused code, a wrong verifier, a non-member and a group without cta:membership with the standard OAuth errors', () => {
    expect(observed['errors']).toEqual({
      wrong_secret: 'invalid_client',
      reused_code: 'invalid_grant',
      wrong_verifier: 'invalid_grant',
      not_a_member: 'access_denied',
      token_after_denial: 'invalid_scope',
      group_without_membership_scope: 'invalid_request',
    })
  })
})
