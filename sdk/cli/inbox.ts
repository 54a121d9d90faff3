import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import process from 'node:process'
import { parseArgs } from 'node:util'
import {
  TOOL_MANIFEST_PATH,
  createManifestResolver,
  createMemoryDedupeStore,
  createToolManifest,
  generateSigningKey,
  staticKeyResolver,
  toJwks,
  type Jwks,
  type ResolveKey,
} from '@cta-interop/sdk'
import { createNodeInbox, nodeSignatureVerifier } from '@cta-interop/sdk/node'
import { CliError } from './cli-error.js'
import { originOf, readJsonFile } from './key-source.js'
import { createPrinter } from './print.js'

const INBOX_PATH = '/inbox'
const JWKS_PATH = '/.well-known/jwks.json'

/**
 * `cta inbox [--port N]`: a throwaway inbox on 127.0.0.1 with its own manifest, printing each
 * verified event and each refusal (with the SDK's code) until stopped. It accepts events from any
 * source (`speaksFor: 'any-source'`) and fetches senders' manifests over `http:` and loopback:
 * development settings, said so on start.
 */
export async function inbox(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      jwks: { type: 'string' },
      source: { type: 'string' },
      json: { type: 'boolean' },
    },
  })
  const out = createPrinter(values.json === true)
  // In --json mode every line is one JSON document: the start, then one per request.
  const emit = (value: unknown): void => {
    out.result(value)
  }
  const port = values.port === undefined ? 0 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError('ERR_USAGE', '--port must be a port number')
  }
  const fromManifests = createManifestResolver({
    allowAnySource: true,
    allowHttp: true,
    allowPrivateNetwork: true,
  })
  let resolveKey: ResolveKey = fromManifests.resolveKey
  if (values.jwks !== undefined) {
    if (values.source === undefined)
      throw new CliError('ERR_USAGE', '--jwks needs --source <origin>')
    const pinned = staticKeyResolver([
      {
        source: originOf(values.source, '--source'),
        jwks: (await readJsonFile(values.jwks)) as Jwks,
      },
    ])
    resolveKey = async (kid) => (await pinned(kid)) ?? fromManifests.resolveKey(kid)
  }
  const handle = createNodeInbox({
    resolveKey,
    // Development opt-out of EVT-AUTHZ-001: any source may speak for any group here.
    speaksFor: 'any-source',
    dedupe: createMemoryDedupeStore(),
    verifySignature: nodeSignatureVerifier(),
    onEvent(event, { kid }) {
      emit({ accepted: true, kid, event })
      out.line(`✓ ${event.type} ${event.id} from ${event.source}`)
      out.line(`  group ${event.group}  time ${event.time}  kid ${kid}`)
      out.line(indent(JSON.stringify(event.data, null, 2)))
    },
  })
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method === 'GET' && path === TOOL_MANIFEST_PATH) {
      json(res, manifest)
      return
    }
    if (req.method === 'GET' && path === JWKS_PATH) {
      json(res, jwks)
      return
    }
    if (path !== INBOX_PATH) {
      json(res, { title: 'not found' }, 404)
      return
    }
    reportRefusal(res, (refusal) => {
      emit({ accepted: false, ...refusal })
      out.line(
        `✗ refused ${refusal.status} ${refusal.code ?? ''} ${refusal.detail ?? ''}`.trimEnd(),
      )
    })
    handle(req, res)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const key = await generateSigningKey({ origin })
  const jwks = toJwks([key])
  const manifest = createToolManifest({
    id: origin,
    name: 'cta inbox',
    jwks_uri: `${origin}${JWKS_PATH}`,
    inbox: `${origin}${INBOX_PATH}`,
    profiles: ['core', 'receiver'],
  })
  const warning =
    "development inbox: speaksFor 'any-source' (any tool may speak for any group, EVT-AUTHZ-001 " +
    'not enforced) and senders’ manifests fetched over http: and loopback'
  emit({
    listening: true,
    manifest: `${origin}${TOOL_MANIFEST_PATH}`,
    inbox: manifest.inbox,
    warning,
  })
  out.line(`cta inbox listening on ${origin}`)
  out.line(`  manifest: ${origin}${TOOL_MANIFEST_PATH}  (give this to senders)`)
  out.line(`  inbox:    ${manifest.inbox}`)
  out.line(`  ${warning}`)
  out.progress('waiting for events (Ctrl-C to stop)')
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      server.close(() => {
        resolve()
      })
      server.closeAllConnections()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  return 0
}

const indent = (text: string): string => text.replace(/^/gm, '    ')

function json(res: ServerResponse, value: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(value))
}

/** Calls `report` with the problem's code when the inbox answers other than 2xx. */
function reportRefusal(
  res: ServerResponse,
  report: (refusal: { status: number; code?: string; detail?: string }) => void,
): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse
  res.end = ((...args: unknown[]) => {
    const body = args[0]
    if (res.statusCode >= 300) {
      let problem: { code?: string; detail?: string } = {}
      try {
        problem = JSON.parse(
          typeof body === 'string'
            ? body
            : body instanceof Uint8Array
              ? Buffer.from(body).toString('utf8')
              : '',
        ) as typeof problem
      } catch {
        // not a problem document
      }
      report({
        status: res.statusCode,
        ...(problem.code === undefined ? {} : { code: problem.code }),
        ...(problem.detail === undefined ? {} : { detail: problem.detail }),
      })
    }
    return end(...args)
  }) as typeof res.end
}
