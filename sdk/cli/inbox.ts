import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import process from 'node:process'
import { parseArgs } from 'node:util'
import {
  TOOL_MANIFEST_PATH,
  answerHandshake,
  createManifestResolver,
  createMemoryDedupeStore,
  createToolManifest,
  generateSigningKey,
  staticKeyResolver,
  toJwks,
  type Event,
  type Jwks,
  type ResolveKey,
} from '@cta-interop/sdk'
import { createNodeInbox, nodeSignatureVerifier } from '@cta-interop/sdk/node'
import { CliError } from './cli-error.js'
import { kidOrigin, originOf, readJsonFile } from './key-source.js'
import { loadSigningKey } from './keys.js'
import { createPrinter } from './print.js'
import { subscribeInbox } from './subscribe-inbox.js'

const INBOX_PATH = '/inbox'
const JWKS_PATH = '/.well-known/jwks.json'

/**
 * `cta inbox [--port N]`: a throwaway inbox on 127.0.0.1 with its own manifest, printing each
 * verified event and each refusal (with the SDK's code) until stopped. It accepts events from any
 * source (`speaksFor: 'any-source'`) and fetches senders' manifests over `http:` and loopback:
 * development settings, said so on start. With `--key`, its origin is the key's
 * (`http://127.0.0.1:<port>`, the port it listens on) and its JWKS publishes that key, so that
 * `cta send --key` signs as this origin; with `--subscribe`, it subscribes to an emitter's events
 * of a group and answers the emitter's handshake.
 */
export async function inbox(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      jwks: { type: 'string' },
      source: { type: 'string' },
      key: { type: 'string' },
      subscribe: { type: 'string' },
      group: { type: 'string' },
      type: { type: 'string', multiple: true },
      'allow-http': { type: 'boolean' },
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
  const producer =
    values.subscribe === undefined ? undefined : originOf(values.subscribe, '--subscribe')
  if (producer !== undefined && values.group === undefined) {
    throw new CliError(
      'ERR_USAGE',
      '--subscribe needs --group <iri>: the group whose events to get',
    )
  }
  if (producer === undefined && (values.group !== undefined || values.type !== undefined)) {
    throw new CliError('ERR_USAGE', '--group and --type go with --subscribe <emitter origin>')
  }
  const given = values.key === undefined ? undefined : await loadSigningKey(values.key)
  const listenOn = given === undefined ? port : keyPort(given.kid, port)
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
  const printEvent = (event: Event, kid: string): void => {
    emit({ accepted: true, kid, event })
    out.line(`✓ ${event.type} ${event.id} from ${event.source}`)
    out.line(`  group ${event.group}  time ${event.time}  kid ${kid}`)
    out.line(indent(JSON.stringify(event.data, null, 2)))
  }
  const dedupe = createMemoryDedupeStore()
  const handle = createNodeInbox({
    resolveKey,
    // Development opt-out of EVT-AUTHZ-001: any source may speak for any group here.
    speaksFor: 'any-source',
    dedupe,
    verifySignature: nodeSignatureVerifier(),
    onEvent(event, { kid }) {
      printEvent(event, kid)
    },
  })
  /** The emitters this inbox subscribed to: the only origins its handshake allows. */
  const subscribedTo = new Set<string>()
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    const handshake = req.headers['webhook-request-origin']
    if (req.method === 'OPTIONS' && path === INBOX_PATH && typeof handshake === 'string') {
      // The emitter's abuse-protection handshake (CloudEvents webhooks), via the SDK's answer.
      void answerHandshake(
        new Request(`http://127.0.0.1${INBOX_PATH}`, {
          method: 'OPTIONS',
          headers: { 'webhook-request-origin': handshake },
        }),
        { allowedOrigins: (o) => subscribedTo.has(o) },
      ).then(async (answer) => {
        res.writeHead(answer?.status ?? 400, Object.fromEntries(answer?.headers ?? []))
        res.end(await answer?.text())
      })
      return
    }
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
    server.listen(listenOn, '127.0.0.1', resolve)
  })
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const key = given ?? (await generateSigningKey({ origin }))
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
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      server.close(() => {
        resolve()
      })
      server.closeAllConnections()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  if (producer !== undefined && values.group !== undefined) {
    subscribedTo.add(producer)
    try {
      const done = await subscribeInbox(producer, {
        group: values.group,
        ...(values.type === undefined ? {} : { types: values.type }),
        sink: `${origin}${INBOX_PATH}`,
        key,
        dedupe,
        allowHttp: values['allow-http'] === true,
      })
      emit({ subscribed: true, producer, group: values.group, ...done })
      out.line(`subscribed to ${producer} for ${values.group}: ${done.subscription}`)
    } catch (err) {
      server.close()
      server.closeAllConnections()
      throw err
    }
  }
  out.progress('waiting for events (Ctrl-C to stop)')
  await stopped
  return 0
}

/** The port of a key's origin, which must be `http://127.0.0.1:<port>`: the inbox listens there. */
function keyPort(kid: string, port: number): number {
  const origin = kidOrigin(kid)
  const url = origin === undefined ? undefined : new URL(origin)
  if (url?.protocol !== 'http:' || url.hostname !== '127.0.0.1' || url.port === '') {
    throw new CliError(
      'ERR_USAGE',
      `--key: the kid must name an origin http://127.0.0.1:<port> (cta keys generate --origin), not ${kid}`,
    )
  }
  if (port !== 0 && port !== Number(url.port)) {
    throw new CliError('ERR_USAGE', `--port ${port} is not the port of the key's origin ${origin}`)
  }
  return Number(url.port)
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
