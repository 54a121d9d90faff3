/**
 * The wire transcript of a live run: every request the suite sends and every delivery it
 * receives, so that each result in the report shows the exact exchange. Bodies are kept up to
 * 4 KiB; bearer tokens and client secrets are redacted.
 */

/** One HTTP exchange, as the report shows it. */
export interface Exchange {
  /** `out`: the suite called the tool; `in`: the tool called the suite. */
  readonly direction: 'out' | 'in'
  readonly method: string
  readonly url: string
  readonly requestHeaders: Readonly<Record<string, string>>
  readonly requestBody?: string
  readonly status?: number
  readonly responseHeaders?: Readonly<Record<string, string>>
  readonly responseBody?: string
  /** A network error instead of an answer. */
  readonly error?: string
  readonly at: string
}

const MAX_BODY = 4096
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'set-cookie'])

const clip = (text: string): string =>
  text.length <= MAX_BODY ? text : `${text.slice(0, MAX_BODY)}… (${text.length} characters)`

/** Headers as a plain object, with credentials redacted. */
export function headersOf(
  headers: Headers | Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {}
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers)
  for (const [name, value] of entries) {
    out[name.toLowerCase()] = SECRET_HEADERS.has(name.toLowerCase()) ? '(redacted)' : value
  }
  return out
}

const bodyText = (body: RequestInit['body']): string | undefined => {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string')
    return clip(body.replace(/client_secret=[^&]*/g, 'client_secret=(redacted)'))
  if (body instanceof URLSearchParams) return bodyText(body.toString())
  return '(binary body)'
}

/** A transcript that the running case appends to; `take()` hands over what was recorded. */
export interface Wire {
  readonly fetch: typeof fetch
  record(exchange: Exchange): void
  take(): Exchange[]
}

/** A `fetch` that records every exchange (redirects are never followed unless asked). */
export function createWire(): Wire {
  let log: Exchange[] = []
  const recordingFetch: typeof fetch = async (input, init = {}) => {
    const request = new Request(input, init)
    const at = new Date().toISOString()
    const requestHeaders = headersOf(request.headers)
    const requestBody = bodyText(init.body)
    try {
      const response = await fetch(request, { redirect: init.redirect ?? 'manual' })
      const text = await response.text()
      log.push({
        direction: 'out',
        method: request.method,
        url: request.url,
        requestHeaders,
        ...(requestBody === undefined ? {} : { requestBody }),
        status: response.status,
        responseHeaders: headersOf(response.headers),
        ...(text === '' ? {} : { responseBody: clip(text) }),
        at,
      })
      return new Response(response.status === 204 || response.status === 304 ? null : text, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      })
    } catch (err) {
      log.push({
        direction: 'out',
        method: request.method,
        url: request.url,
        requestHeaders,
        ...(requestBody === undefined ? {} : { requestBody }),
        error: err instanceof Error ? err.message : String(err),
        at,
      })
      throw err
    }
  }
  return {
    fetch: recordingFetch,
    record(exchange) {
      log.push({
        ...exchange,
        ...(exchange.requestBody === undefined ? {} : { requestBody: clip(exchange.requestBody) }),
      })
    },
    take() {
      const taken = log
      log = []
      return taken
    },
  }
}

/**
 * A member's browser, reduced to what sign-in needs: it follows redirects itself (across
 * origins), keeps cookies per origin, and stops at `stopAt` (a URL prefix) without requesting it.
 */
export function createBrowser(wire: Wire) {
  const jars = new Map<string, Map<string, string>>()
  const cookieHeader = (url: URL): string | undefined => {
    const jar = jars.get(url.origin)
    if (jar === undefined || jar.size === 0) return undefined
    return [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  }
  const keep = (url: URL, response: Response): void => {
    const jar = jars.get(url.origin) ?? new Map<string, string>()
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair?.indexOf('=') ?? -1
      if (pair === undefined || eq < 0) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') jar.delete(name)
      else jar.set(name, value)
    }
    jars.set(url.origin, jar)
  }
  return {
    /**
     * Visits `start` and follows redirects. Returns the last response and its URL, or, when a
     * redirect points under `stopAt`, that URL without visiting it. `rewrite` may change a
     * redirect target before it is followed (to tamper with a callback).
     */
    async visit(
      start: string,
      options: { stopAt?: string; rewrite?: (url: URL) => URL; maxHops?: number } = {},
    ): Promise<{ url: string; response?: Response; stopped: boolean }> {
      let url = new URL(start)
      for (let hop = 0; hop < (options.maxHops ?? 12); hop++) {
        if (options.stopAt !== undefined && url.href.startsWith(options.stopAt)) {
          return { url: url.href, stopped: true }
        }
        const cookie = cookieHeader(url)
        const response = await wire.fetch(url, {
          headers: cookie === undefined ? {} : { cookie },
          redirect: 'manual',
        })
        keep(url, response)
        const location = response.headers.get('location')
        if (response.status < 300 || response.status >= 400 || location === null) {
          return { url: url.href, response, stopped: false }
        }
        let next = new URL(location, url)
        if (options.rewrite !== undefined) next = options.rewrite(next)
        url = next
      }
      throw new Error(`more than ${options.maxHops ?? 12} redirects from ${start}`)
    },
  }
}
export type Browser = ReturnType<typeof createBrowser>
