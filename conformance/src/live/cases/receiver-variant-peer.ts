/**
 * A throwaway tool of the suite's, on 127.0.0.1, whose manifest or keys are wrong on purpose (an
 * `id` that is not its origin, a `jwks_uri` on another host, a key for encryption, a manifest that
 * cannot be fetched), and that records every request it receives: the receiver cases use it to
 * prove that a tool refuses such a peer, and what it fetched while doing so.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  TOOL_MANIFEST_PATH,
  createToolManifest,
  generateSigningKey,
  toJwks,
  type SigningKey,
  type ToolManifest,
} from '@cta-interop/sdk'
import { toNodeListener } from '@cta-interop/sdk/node'
import type { LiveContext } from '../case.js'
import { Untested } from '../case.js'
import type { Session } from '../control.js'
import type { PeerTool } from '../peer.js'
import { headersOf } from '../wire.js'

/** What a variant peer serves instead of the right thing. */
export interface VariantPeerOptions {
  /** Changes the manifest it serves (the right one is passed in). */
  readonly manifest?: (manifest: ToolManifest, origin: string) => unknown
  /** What it serves at `/.well-known/jwks.json` (default: its own key, as an emitter must). */
  readonly jwks?: (key: SigningKey) => unknown
  /** Answers every request with this status instead (a tool that is down). */
  readonly failWith?: number
  /** Extra headers of its manifest and JWKS answers (a short `Cache-Control`, for example). */
  readonly headers?: Readonly<Record<string, string>>
}

/** A running variant peer. */
export interface VariantPeer {
  readonly origin: string
  readonly key: SigningKey
  /** The paths of the requests it received, oldest first. */
  readonly requests: string[]
  /** As a {@link PeerTool}, to build events from it with `suiteEvent`. */
  readonly tool: PeerTool
  close(): Promise<void>
}

/** Starts a variant peer; every request it receives is recorded in the run's transcript. */
export async function startVariantPeer(
  ctx: LiveContext,
  options: VariantPeerOptions = {},
): Promise<VariantPeer> {
  const requests: string[] = []
  let answer: (request: Request) => Response = () => new Response(null, { status: 503 })
  const server = createServer(
    toNodeListener((request) => {
      const url = new URL(request.url)
      requests.push(url.pathname)
      const response = answer(request)
      ctx.wire.record({
        direction: 'in',
        method: request.method,
        url: request.url,
        requestHeaders: headersOf(request.headers),
        status: response.status,
        at: new Date().toISOString(),
      })
      return Promise.resolve(response)
    }),
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const key = await generateSigningKey({ origin })
  const manifest = createToolManifest({
    id: origin,
    name: 'cta-conformance variant',
    jwks_uri: `${origin}/.well-known/jwks.json`,
    inbox: `${origin}/cta/inbox`,
    emits: ['example.conformance.notice'],
    consumes: ['example.*'],
    profiles: ['core', 'emitter'],
  })
  const served = options.manifest?.(manifest, origin) ?? manifest
  answer = (request) => {
    if (options.failWith !== undefined) return new Response(null, { status: options.failWith })
    const path = new URL(request.url).pathname
    const headers = options.headers ?? {}
    if (path === TOOL_MANIFEST_PATH) return Response.json(served, { headers })
    if (path === '/.well-known/jwks.json') {
      return Response.json(options.jwks?.(key) ?? toJwks([key]), { headers })
    }
    return new Response('not found', { status: 404 })
  }
  return {
    origin,
    key,
    requests,
    tool: {
      ...ctx.peer,
      origin,
      key,
      manifest,
      deliveries: [],
      handshakes: [],
      failNext: () => undefined,
      close: () => Promise.resolve(),
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}

/**
 * Runs `body` in a control session whose peer is `origin` (the tool trusts it as it trusts the
 * suite: installed in the session's group), then closes the session.
 *
 * @throws {Untested} Without the control API.
 */
export async function withTrustedPeer<T>(
  ctx: LiveContext,
  origin: string,
  body: (ctx: LiveContext, session: Session) => Promise<T>,
): Promise<T> {
  if (ctx.control === undefined) throw new Untested('this case needs the control API')
  const session = await ctx.control.openSession({ peer: origin, members: [] })
  try {
    return await body({ ...ctx, session }, session)
  } finally {
    await ctx.control.closeSession(session).catch(() => undefined)
  }
}
