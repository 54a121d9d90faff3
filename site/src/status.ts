import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { escapeHtml } from './markdown.js'
import { ROOT } from './paths.js'

/** What the status block of the spec's home page says, as W3C and OpenID specifications do. */
export interface SpecStatus {
  /** The version published: the SDK package's, which implements this text. */
  readonly version: string
  /** When the specification last changed (`YYYY-MM-DD`). */
  readonly date: string
  readonly editors: string
  /** The repository's issue tracker, when `package.json` names a repository. */
  readonly feedbackUrl?: string
  /** The SPDX licence of the text and code (the repository's `package.json` `license`). */
  readonly licence?: string
}

interface PackageJson {
  readonly version?: string
  readonly license?: string
  readonly repository?: string | { readonly url?: string }
  readonly bugs?: string | { readonly url?: string }
}

const readPackage = (file: string): PackageJson =>
  JSON.parse(readFileSync(file, 'utf8')) as PackageJson

/** The issue tracker a `package.json` names (`bugs`, or a GitHub/GitLab `repository` + `/issues`). */
export function issueTracker(pkg: PackageJson): string | undefined {
  const bugs = typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url
  if (bugs !== undefined && /^https:\/\//.test(bugs)) return bugs
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url
  const web = repo
    ?.replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .replace(/^github:/, 'https://github.com/')
  return web !== undefined && /^https:\/\/(github\.com|gitlab\.com)\//.test(web)
    ? `${web}/issues`
    : undefined
}

/** When `spec/` last changed in git, or today (the build's date) outside a git checkout. */
function specDate(root: string): string {
  try {
    const date = execFileSync('git', ['log', '-1', '--format=%cs', '--', 'spec'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
    if (/^\d{4}-\d{2}-\d{2}$/.test(date)) return date
  } catch {
    // No git: the build's date.
  }
  return new Date().toISOString().slice(0, 10)
}

/** The status of the specification in the repository at `root`. */
export function specStatus(root: string = ROOT): SpecStatus {
  const sdk = readPackage(`${root}sdk/package.json`)
  const repository = readPackage(`${root}package.json`)
  const feedbackUrl = issueTracker(repository) ?? issueTracker(sdk)
  const licence = repository.license ?? sdk.license
  return {
    version: sdk.version ?? '0.0.0',
    date: specDate(root),
    editors: 'CTA Interop editors',
    ...(feedbackUrl === undefined ? {} : { feedbackUrl }),
    ...(licence === undefined ? {} : { licence }),
  }
}

/** The status block: a definition list under the title of the home page. */
export function statusHtml(status: SpecStatus): string {
  const feedback =
    status.feedbackUrl === undefined
      ? "the project's issue tracker: open an issue there; quote the requirement ID (for example <code>EVT-SIG-002</code>) when it is about one"
      : `<a href="${escapeHtml(status.feedbackUrl)}">${escapeHtml(status.feedbackUrl)}</a>: open an issue; quote the requirement ID (for example <code>EVT-SIG-002</code>) when it is about one`
  return (
    '<dl class="spec-status" v-pre>' +
    '<dt>Status</dt><dd>Editor’s draft</dd>' +
    `<dt>Version</dt><dd><span data-status="version">${escapeHtml(status.version)}</span> (the SDK and conformance suite built with this text)</dd>` +
    `<dt>Date</dt><dd><time data-status="date" datetime="${escapeHtml(status.date)}">${escapeHtml(status.date)}</time></dd>` +
    `<dt>Editors</dt><dd data-status="editors">${escapeHtml(status.editors)}</dd>` +
    `<dt>Feedback</dt><dd data-status="feedback">${feedback}</dd>` +
    (status.licence === undefined
      ? ''
      : `<dt>Licence</dt><dd data-status="licence">${escapeHtml(status.licence)}</dd>`) +
    '<dt>Changes</dt><dd><a href="./changelog">Change log</a>, <a href="./references">references</a>, <a href="./registries">registries</a></dd>' +
    '</dl>\n'
  )
}
