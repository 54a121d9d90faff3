import { readFile } from 'node:fs/promises'
import {
  createManifestResolver,
  staticKeyResolver,
  type Jwks,
  type ResolveKey,
} from '@cta-interop/sdk'
import { createSafeFetch } from '@cta-interop/sdk/node'
import { CliError } from './cli-error.js'

/** Where keys come from: a manifest URL (as a receiver would) or a JWKS file (pinned). */
export interface KeySourceOptions {
  readonly manifest?: string | undefined
  readonly jwks?: string | undefined
  /** The origin that publishes the JWKS file; default: the origin the `kid` names. */
  readonly source?: string | undefined
  /** Development: allow `http:` and loopback or private addresses. */
  readonly allowHttp?: boolean | undefined
}

/** Reads and parses a JSON file, or fails with `ERR_FILE_UNREADABLE` (exit 2). */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new CliError('ERR_FILE_UNREADABLE', `cannot read ${path}: ${(err as Error).message}`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new CliError('ERR_FILE_UNREADABLE', `${path} is not JSON`)
  }
}

/** The origin before `#` in a `kid`, if it is one. */
export function kidOrigin(kid: string | undefined): string | undefined {
  const at = kid?.indexOf('#') ?? -1
  if (kid === undefined || at < 0) return undefined
  try {
    return new URL(kid.slice(0, at)).origin
  } catch {
    return undefined
  }
}

/** An origin from a URL, or `ERR_USAGE`. */
export function originOf(url: string, option: string): string {
  try {
    return new URL(url).origin
  } catch {
    throw new CliError('ERR_USAGE', `${option} must be a URL: ${url}`)
  }
}

/**
 * The SDK's key resolver for `--manifest` (`createManifestResolver`, trusting only that origin,
 * guarded by `createSafeFetch` unless `--allow-http`) or `--jwks` (`staticKeyResolver`).
 */
export async function keySource(
  options: KeySourceOptions,
  kid: string | undefined,
): Promise<{
  resolveKey: ResolveKey
  describe: string
}> {
  if (options.jwks !== undefined) {
    const jwks = (await readJsonFile(options.jwks)) as Jwks
    const source = options.source ?? kidOrigin(kid)
    if (source === undefined) {
      throw new CliError('ERR_USAGE', '--jwks needs --source <origin> when the kid names no origin')
    }
    return {
      resolveKey: staticKeyResolver([{ source, jwks }]),
      describe: `keys of ${source} from ${options.jwks}`,
    }
  }
  if (options.manifest !== undefined) {
    const origin = originOf(options.manifest, '--manifest')
    const dev = options.allowHttp === true
    const resolver = createManifestResolver({
      trustedSources: [origin],
      ...(dev ? { allowHttp: true, allowPrivateNetwork: true } : { fetch: createSafeFetch() }),
    })
    return { resolveKey: resolver.resolveKey, describe: `the manifest of ${origin}` }
  }
  throw new CliError('ERR_USAGE', 'give --manifest <url> or --jwks <file> to resolve the kid')
}
