// Loaded with `node --import` before a planted tool starts: registers `sdk-hooks.mjs`, so that
// `@cta-interop/sdk` and its subpaths resolve to the planted copy named by CTA_MUTANT_SDK (a
// directory holding the SDK's package.json and dist/) instead of the workspace's sdk/.
import { register } from 'node:module'
import process from 'node:process'

const root = process.env['CTA_MUTANT_SDK']
if (root === undefined || root === '') throw new Error('CTA_MUTANT_SDK names no planted SDK copy')
register('./sdk-hooks.mjs', import.meta.url, { data: { root } })
