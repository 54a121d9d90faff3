/** The SUT manifest: what `cta-conformance live --sut <file>` is told about a running tool. */
import { readFile } from 'node:fs/promises'
import { PROFILES, type Profile } from '../types.js'

/** A tool under test, as its SUT manifest describes it. */
export interface SutManifest {
  readonly name: string
  readonly version: string
  readonly homepage?: string
  readonly source?: string
  /** Profiles the tool claims; cases of other profiles are inapplicable. */
  readonly profiles: readonly Profile[]
  /** Optional features it declares (`alg:ES256`, …). */
  readonly features: readonly string[]
  readonly endpoints: {
    /** The tool's origin: its manifest is at `<origin>/.well-known/cta-tool`. */
    readonly origin: string
    /** Where the group's authority redirects members back to (relying tools). */
    readonly callback?: string
  }
  /** The test-only control API; without it, cases that need it are untested. */
  readonly control?: { readonly url: string; readonly token: string }
  /** A known-failures file, relative to the SUT manifest. */
  readonly expectations?: string
}

/** Raised for a SUT manifest the suite cannot use: exit code 2. */
export class SutError extends Error {
  override readonly name = 'SutError'
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Replaces `${NAME}` with the environment variable `NAME`; a missing one is an error. */
function expand(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    const v = env[name]
    if (v === undefined) throw new SutError(`the environment variable ${name} is not set`)
    return v
  })
}

function origin(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new SutError(`${field} must be a URL`)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new SutError(`${field} must be a URL, not "${value}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SutError(`${field} must be an http(s) URL`)
  }
  return value
}

/** Checks a parsed SUT manifest; `${VAR}` in the control token is read from `env`. */
export function parseSutManifest(data: unknown, env: NodeJS.ProcessEnv = process.env): SutManifest {
  if (!isObject(data)) throw new SutError('a SUT manifest is a JSON object')
  for (const field of ['name', 'version'] as const) {
    if (typeof data[field] !== 'string' || data[field] === '') {
      throw new SutError(`"${field}" is required`)
    }
  }
  const profiles = data['profiles']
  if (!Array.isArray(profiles) || profiles.length === 0) {
    throw new SutError('"profiles" lists the profiles the tool claims')
  }
  for (const p of profiles) {
    if (!(PROFILES as readonly unknown[]).includes(p)) {
      throw new SutError(`unknown profile "${String(p)}"; expected ${PROFILES.join(', ')}`)
    }
  }
  const features = data['features'] ?? []
  if (!Array.isArray(features) || !features.every((f) => typeof f === 'string')) {
    throw new SutError('"features" is a list of strings')
  }
  const endpoints = data['endpoints']
  if (!isObject(endpoints)) throw new SutError('"endpoints" with "origin" is required')
  const toolOrigin = origin(endpoints['origin'], 'endpoints.origin')
  if (new URL(toolOrigin).origin !== toolOrigin) {
    throw new SutError('endpoints.origin must be an origin (no path, no trailing slash)')
  }
  const control = data['control']
  if (control !== undefined && !(isObject(control) && typeof control['token'] === 'string')) {
    throw new SutError('"control" needs "url" and "token"')
  }
  return {
    name: data['name'] as string,
    version: data['version'] as string,
    ...(typeof data['homepage'] === 'string' ? { homepage: data['homepage'] } : {}),
    ...(typeof data['source'] === 'string' ? { source: data['source'] } : {}),
    profiles: profiles as Profile[],
    features: features,
    endpoints: {
      origin: toolOrigin,
      callback:
        endpoints['callback'] === undefined
          ? `${toolOrigin}/cta/callback`
          : origin(endpoints['callback'], 'endpoints.callback'),
    },
    ...(control === undefined
      ? {}
      : {
          control: {
            url: origin(control['url'], 'control.url').replace(/\/$/, ''),
            token: expand(control['token'] as string, env),
          },
        }),
    ...(typeof data['expectations'] === 'string' ? { expectations: data['expectations'] } : {}),
  }
}

/** Reads and checks a SUT manifest file. */
export async function loadSutManifest(path: string): Promise<SutManifest> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new SutError(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new SutError(`${path} is not JSON`)
  }
  return parseSutManifest(data)
}
