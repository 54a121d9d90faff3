import { fileURLToPath } from 'node:url'

/** The repository root, with a trailing slash. */
export const ROOT: string = fileURLToPath(new URL('../../', import.meta.url))
/** The VitePress project (this directory's parent), with a trailing slash. */
export const SITE: string = `${ROOT}site/`
/** The built site. */
export const DIST: string = `${SITE}dist/`
/** Pages generated at build time (gitignored); each becomes a page at the site's root. */
export const GENERATED: string = `${SITE}generated/`
/** Where the conformance suite writes the report of its latest run over the example tools. */
export const REPORT_PATH = 'conformance/reports/latest/report.json'
/** The repository trees published on the site under the same path, so `../schemas/…` links work. */
export const PUBLISHED_TREES: readonly string[] = [
  'schemas',
  'examples/documents',
  'conformance/vectors',
]
