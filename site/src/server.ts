import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, relative, resolve, sep } from 'node:path'
import { DIST } from './paths.js'

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.jsonld': 'application/ld+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.yaml': 'application/yaml; charset=utf-8',
}

/**
 * The media type of a published file, by its path in the site. The JSON-LD context is published
 * twice, as `/v1` (the path of its IRI, `https://w3id.org/cta/v1`) and `/v1.jsonld`; both are
 * `application/ld+json`.
 */
export function contentType(path: string): string {
  if (path === '/v1') return 'application/ld+json'
  return TYPES[extname(path)] ?? 'application/octet-stream'
}

/** What a request path names in the site. */
export type Resolved =
  { readonly file: string } | { readonly redirect: string } | { readonly missing: true }

/**
 * The file a request path names: the file itself, `<path>.html` (clean URLs) or
 * `<path>/index.html`; a directory without the final slash is redirected to it.
 */
export function resolvePath(root: string, pathname: string): Resolved {
  const top = resolve(root)
  const base = resolve(top, `.${normalize(decodeURIComponent(pathname))}`)
  if (base !== top && !base.startsWith(top + sep)) return { missing: true }
  const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile()
  if (pathname.endsWith('/')) {
    return isFile(join(base, 'index.html')) ? { file: join(base, 'index.html') } : { missing: true }
  }
  if (isFile(base)) return { file: base }
  if (isFile(`${base}.html`)) return { file: `${base}.html` }
  if (isFile(join(base, 'index.html'))) return { redirect: `${pathname}/` }
  return { missing: true }
}

/** A static server for the built site on 127.0.0.1; port 0 picks a free one. */
export async function serveSite(
  options: { root?: string; port?: number } = {},
): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const root = resolve(options.root ?? DIST)
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    let url: URL
    let resolved: Resolved
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1')
      resolved = resolvePath(root, url.pathname)
    } catch {
      // A target that is no URL (`http://[zz/`) or a malformed percent-encoding.
      url = new URL('http://127.0.0.1/')
      resolved = { missing: true }
    }
    if ('redirect' in resolved) {
      res.writeHead(301, { location: resolved.redirect + url.search }).end()
      return
    }
    const path = 'file' in resolved ? resolved.file : join(root, '404.html')
    if (!existsSync(path)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n')
      return
    }
    res.writeHead('file' in resolved ? 200 : 404, {
      'content-type': contentType(`/${relative(root, path).split(sep).join('/')}`),
      'cache-control': 'no-cache',
    })
    if (req.method === 'HEAD') res.end()
    else createReadStream(path).pipe(res)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => {
          if (err) reject(err)
          else resolve()
        })
      }),
  }
}
