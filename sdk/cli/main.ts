#!/usr/bin/env node
import process from 'node:process'
import { isProtocolError } from '@cta-interop/sdk'
import { CliError, EXIT } from './cli-error.js'
import { inbox } from './inbox.js'
import { inspect } from './inspect.js'
import { keys } from './keys.js'
import { resend } from './resend.js'
import { send } from './send.js'

/** What `cta --help` prints; the SDK's README repeats the exit codes and error codes. */
export const HELP = `cta: the CTA Interop command line (from @cta-interop/sdk)

Usage:
  cta inspect <token|file|-> (--manifest <url> | --jwks <file> [--source <origin>])
        [--kind event|assertion|subscription] [--audience <origin>] [--authority <url>]
        [--group <iri>] [--at <date>] [--allow-http] [--json]
      Verify an event (compact JWS), membership assertion or subscription request with the
      SDK's verifier and print every check with its requirement ID, and where it failed.
  cta keys generate [--alg EdDSA|ES256] [--origin <tool origin>] [--out <dir>] [--json]
      Write <dir>/private.jwk.json (mode 600) and the public <dir>/jwks.json.
  cta keys rotate --dir <dir> [--publish-lead <seconds>] [--json]
      Add a next key (next.private.jwk.json, both keys in jwks.json) and say when to switch
      to it and when to retire the old one (spec: events, key rotation).
  cta send <event.json> --to <inbox-url> --key <private-jwk> [--source <origin>]
        [--group <iri>] [--keep-id] [--allow-http] [--json]
      Sign the event (fresh id and time unless --keep-id; --group puts it in that group)
      and deliver it; print the answer (a refusal with the receiver's ERR_* code).
  cta inbox [--port <n>] [--key <private-jwk>] [--jwks <file> --source <origin>]
        [--subscribe <emitter origin> --group <iri> [--type <type>]...] [--allow-http] [--json]
      A throwaway inbox with its own manifest on 127.0.0.1 that prints each verified event
      and each refusal with its code. Development only: it accepts any source.
      --key: serve as the key's origin (cta keys generate --origin http://127.0.0.1:<port>):
        listen on its port and publish the key, so receivers verify cta send --key <same>.
      --subscribe: send the emitter a subscription request signed by the inbox's key,
        answer its handshake, and print each event it pushes from then on (not its feed's
        history); its refusal (ERR_NOT_INSTALLED, ...) ends the inbox with exit 1.
  cta resend --nats <url> --postgres <url> [--schema <name>] [--prefix <CTA>]
        --subscription <id> (--cursor <n> | --dead-since <date>) [--at <date>] [--json]
      For operators of a JetStream delivery store (subscriptions in PostgreSQL): deliver the
      event at a feed cursor again to one subscription, or queue again everything
      dead-lettered for it since a date (Svix's "recover"). Needs @nats-io/transport-node,
      @nats-io/jetstream and pg; a prefix that names no store is refused (ERR_NOT_FOUND).

Options:
  --json         One JSON document per result on stdout (cta inbox: one per line).
  --allow-http   Development: allow http: and loopback or private addresses.

Exit codes:
  0  every check passed, or the command did what it was asked
  1  a check failed or the peer refused: the ERR_* code and its requirement are printed
  2  usage: wrong arguments (ERR_USAGE), a file that cannot be read (ERR_FILE_UNREADABLE),
     a key file that is no private Ed25519 or P-256 JWK (ERR_KEY_INVALID)
  3  unavailable now (ERR_FETCH_FAILED, no answer, 429 or 5xx): try again later
`

/**
 * Runs one `cta` command.
 * @param argv The arguments after `cta`.
 * @returns The exit code.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const json = rest.includes('--json')
  try {
    switch (command) {
      case 'inspect':
        return await inspect(rest)
      case 'keys':
        return await keys(rest)
      case 'send':
        return await send(rest)
      case 'inbox':
        return await inbox(rest)
      case 'resend':
        return await resend(rest)
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP)
        return command === undefined ? EXIT.usage : EXIT.ok
      default:
        throw new CliError('ERR_USAGE', `unknown command: ${command} (see cta --help)`)
    }
  } catch (err) {
    const code =
      err instanceof CliError || isProtocolError(err)
        ? err.code
        : (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
            (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true
          ? 'ERR_USAGE'
          : 'ERR_INTERNAL'
    const exitCode =
      err instanceof CliError
        ? err.exitCode
        : code === 'ERR_FETCH_FAILED'
          ? EXIT.unavailable
          : code === 'ERR_USAGE'
            ? EXIT.usage
            : EXIT.failed
    const message = err instanceof Error ? err.message : String(err)
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code, message } })}\n`)
    process.stderr.write(`cta: ${code}: ${message}\n`)
    return exitCode
  }
}

process.exitCode = await main(process.argv.slice(2))
