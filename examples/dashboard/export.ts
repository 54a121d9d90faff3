// The dashboard's "download my data" (spec/export.md): one export across the group's tools, as one
// JSON file offered as a download. Each tool's pages are fetched with collectExport, which
// verifies every page against that tool's JWKS and checks that they are all about the member and
// the group; the file keeps the signed pages as received, so anyone can verify them later.
//
// The dashboard does not sign members in (yet): a client acting for the signed-in member hands
// it one `cta:export` assertion per tool, each from token exchange with `audience` = that tool
// (EXP-AUTH-003). In the demo, the scenario does that through the member's Budgeting session.
import {
  ProtocolError,
  collectExport,
  problemResponse,
  type ResolveKey,
  type ToolManifest,
} from '@cta-interop/sdk'
import { LOCAL } from '../src/producer.js'

/** Where the dashboard assembles an export: `POST` the assertions, get the file. */
export const EXPORT_DOWNLOAD_PATH = '/export'

/** One export file: the member, the group, and each tool's signed pages. */
export interface ExportFile {
  readonly member: string
  readonly group: string
  readonly exported: string
  readonly exports: readonly { readonly tool: string; readonly pages: readonly string[] }[]
}

/** What the member's client posts: the group and one assertion per tool. */
interface ExportRequest {
  readonly group: string
  readonly assertions: readonly { readonly tool: string; readonly assertion: string }[]
}

const invalid = (message: string): never => {
  throw new ProtocolError('ERR_REQUEST_INVALID', message)
}

function readRequest(body: unknown): ExportRequest {
  const o = body as Partial<ExportRequest> | null
  if (typeof o?.group !== 'string' || !Array.isArray(o.assertions) || o.assertions.length === 0) {
    return invalid('group and assertions are required')
  }
  if (o.assertions.length > 32) invalid('at most 32 tools')
  for (const a of o.assertions as unknown[]) {
    const entry = a as { tool?: unknown; assertion?: unknown } | null
    if (typeof entry?.tool !== 'string' || typeof entry.assertion !== 'string') {
      invalid('each assertion names its tool')
    }
  }
  return o as ExportRequest
}

/**
 * The download route. `manifest` and `resolveKey` are the dashboard's manifest resolver's: only
 * tools it follows are read.
 */
export function createExportDownload(options: {
  readonly manifest: (origin: string) => Promise<ToolManifest>
  readonly resolveKey: ResolveKey
  readonly now?: () => Date
}): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'POST') {
      return new Response(null, { status: 405, headers: { allow: 'POST' } })
    }
    try {
      let body: unknown
      try {
        body = await request.json()
      } catch {
        return invalid('the body is not JSON')
      }
      const { group, assertions } = readRequest(body)
      const exports: { tool: string; pages: readonly string[] }[] = []
      let member: string | undefined
      for (const { tool, assertion } of assertions) {
        const manifest = await options.manifest(tool)
        const endpoint = manifest.export
        // EXP-MAN-001: only the endpoint the tool's manifest names, on the tool's own origin.
        if (endpoint === undefined || new URL(endpoint).origin !== manifest.id) {
          return invalid(`${tool} declares no export endpoint on its origin`)
        }
        const collected = await collectExport({
          endpoint,
          group,
          assertion,
          resolveKey: options.resolveKey,
          ...LOCAL,
        })
        if (member !== undefined && collected.member !== member) {
          throw new ProtocolError('ERR_EXPORT_INCONSISTENT', 'the exports are of two members')
        }
        member = collected.member
        exports.push({ tool: collected.tool, pages: collected.pages })
      }
      const file: ExportFile = {
        member: member ?? '',
        group,
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
}
