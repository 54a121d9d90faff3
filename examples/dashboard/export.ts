// The dashboard's "Download my data" (spec/export.md): one export across the group's tools, as one
// JSON file offered as a download. The member signs in to the dashboard with their group
// (member-sessions.ts); the download exchanges their access token for one `cta:export` assertion
// per tool of the group that declares an export endpoint, the authority included (EXP-AUTH-003),
// and fetches each tool's pages with collectExport, which verifies every page against that tool's
// JWKS and checks that they are all about the member and the group. The file keeps the signed
// pages as received, so anyone can verify them later.
import {
  ProtocolError,
  collectExport,
  exchangeForExportAssertion,
  problemResponse,
  type ResolveKey,
  type ToolManifest,
} from '@cta-interop/sdk'
import { LOCAL } from '../src/producer.js'
import { renderYourData } from './your-data-page.js'
import type { MemberSessions } from './member-sessions.js'

/** The signed-in member's "Your data" page. */
export const YOUR_DATA_PATH = '/your-data'
/** Where its "Download my data" button posts: the answer is the file. */
export const EXPORT_DOWNLOAD_PATH = '/your-data/export'

/** One export file: the member, the group, and each tool's signed pages. */
export interface ExportFile {
  readonly member: string
  readonly group: string
  readonly exported: string
  readonly exports: readonly { readonly tool: string; readonly pages: readonly string[] }[]
}

/** Options of {@link createYourData}. */
export interface YourDataOptions {
  readonly origin: string
  readonly sessions: MemberSessions
  /** The tools of a group to ask (the authority first); those declaring no export are skipped. */
  readonly tools: (group: string) => Promise<readonly string[]>
  readonly manifest: (origin: string) => Promise<ToolManifest>
  readonly resolveKey: ResolveKey
  /** The groups the dashboard is installed in: where a member who is not signed in is sent. */
  readonly groups: () => Promise<readonly string[]>
  /** A member's name, if the dashboard knows it. */
  readonly nameOf?: (member: string) => Promise<string | undefined>
  readonly now?: () => Date
}

/** The tools of the group whose manifest declares an export endpoint on their own origin. */
async function exporters(options: YourDataOptions, group: string) {
  const found: { tool: string; endpoint: string; name: string }[] = []
  for (const tool of new Set(await options.tools(group))) {
    const manifest = await options.manifest(tool)
    const endpoint = manifest.export
    // EXP-MAN-001: only the endpoint the tool's manifest names, on the tool's own origin.
    if (endpoint === undefined || new URL(endpoint).origin !== manifest.id) continue
    found.push({ tool: manifest.id, endpoint, name: manifest.name })
  }
  return found
}

/**
 * `GET /your-data` (the page, or a 303 to sign in) and `POST /your-data/export` (the file, or 401
 * `ERR_UNAUTHORIZED` without a session).
 */
export function createYourData(
  options: YourDataOptions,
): (request: Request, path: string) => Promise<Response> {
  const tool = { name: 'Dashboard', origin: options.origin }
  const page = async (request: Request): Promise<Response> => {
    const session = options.sessions.of(request)
    if (session === undefined) {
      const groups = await options.groups()
      const asked = new URL(request.url).searchParams.get('group') ?? groups[0]
      if (asked === undefined || !groups.includes(asked)) {
        return new Response(renderYourData({ tool, signedIn: undefined }), {
          status: 401,
          headers: { 'content-type': 'text/html; charset=utf-8' },
        })
      }
      return new Response(null, {
        status: 303,
        headers: { location: `/signin?group=${encodeURIComponent(asked)}` },
      })
    }
    const tools = await exporters(options, session.group)
    return new Response(
      renderYourData({
        tool,
        signedIn: {
          member: session.member,
          name: (await options.nameOf?.(session.member)) ?? session.member,
          group: session.group,
          tools: tools.map((t) => ({ origin: t.tool, name: t.name })),
        },
      }),
      {
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy': "default-src 'self'; style-src 'unsafe-inline'",
        },
      },
    )
  }
  const download = async (request: Request): Promise<Response> => {
    try {
      const session = options.sessions.of(request)
      if (session === undefined) throw new ProtocolError('ERR_UNAUTHORIZED', 'sign in first')
      // The form posts from the dashboard's own page; the session cookie is SameSite=Lax too.
      const from = request.headers.get('origin')
      if (from !== null && from !== options.origin) {
        throw new ProtocolError(
          'ERR_REQUEST_INVALID',
          'the download is asked for from another site',
        )
      }
      const authority = await options.sessions.authority(session.group)
      const exports: { tool: string; pages: readonly string[] }[] = []
      for (const { tool, endpoint } of await exporters(options, session.group)) {
        // One assertion per tool, its audience that tool (the authority's own origin for it).
        const { assertion } = await exchangeForExportAssertion(authority, session.accessToken, tool)
        const collected = await collectExport({
          endpoint,
          group: session.group,
          assertion,
          resolveKey: options.resolveKey,
          ...LOCAL,
        })
        if (collected.member !== session.member) {
          throw new ProtocolError('ERR_EXPORT_INCONSISTENT', `${tool} exported another member`)
        }
        exports.push({ tool: collected.tool, pages: collected.pages })
      }
      if (exports.length === 0) {
        throw new ProtocolError('ERR_NOT_FOUND', 'no tool of the group declares an export')
      }
      const file: ExportFile = {
        member: session.member,
        group: session.group,
        exported: (options.now?.() ?? new Date()).toISOString(),
        exports,
      }
      return new Response(JSON.stringify(file, null, 2), {
        status: 200,
        headers: {
          'content-type': 'application/json',
          'content-disposition': 'attachment; filename="cta-export.json"',
          'cache-control': 'no-store',
        },
      })
    } catch (err) {
      return problemResponse(err)
    }
  }
  return async (request, path) => {
    if (path === YOUR_DATA_PATH) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return new Response(null, { status: 405, headers: { allow: 'GET' } })
      }
      return page(request)
    }
    if (request.method !== 'POST') {
      return new Response(null, { status: 405, headers: { allow: 'POST' } })
    }
    return download(request)
  }
}
