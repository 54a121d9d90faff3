import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import {
  ProtocolError,
  TOKEN_EXCHANGE_GRANT_TYPE,
  findAssertionSubject,
  verifyInstallStatement,
  type GroupRegistry,
  type ActorRef,
  type ManifestResolver,
  type MembershipStore,
  type ToolInstallation,
} from '@cta-interop/sdk'
import type {
  GroupInstalls,
  InstallClients,
  InstallRequest,
  InstallClientMetadata,
} from '../install-types.js'

/** What the install routes need besides the public operations. @internal */
export interface GroupInstallsInternal extends GroupInstalls {
  /** Checks a statement and records a pending request (`POST /install`). */
  receive(statement: string): Promise<{ request: InstallRequest; requestToken: string }>
  /** The status answer for the bearer of a request token (`GET /install/:id`). */
  status(id: string, requestToken: string): Promise<Record<string, unknown>>
}

interface Entry {
  request: InstallRequest
  tokenHash: Buffer
  clientSecret?: string
}

/** Statement ids remembered at most, before the oldest are dropped. */
const MAX_SEEN = 100_000
/** Pending requests kept at most; beyond, new ones are refused until admins decide. */
const MAX_PENDING = 1000

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest()
const random = (bytes: number): string => randomBytes(bytes).toString('base64url')
const union = (a: readonly string[] | undefined, b: readonly string[]): string[] => [
  ...new Set([...(a ?? []), ...b]),
]

/**
 * The install requests of an authority, kept in memory (a restart forgets pending ones: their
 * tools ask again), with the statement ids seen until they expire.
 * @internal
 */
export function createGroupInstalls(options: {
  readonly issuer: () => string
  readonly store: MembershipStore
  readonly registry: GroupRegistry
  readonly manifests: () => ManifestResolver
  readonly clients: () => InstallClients
  readonly now: () => Date
}): GroupInstallsInternal {
  const { store, registry } = options
  const entries = new Map<string, Entry>()
  const seen = new Map<string, number>()
  const deciding = new Set<string>()

  const nowSeconds = (): number => Math.floor(options.now().getTime() / 1000)

  /** Remembers a statement id until it expires; refuses one seen before. */
  const remember = (key: string, exp: number): void => {
    const now = nowSeconds()
    const until = seen.get(key)
    if (until !== undefined && until + 60 > now) {
      throw new ProtocolError('ERR_STATEMENT_REPLAYED', 'this statement was used before')
    }
    if (seen.size >= MAX_SEEN) {
      for (const [k, t] of seen) if (t + 60 <= now) seen.delete(k)
      // Still full of live ids: refuse rather than forget one that could be replayed.
      if (seen.size >= MAX_SEEN) throw new ProtocolError('ERR_FETCH_FAILED', 'too many requests')
    }
    seen.set(key, exp)
  }

  /** The admin as the actor of the events, once their right to manage tools is checked. */
  const adminCheck = async (group: string, by: string): Promise<ActorRef> => {
    const subject = await findAssertionSubject(store, group, by)
    if (subject?.entitlements.includes('manageTools') !== true) {
      throw new ProtocolError('ERR_NOT_ADMIN', 'only an active admin of the group decides on tools')
    }
    const member = (await store.getMembership(group, by))?.member
    return { id: by, type: 'Person', name: member?.name ?? 'An admin' }
  }

  const pendingOne = async (id: string, by: string): Promise<{ entry: Entry; actor: ActorRef }> => {
    const entry = entries.get(id)
    if (entry === undefined) throw new ProtocolError('ERR_NOT_FOUND', 'no such install request')
    if (entry.request.status !== 'pending' || deciding.has(id)) {
      throw new ProtocolError('ERR_INSTALL_DECIDED', 'the request was already decided')
    }
    // Held from here to the decision's end, so two decisions on one request never both go on.
    deciding.add(id)
    try {
      return { entry, actor: await adminCheck(entry.request.group, by) }
    } catch (err) {
      deciding.delete(id)
      throw err
    }
  }

  return {
    async receive(statement) {
      const issuer = options.issuer()
      const verified = await verifyInstallStatement(statement, {
        audience: issuer,
        resolveKey: options.manifests().resolveKey,
        now: options.now,
      })
      remember(`${verified.tool} ${verified.jti}`, verified.exp)
      const group = await store.getGroup(verified.group)
      // A secret group, or another authority's, is answered as unknown: nothing tells it exists.
      if (group === undefined || group.visibility === 'secret' || group.authority !== issuer) {
        throw new ProtocolError('ERR_GROUP_UNKNOWN', 'no such group at this authority')
      }
      let pending = 0
      for (const e of entries.values()) if (e.request.status === 'pending') pending++
      if (pending >= MAX_PENDING) {
        throw new ProtocolError('ERR_FETCH_FAILED', 'too many pending install requests')
      }
      const id = random(16)
      const requestToken = random(32)
      const request: InstallRequest = Object.freeze({
        id,
        tool: verified.tool,
        clientName: verified.clientName,
        group: group.id,
        scope: verified.scope,
        eventTypes: verified.eventTypes,
        redirectUris: verified.redirectUris,
        status: 'pending',
        requestedAt: options.now().toISOString(),
      })
      entries.set(id, { request, tokenHash: sha256(requestToken) })
      return { request, requestToken }
    },

    async status(id, requestToken) {
      await Promise.resolve()
      const entry = entries.get(id)
      if (entry === undefined || !timingSafeEqual(entry.tokenHash, sha256(requestToken))) {
        throw new ProtocolError('ERR_UNAUTHORIZED', 'not a valid request token for this request')
      }
      const { request } = entry
      if (request.status !== 'approved' || entry.clientSecret === undefined) {
        return { status: request.status }
      }
      return {
        status: 'approved',
        client_id: request.tool,
        client_secret: entry.clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        installation: request.installation,
      }
    },

    list(group) {
      return Promise.resolve(
        [...entries.values()]
          .map((e) => e.request)
          .filter((r) => group === undefined || r.group === group),
      )
    },

    get(id) {
      return Promise.resolve(entries.get(id)?.request)
    },

    async approve(id, by) {
      const { entry, actor } = await pendingOne(id, by)
      try {
        const { request } = entry
        const clients = options.clients()
        const existing = await clients.find(request.tool)
        const clientSecret = existing?.client_secret ?? random(32)
        const metadata: InstallClientMetadata = {
          client_id: request.tool,
          client_secret: clientSecret,
          client_name: request.clientName,
          redirect_uris: union(existing?.redirect_uris, request.redirectUris),
          grant_types: ['authorization_code', 'client_credentials', TOKEN_EXCHANGE_GRANT_TYPE],
          response_types: ['code'],
          scope: union(existing?.scope?.split(' '), request.scope).join(' '),
          token_endpoint_auth_method: 'client_secret_basic',
        }
        await clients.register(metadata)
        const installation = await registry.connectTool(
          {
            id: `${request.group}/tools/${encodeURIComponent(new URL(request.tool).host)}`,
            organization: request.group,
            tool: request.tool,
            scopes: request.scope.filter((s) => s.startsWith('cta:')),
            installedBy: by,
          },
          { actor },
        )
        entry.clientSecret = clientSecret
        entry.request = Object.freeze({
          ...request,
          status: 'approved',
          decidedBy: by,
          installation: installation.id,
        })
        return installation
      } finally {
        deciding.delete(id)
      }
    },

    async refuse(id, by) {
      const { entry } = await pendingOne(id, by)
      entry.request = Object.freeze({ ...entry.request, status: 'refused', decidedBy: by })
      deciding.delete(id)
    },

    async uninstall(group, tool, by) {
      const actor = await adminCheck(group, by)
      const current = await store.getInstallation(group, tool)
      if (current?.installationStatus !== 'active') {
        throw new ProtocolError('ERR_NOT_INSTALLED', 'the tool is not installed in the group')
      }
      await registry.disconnectTool(group, tool, { actor })
      // The client stays while another group of this authority still has the tool installed.
      const others = new Set(
        [...entries.values()]
          .filter((e) => e.request.tool === tool && e.request.group !== group)
          .map((e) => e.request.group),
      )
      for (const other of others) {
        const installation: ToolInstallation | undefined = await store.getInstallation(other, tool)
        if (installation?.installationStatus === 'active') return
      }
      await options.clients().revoke(tool)
    },
  }
}
