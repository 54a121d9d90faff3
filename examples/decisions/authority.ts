// Decisions as its group's authority: a real OpenID Provider (`oidc-provider`) with the SDK's group
// auth plugin, on the tool's own origin, so the issuer is the origin that the Group document names
// as `authority`. What a vendor writes is here: the provider's configuration (storage, keys,
// accounts, cookies), where the OAuth clients of installed tools are kept (the install flow
// registers them when an admin approves, and revokes them on uninstall), and the login and consent
// pages.
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import Provider, { type InteractionDetails } from 'oidc-provider'
import {
  createManifestResolver,
  generateSigningKey,
  type Event,
  type MembershipStore,
  type SigningKey,
} from '@cta-interop/sdk'
import { createGroupAuthority, type GroupAuthority } from '@cta-interop/sdk/authority'
import { esc, type NodeListener } from '../src/http.js'
import { LOCAL } from '../src/producer.js'
import { createMurmurationsProfiles } from './murmurations.js'

/** Options of {@link startAuthority}. */
export interface AuthorityOptions {
  /** The tool's origin: the provider's issuer and the `source` of its events. */
  readonly origin: string
  /** Where the groups, memberships and installations are. */
  readonly store: MembershipStore
  /** The tool's event key (from its manifest): it signs the registry's membership events. */
  readonly eventKey: SigningKey
  /** Hands each signed membership or `group.tool.*` event to the tool's outbox. */
  readonly emit: (jws: string, event: Event) => Promise<void>
  /** A person's name, for the ID token's `name` (scope `profile`) and the login page. */
  readonly nameOf: (person: string) => string | undefined
  /** Where an admin approves install request `id` (the authority's `approval_uri`). */
  readonly approvalUri: (id: string) => string
}

/** The running authority, from {@link startAuthority}. */
export interface Authority {
  /** The group auth plugin: its `registry` is where memberships and installations change. */
  readonly plugin: GroupAuthority
  /** The paths the provider and the interaction pages answer on the tool's origin. */
  readonly serves: (path: string) => boolean
  /** The provider and the interaction pages, as one `node:http` listener. */
  readonly listener: NodeListener
  /**
   * TEST ONLY: plants an OAuth client (`client_id` its origin, redirect `<origin>/cta/callback`)
   * for a peer that cannot go through the install flow (the conformance suite's own client, a
   * non-CTA OpenID library). Tools install through `POST /install` and an admin's approval.
   */
  readonly plantClient: (client: { origin: string; secret: string; name?: string }) => void
  /** Test and demo only: the next interaction completes as this person, consenting. */
  readonly autoSignIn: (person: string) => void
}

/** Where `oidc-provider` serves its endpoints (its defaults), and the plugin its group endpoints. */
const PROVIDER_PATHS = [
  '/.well-known/openid-configuration',
  '/auth',
  '/token',
  '/jwks',
  '/me',
  '/session',
  '/request',
  '/g',
  '/interaction',
  // The install flow: `POST /install`, `GET /install/<id>` (the plugin's).
  '/install',
]

/** A row of the adapter: what `oidc-provider` stored, and until when (ms since the epoch). */
interface Row {
  readonly payload: Record<string, unknown>
  readonly expires: number
}

/**
 * `oidc-provider` keeps sessions, grants, codes and tokens through an adapter; clients registered
 * at runtime live there too (model `Client`). This one is in memory, like the rest of the example;
 * a deployment backs the same seven methods with its database.
 */
function memoryAdapter() {
  const rows = new Map<string, Row>()
  const live = (key: string): Record<string, unknown> | undefined => {
    const row = rows.get(key)
    if (row !== undefined && row.expires <= Date.now()) rows.delete(key)
    return row !== undefined && row.expires > Date.now() ? row.payload : undefined
  }
  const put = (model: string, id: string, payload: Record<string, unknown>, ttl?: number): void => {
    rows.set(`${model}:${id}`, {
      payload,
      expires: ttl === undefined ? Infinity : Date.now() + ttl * 1000,
    })
  }
  const findBy = (model: string, field: string, value: string) => {
    for (const [key, row] of rows) {
      if (key.startsWith(`${model}:`) && row.payload[field] === value) return live(key)
    }
    return undefined
  }
  const factory = (model: string) => ({
    upsert: (id: string, payload: Record<string, unknown>, expiresIn?: number) => {
      put(model, id, payload, expiresIn)
      return Promise.resolve()
    },
    find: (id: string) => Promise.resolve(live(`${model}:${id}`)),
    findByUid: (uid: string) => Promise.resolve(findBy(model, 'uid', uid)),
    findByUserCode: (code: string) => Promise.resolve(findBy(model, 'userCode', code)),
    consume: (id: string) => {
      const payload = live(`${model}:${id}`)
      if (payload !== undefined) payload['consumed'] = Math.floor(Date.now() / 1000)
      return Promise.resolve()
    },
    destroy: (id: string) => {
      rows.delete(`${model}:${id}`)
      return Promise.resolve()
    },
    revokeByGrantId: (grantId: string) => {
      for (const [key, row] of rows) if (row.payload['grantId'] === grantId) rows.delete(key)
      return Promise.resolve()
    },
  })
  const get = (model: string, id: string): Record<string, unknown> | undefined =>
    live(`${model}:${id}`)
  const remove = (model: string, id: string): void => {
    rows.delete(`${model}:${id}`)
  }
  return { factory, put, get, remove }
}

/** Reads a small `application/x-www-form-urlencoded` body (a login or consent form). */
async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = ''
  for await (const chunk of req) {
    body += String(chunk)
    if (body.length > 4096) throw new Error('form too large')
  }
  return new URLSearchParams(body)
}

const page = (res: ServerResponse, title: string, body: string, status = 200): void => {
  res.statusCode = status
  res.setHeader('content-type', 'text/html; charset=utf-8')
  res.setHeader('cache-control', 'no-store')
  res.end(
    `<!doctype html><html lang="en"><meta charset="utf-8"><title>${esc(title)}</title>` +
      `<h1>${esc(title)}</h1>${body}</html>`,
  )
}

/**
 * Starts the authority: the provider, its keys and storage, the group auth plugin mounted on it,
 * and the login and consent pages. Serve `listener` for the paths `serves` matches.
 */
export async function startAuthority(options: AuthorityOptions): Promise<Authority> {
  const { origin, store } = options
  // Membership assertions are signed with the provider's own Ed25519 key, served at `/jwks`
  // (`jwks_uri`); ID tokens with RS256, which every OpenID library verifies, from an RSA key the
  // plugin adds to the same JWKS (AUTH-OIDC-003); events are signed with the tool's event key,
  // served from its manifest.
  const signing = await generateSigningKey({ kid: 'decisions-oidc-1', extractable: true })
  // Web Crypto exports `key_ops: ['sign']`, which the public key at `/jwks` must not keep.
  const {
    key_ops: _ops,
    ext: _ext,
    ...jwk
  } = await crypto.subtle.exportKey('jwk', signing.privateKey)
  const adapter = memoryAdapter()
  const plugin = await createGroupAuthority({
    store,
    jwks: { keys: [{ ...jwk, kid: signing.kid, alg: signing.alg, use: 'sig' }] },
    events: { source: origin, key: options.eventKey, emit: options.emit },
    install: {
      // Where an admin of the group approves a tool's request: Decisions' page (`approval_uri`).
      approvalUri: options.approvalUri,
      // An admin's approval registers the tool as a client where `oidc-provider` looks clients
      // up (the adapter's `Client` model: no restart needed); uninstalling removes it, so the
      // tool's next token request fails.
      clients: {
        find: (clientId) => Promise.resolve(adapter.get('Client', clientId)),
        register: (metadata) => {
          adapter.put('Client', metadata.client_id, { ...metadata })
          return Promise.resolve()
        },
        revoke: (clientId) => {
          adapter.remove('Client', clientId)
          return Promise.resolve()
        },
      },
      // A tool asking to be installed is not known yet: its manifest is fetched from any origin
      // (loopback and plain HTTP allowed here, as everywhere in the examples).
      manifests: createManifestResolver({ ...LOCAL, allowAnySource: true }),
    },
  })
  const provider = new Provider(
    origin,
    plugin.configuration({
      adapter: adapter.factory,
      findAccount: (_ctx: unknown, id: string) => {
        const name = options.nameOf(id)
        return name === undefined ? undefined : { accountId: id, claims: () => ({ sub: id, name }) }
      },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      interactions: {
        url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      },
      ttl: {
        AccessToken: 3600,
        AuthorizationCode: 60,
        IdToken: 3600,
        Interaction: 600,
        Session: 3600,
        Grant: 3600,
        ClientCredentials: 600,
      },
    }),
  )
  provider.on('server_error', (_ctx, error) => {
    console.error('oidc-provider:', error)
  })
  plugin.mount(provider)
  const profiles = createMurmurationsProfiles({ origin, store })
  const callback = provider.callback()

  // Test and demo only (autoSignIn): who the next login is, then whose consent is given.
  let armed: string | undefined
  let consenting: string | undefined
  const finish = (
    req: IncomingMessage,
    res: ServerResponse,
    result: unknown,
    merge: boolean,
  ): Promise<void> =>
    provider.interactionFinished(req, res, result, { mergeWithLastSubmission: merge })
  const consent = (details: InteractionDetails) => plugin.consent(provider, details)

  /** The login page: the group's members, each a button. A demo: no passwords. */
  const loginPage = async (res: ServerResponse, details: InteractionDetails): Promise<void> => {
    const requested = details.params['cta_group']
    const group = typeof requested === 'string' ? await store.getGroup(requested) : undefined
    const members =
      group === undefined
        ? []
        : (await store.listMemberships(group.id, { after: 0, limit: 1000, current: true })).items
    const buttons = members
      .map(
        (m) =>
          `<li><button name="person" value="${esc(m.member.id)}">${esc(m.member.name ?? m.member.id)}</button></li>`,
      )
      .join('')
    page(
      res,
      `Sign in to ${group?.name ?? 'Decisions'}`,
      `<p><strong>Demo only:</strong> there are no passwords here; pick who you are. A real ` +
        `authority signs people in with its own login.</p>` +
        `<form method="post" action="/interaction/${esc(details.uid)}/login"><ul>${buttons}</ul></form>`,
    )
  }

  /** The consent page: disclose your membership of this one group to this tool? */
  const consentPage = async (res: ServerResponse, details: InteractionDetails): Promise<void> => {
    const requested = details.params['cta_group']
    const group = typeof requested === 'string' ? await store.getGroup(requested) : undefined
    const tool = String(details.params['client_id'])
    const action = `/interaction/${esc(details.uid)}`
    page(
      res,
      'Share your membership?',
      `<p>${esc(tool)} asks to know that you are a member of ${esc(group?.name ?? 'this group')}` +
        ` (your roles, and your name). Nothing about your other groups is shared.</p>` +
        `<form method="post" action="${action}/consent"><button>Allow</button></form>` +
        `<form method="post" action="${action}/deny"><button>Deny</button></form>`,
    )
  }

  const interact = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const step = new URL(req.url ?? '/', origin).pathname.split('/')[3]
    const details = await provider.interactionDetails(req, res)
    const prompt = details.prompt.name
    // autoSignIn: complete the login as the armed person, then their consent, without a page.
    if (armed !== undefined && prompt === 'login') {
      consenting = armed
      armed = undefined
      return finish(req, res, { login: { accountId: consenting } }, false)
    }
    if (consenting !== undefined && prompt === 'consent') {
      const auto = details.session?.accountId === consenting
      consenting = undefined
      if (auto) return finish(req, res, await consent(details), true)
    }
    if (req.method === 'GET') {
      return prompt === 'login' ? loginPage(res, details) : consentPage(res, details)
    }
    const form = await readForm(req)
    if (step === 'login' && prompt === 'login') {
      const person = form.get('person') ?? ''
      if (options.nameOf(person) === undefined) return loginPage(res, details)
      return finish(req, res, { login: { accountId: person } }, false)
    }
    if (step === 'consent' && prompt === 'consent') {
      // The plugin decides: active member of the group, tool installed in it; else access_denied.
      return finish(req, res, await consent(details), true)
    }
    if (step === 'deny') {
      const declined = { error: 'access_denied', error_description: 'the member declined' }
      return finish(req, res, declined, false)
    }
    page(res, 'Not this step', '<p>Start the sign-in again from the tool.</p>', 400)
  }

  return {
    plugin,
    serves: (path) => PROVIDER_PATHS.some((p) => path === p || path.startsWith(`${p}/`)),
    listener: (req, res) => {
      // A public group's directory profile (MEM-DIR-001), under its IRI: not the provider's.
      if (profiles.matches((req.url ?? '/').split('?')[0] ?? '/')) {
        profiles.listener(req, res)
        return
      }
      if (req.url?.startsWith('/interaction/') !== true) {
        callback(req, res)
        return
      }
      interact(req, res).catch((err: unknown) => {
        if (!res.headersSent) page(res, 'Sign-in failed', `<p>${esc(String(err))}</p>`, 400)
      })
    },
    plantClient({ origin: tool, secret, name }) {
      // Stored through the adapter, where `oidc-provider` looks clients up: no restart needed.
      adapter.put('Client', tool, {
        client_id: tool,
        client_secret: secret,
        ...(name === undefined ? {} : { client_name: name }),
        redirect_uris: [`${tool}/cta/callback`],
        grant_types: [
          'authorization_code',
          'client_credentials',
          'urn:ietf:params:oauth:grant-type:token-exchange',
        ],
        response_types: ['code'],
        scope: 'openid profile cta:membership cta:roster',
      })
    },
    autoSignIn(person) {
      armed = person
    },
  }
}
