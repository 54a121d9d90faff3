import { parseArgs } from 'node:util'
import { randomUUID } from 'node:crypto'
import { deliverEvent, signEvent } from '@cta-interop/sdk'
import { createSafeFetch } from '@cta-interop/sdk/node'
import { CliError, EXIT } from './cli-error.js'
import { kidOrigin, originOf, readJsonFile } from './key-source.js'
import { loadSigningKey } from './keys.js'
import { createPrinter } from './print.js'

/**
 * `cta send <event.json> --to <inbox-url> --key <private-jwk> [--source <origin>] [--group <iri>]`.
 * `--group` puts the event in that group (and its activity's `audience`, when it named the old one).
 */
export async function send(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      key: { type: 'string' },
      source: { type: 'string' },
      group: { type: 'string' },
      'keep-id': { type: 'boolean' },
      'allow-http': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  })
  const out = createPrinter(values.json === true)
  const file = positionals[0]
  if (file === undefined || values.to === undefined || values.key === undefined) {
    throw new CliError('ERR_USAGE', 'cta send <event.json> --to <inbox-url> --key <private-jwk>')
  }
  const key = await loadSigningKey(values.key)
  const source =
    values.source === undefined ? kidOrigin(key.kid) : originOf(values.source, '--source')
  if (source === undefined)
    throw new CliError('ERR_USAGE', 'give --source <origin>: the kid names none')
  const read = (await readJsonFile(file)) as Record<string, unknown>
  const event = values.group === undefined ? read : inGroup(read, values.group)
  // A fresh id and time unless asked not to: an example document is older than the 72 h window.
  const ready: Record<string, unknown> =
    values['keep-id'] === true
      ? { ...event, source }
      : { ...event, source, id: randomUUID(), time: new Date().toISOString() }
  let jws: string
  try {
    jws = await signEvent(ready, key)
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'ERR_SCHEMA_INVALID'
    throw new CliError(code, `the event cannot be signed: ${(err as Error).message}`, EXIT.failed)
  }
  const dev = values['allow-http'] === true
  out.progress(`delivering ${String(ready['type'])} ${String(ready['id'])} to ${values.to}`)
  const attempt = await deliverEvent(
    jws,
    values.to,
    dev ? { allowHttp: true, allowPrivateNetwork: true } : { fetch: createSafeFetch() },
  )
  let problem: { code?: string; detail?: string } | undefined
  try {
    problem = attempt.body === undefined ? undefined : (JSON.parse(attempt.body) as typeof problem)
  } catch {
    problem = undefined
  }
  const code = attempt.code ?? (attempt.outcome === 'delivered' ? undefined : problem?.code)
  out.result({ ...attempt, id: ready['id'], kid: key.kid, ...(code === undefined ? {} : { code }) })
  if (attempt.outcome === 'delivered') {
    out.line(
      `delivered: ${attempt.status ?? ''} (${attempt.status === 200 ? 'already had it' : 'accepted'})`,
    )
    return EXIT.ok
  }
  out.line(
    `${attempt.outcome}: ${attempt.status ?? 'no answer'} ${code ?? ''} ${attempt.detail ?? problem?.detail ?? ''}`.trimEnd(),
  )
  if (attempt.code === 'ERR_ADDRESS_NOT_ALLOWED' && !dev) {
    out.line('  for an inbox on loopback or http:, pass --allow-http (development only)')
  }
  return attempt.outcome === 'retry' ? EXIT.unavailable : EXIT.failed
}

/** The event in `group`, with its activity's `audience` too when that named the event's group. */
function inGroup(event: Record<string, unknown>, group: string): Record<string, unknown> {
  const data = event['data']
  const audience =
    typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)['audience']
      : undefined
  return {
    ...event,
    group,
    ...(audience !== undefined && audience === event['group']
      ? { data: { ...(data as Record<string, unknown>), audience: group } }
      : {}),
  }
}
