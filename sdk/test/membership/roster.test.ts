// The authority's group endpoints, served by a real oidc-provider with the authority plugin and
// read with client-credentials tokens from it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ProtocolError,
  createGroupHandler,
  discoverAuthority,
  requestRosterToken,
  validateDocument,
  type DiscoveredAuthority,
  type MembershipStore,
  type RosterPage,
} from '../../src/index.js'
import {
  REDIRECT_URI,
  STRANGER,
  STRANGER_SECRET,
  TOOL,
  TOOL_SECRET,
  signInAs,
  startAuthority,
  type AuthorityHarness,
} from '../auth/support.js'
import { finishSignIn, startSignIn } from '../../src/index.js'

const loopback = { allowHttp: true, allowPrivateNetwork: true } as const

let h: AuthorityHarness
let tool: DiscoveredAuthority
let stranger: DiscoveredAuthority
let token: string
let strangerToken: string

beforeAll(async () => {
  h = await startAuthority()
  tool = await discoverAuthority(h.group, {
    clientId: TOOL,
    clientSecret: TOOL_SECRET,
    ...loopback,
  })
  stranger = await discoverAuthority(h.group, {
    clientId: STRANGER,
    clientSecret: STRANGER_SECRET,
    ...loopback,
  })
  token = (await requestRosterToken(tool)).accessToken
  strangerToken = (await requestRosterToken(stranger)).accessToken
})
afterAll(async () => {
  await h.close()
})

async function get(
  url: string,
  bearer?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** Reads every page from `url`, following `next`. */
async function readAll(url: string, bearer: string): Promise<RosterPage[]> {
  const pages: RosterPage[] = []
  let next: string | undefined = url
  while (next !== undefined) {
    const { status, body } = await get(next, bearer)
    expect(status).toBe(200)
    const page = body as unknown as RosterPage
    pages.push(page)
    next = page.next
  }
  return pages
}

/** A fresh authority of its own, and this tool's roster token there, for tests that change it. */
async function withLocalAuthority(
  test: (local: AuthorityHarness, bearer: string) => Promise<void>,
): Promise<void> {
  const local = await startAuthority()
  try {
    const a = await discoverAuthority(local.group, {
      clientId: TOOL,
      clientSecret: TOOL_SECRET,
      ...loopback,
    })
    await test(local, (await requestRosterToken(a)).accessToken)
  } finally {
    await local.close()
  }
}

describe('the group document', () => {
  it('[MEM-GRP-001] accepts an anonymous request for a public group and serves its document', async () => {
    const { status, body } = await get(h.group.id)
    expect(status).toBe(200)
    expect(body).toEqual(h.group)
    expect(body['authority']).toBe(h.issuer)
  })

  it('[MEM-GRP-001] rejects a request for a secret group from a tool not installed in it, as if it did not exist', async () => {
    const secret = { ...h.otherGroup, visibility: 'secret' as const }
    await h.store.putGroup(secret)
    try {
      expect((await get(secret.id, strangerToken)).body['code']).toBe('ERR_NOT_FOUND')
      expect((await get(secret.id)).status).toBe(404)
      expect((await get(`${h.issuer}/g/nowhere`)).status).toBe(404)
      expect((await get(secret.id, token)).status).toBe(200)
    } finally {
      await h.store.putGroup(h.otherGroup)
    }
  })
})

describe('reading the roster', () => {
  it('[MEM-ROS-001] [MEM-ROS-002] [MEM-ROS-003] accepts an installed tool’s client-credentials token and serves every current membership, page by page', async () => {
    const pages = await readAll(h.group.memberships, token)
    expect(pages.length).toBeGreaterThan(0)
    for (const page of pages) {
      expect(validateDocument(page, { kind: 'RosterPage' }).valid).toBe(true)
      expect(page.organization).toBe(h.group.id)
      expect(page.members.length).toBeLessThanOrEqual(2)
      expect(page.differences).toMatch(/\?since=\d+$/)
    }
    const ids = pages.flatMap((p) => p.members.map((m) => m.member.id))
    expect(ids.sort()).toEqual([h.members.aroha, h.members.tomas].sort())
  })

  it('[MEM-ROS-001] rejects a request without a token, with an unknown token, with a member’s access token (401), or without cta:roster (403 insufficient_scope)', async () => {
    const none = await fetch(h.group.memberships)
    expect(none.status).toBe(401)
    expect(((await none.json()) as { code: string }).code).toBe('ERR_UNAUTHORIZED')
    // RFC 6750 §3.1: no error code when the request carried no token at all.
    expect(none.headers.get('www-authenticate')).toBe('Bearer')
    const unknown = await fetch(h.group.memberships, { headers: { authorization: 'Bearer nope' } })
    expect(unknown.status).toBe(401)
    expect(unknown.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
    const { url, pending } = await startSignIn(tool, { redirectUri: REDIRECT_URI })
    const member = await finishSignIn(tool, await signInAs(url, h.members.aroha), pending)
    const asMember = await get(h.group.memberships, member.accessToken)
    expect([asMember.status, asMember.body['code']]).toEqual([401, 'ERR_UNAUTHORIZED'])
    const endpoint = tool.configuration.serverMetadata().token_endpoint ?? ''
    const basic = Buffer.from(`${encodeURIComponent(TOOL)}:${TOOL_SECRET}`).toString('base64')
    // A tool's own token without cta:roster (member scopes are refused to this grant: AUTH-OIDC-004).
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    })
    expect(response.status).toBe(200)
    const narrow = ((await response.json()) as { access_token: string }).access_token
    for (const resource of [h.group.memberships, h.group.tools]) {
      const scoped = await fetch(resource, { headers: { authorization: `Bearer ${narrow}` } })
      expect(scoped.status).toBe(403)
      expect(scoped.headers.get('www-authenticate')).toBe(
        'Bearer error="insufficient_scope", scope="cta:roster"',
      )
      expect(await scoped.json()).toMatchObject({
        code: 'ERR_INSUFFICIENT_SCOPE',
        type: 'https://w3id.org/cta/errors#ERR_INSUFFICIENT_SCOPE',
      })
    }
  })

  it('[MEM-ROS-002] rejects a tool that is not installed in the group: it sees nothing of the roster', async () => {
    const { status, body } = await get(h.group.memberships, strangerToken)
    expect(status).toBe(403)
    expect(body['code']).toBe('ERR_NOT_INSTALLED')
    expect(body['type']).toBe('https://w3id.org/cta/errors#ERR_NOT_INSTALLED')
    expect(JSON.stringify(body)).not.toContain(h.members.aroha)
  })

  it('[MEM-ROS-002] accepts any authenticated tool for a public roster', async () => {
    await h.store.putGroup({ ...h.otherGroup, rosterVisibility: 'public' })
    try {
      const pages = await readAll(h.otherGroup.memberships, strangerToken)
      expect(pages.flatMap((p) => p.members).length).toBe(2)
    } finally {
      await h.store.putGroup(h.otherGroup)
    }
  })

  it('[MEM-ROS-003] rejects ended memberships from a full read, and caps a page at 1,000', async () => {
    await withLocalAuthority(async (local, bearer) => {
      await local.authority.registry.leave(local.group.id, local.members.aroha)
      const pages = await readAll(local.group.memberships, bearer)
      const listed = pages.flatMap((p) => p.members)
      expect(listed.map((m) => m.member.id)).toEqual([local.members.tomas])
      expect(listed.every((m) => m.membershipStatus === 'active')).toBe(true)
      const big = await get(`${local.group.memberships}?limit=5000`, bearer)
      expect(big.status).toBe(200)
      expect(big.body['next']).toBeUndefined()
    })
  })
})

describe('differences', () => {
  it('[MEM-SYNC-001] accepts a differences cursor and returns exactly the memberships changed since, ended ones with their final status', async () => {
    await withLocalAuthority(async (local, bearer) => {
      const pages = await readAll(local.group.memberships, bearer)
      const cursor = pages.at(-1)?.differences ?? ''
      const { registry } = local.authority
      await registry.update(local.group.id, local.members.tomas, { coreRole: 'moderator' })
      await registry.remove(local.group.id, local.members.aroha)
      await registry.join(
        local.group.id,
        { id: local.members.mere, type: 'Person' },
        {
          role: [`${local.group.id}/roles/member`],
          coreRole: 'member',
        },
      )
      const changed = await readAll(cursor, bearer)
      const members = changed.flatMap((p) => p.members)
      expect(members.map((m) => [m.member.id, m.membershipStatus, m.coreRole])).toEqual([
        [local.members.tomas, 'active', 'moderator'],
        [local.members.aroha, 'removed', 'member'],
        [local.members.mere, 'active', 'member'],
      ])
      expect(members[1]?.endTime).toBeDefined()
      // Reading the same cursor again is harmless: the same memberships, as they are now.
      expect((await readAll(cursor, bearer)).flatMap((p) => p.members)).toEqual(members)
      // Nothing changed since the newest cursor.
      const newest = changed.at(-1)?.differences ?? ''
      expect((await readAll(newest, bearer)).flatMap((p) => p.members)).toEqual([])
    })
  })

  it('[MEM-SYNC-001] rejects next and differences URLs the authority did not issue', async () => {
    for (const query of [
      'since=999999',
      'since=-1',
      'after=1',
      'since=1&after=1&snapshot=2',
      'page=2',
      'limit=0',
      'since=1&since=2',
      'after=99&snapshot=99',
    ]) {
      const { status, body } = await get(`${h.group.memberships}?${query}`, token)
      expect([status, body['code']], query).toEqual([400, 'ERR_REQUEST_INVALID'])
    }
  })

  it('[MEM-SYNC-003] rejects a cursor older than the changes the store still holds with 410 ERR_CURSOR_EXPIRED', async () => {
    const store = h.store
    const forgetful: MembershipStore = {
      ...store,
      listMemberships: async (group, options) => {
        if (!options.current && options.after < 2) {
          throw new ProtocolError('ERR_CURSOR_EXPIRED', 'changes before 2 are forgotten')
        }
        return store.listMemberships(group, options)
      },
    }
    const groups = createGroupHandler({ store: forgetful, authenticate: () => TOOL })
    const expired = await groups(new Request(`${h.group.memberships}?since=1`))
    expect(expired.status).toBe(410)
    expect(((await expired.json()) as { code: string }).code).toBe('ERR_CURSOR_EXPIRED')
    const fresh = await groups(new Request(`${h.group.memberships}?since=2`))
    expect(fresh.status).toBe(200)
  })
})

describe('tool installations', () => {
  it('[MEM-INS-001] accepts an installed tool and lists the group’s installations without @context', async () => {
    const { status, body } = await get(h.group.tools, token)
    expect(status).toBe(200)
    expect(body).toMatchObject({ id: h.group.tools, type: 'OrderedCollection', totalItems: 1 })
    const [installation] = body['orderedItems'] as Record<string, unknown>[]
    expect(installation).toMatchObject({
      type: 'ToolInstallation',
      tool: TOOL,
      installationStatus: 'active',
    })
    expect(installation).not.toHaveProperty('@context')
    expect(validateDocument(installation, { kind: 'EmbeddedToolInstallation' }).valid).toBe(true)
  })

  it('[MEM-INS-001] rejects a tool that is not installed, and one whose installation was removed', async () => {
    expect((await get(h.group.tools, strangerToken)).body['code']).toBe('ERR_NOT_INSTALLED')
    await withLocalAuthority(async (local, bearer) => {
      await local.authority.registry.disconnectTool(local.group.id, TOOL)
      expect((await get(local.group.tools, bearer)).body['code']).toBe('ERR_NOT_INSTALLED')
      expect((await get(local.group.memberships, bearer)).body['code']).toBe('ERR_NOT_INSTALLED')
    })
  })

  it('answers only GET, and 404 for anything else under the groups path', async () => {
    const post = await fetch(h.group.memberships, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(post.status).toBe(405)
    expect((await get(`${h.group.id}/elsewhere`, token)).status).toBe(404)
    expect(() =>
      createGroupHandler({ store: h.store, authenticate: () => TOOL, pageSize: 1001 }),
    ).toThrow(TypeError)
  })
})
