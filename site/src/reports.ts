import { existsSync, readdirSync } from 'node:fs'
import { REPORT_FILES, REPORTS_DIR, ROOT } from './paths.js'

/** One example tool's report of the latest conformance run, as found in the repository. */
export interface ToolReport {
  /** The tool's directory name under {@link REPORTS_DIR}. */
  readonly slug: string
  /** The directory, relative to the repository root and to the site, with a trailing slash. */
  readonly dir: string
  /** Which of {@link REPORT_FILES} are there, `report.json` always first. */
  readonly files: readonly string[]
}

/**
 * The reports of the latest run, one per tool directory that holds a `report.json`, sorted by
 * slug (code point order, so the page is the same on every machine whatever its locale).
 */
export function findReports(root: string = ROOT): ToolReport[] {
  const top = `${root}${REPORTS_DIR}`
  if (!existsSync(top)) return []
  return readdirSync(top, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(`${top}${e.name}/report.json`))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((slug) => ({
      slug,
      dir: `${REPORTS_DIR}${slug}/`,
      files: REPORT_FILES.filter((f) => existsSync(`${top}${slug}/${f}`)),
    }))
}
