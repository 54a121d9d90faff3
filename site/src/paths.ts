import { fileURLToPath } from 'node:url'

/** The repository root, with a trailing slash. */
export const ROOT: string = fileURLToPath(new URL('../../', import.meta.url))
/** The VitePress project (this directory's parent), with a trailing slash. */
export const SITE: string = `${ROOT}site/`
/**
 * The built site: `site/dist/`, or the directory `CTA_SITE_DIST` names (to build and test a copy
 * without touching the one other checks read).
 */
export const DIST: string =
  process.env['CTA_SITE_DIST'] === undefined || process.env['CTA_SITE_DIST'] === ''
    ? `${SITE}dist/`
    : `${process.env['CTA_SITE_DIST'].replace(/\/+$/, '')}/`
/** Pages generated at build time (gitignored); each becomes a page at the site's root. */
export const GENERATED: string = `${SITE}generated/`
/**
 * Where the conformance suite writes the reports of its latest live run over the example tools:
 * one directory per tool, `<tool slug>/report.json` with `report.html` and `junit.xml` beside it.
 * The same path on the site, where the reports are published.
 */
export const REPORTS_DIR = 'conformance/reports/latest/'
/** The files of one tool's report that are published, the JSON report first. */
export const REPORT_FILES: readonly string[] = ['report.json', 'report.html', 'junit.xml']
/** The repository trees published on the site under the same path, so `../schemas/…` links work. */
export const PUBLISHED_TREES: readonly string[] = [
  'schemas',
  'examples/documents',
  'conformance/vectors',
]
