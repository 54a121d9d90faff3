/** `npm run site:serve`: serves the built site on 127.0.0.1 for reading (PORT, default 4173). */
import { existsSync } from 'node:fs'
import { DIST } from './paths.js'
import { serveSite } from './server.js'

if (!existsSync(`${DIST}index.html`)) {
  console.error('site/dist is empty: run `npm run site` first.')
  process.exit(1)
}
const { url } = await serveSite({ port: Number(process.env['PORT'] ?? 4173) })
console.log(`CTA Interop spec site: ${url}/ (Ctrl-C to stop)`)
