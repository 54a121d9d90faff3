import { existsSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import type { MarkdownRenderer } from 'vitepress'
import {
  NOT_TESTABLE_LIVE,
  bindsRunningTool,
  type Registry,
  type Requirement,
} from '../../conformance/scripts/extract-requirements.js'
import { PUBLISHED_TREES, ROOT } from './paths.js'
import { statusHtml, type SpecStatus } from './status.js'

type CoreRule = Parameters<MarkdownRenderer['core']['ruler']['push']>[1]
type StateCore = Parameters<CoreRule>[0]
type Token = StateCore['tokens'][number]

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** A repository path (`schemas/v1/group.json`) that the site publishes at `/<path>`, or null. */
export function publishedPath(repoPath: string): string | null {
  return PUBLISHED_TREES.some((tree) => repoPath === tree || repoPath.startsWith(`${tree}/`))
    ? `/${repoPath}`
    : null
}

/**
 * The schema an example document validates against, from its manifest kind (`Group` →
 * `group.json`, `MembershipJoinedEvent` → `event-membership-joined.json`, `Event` → `event.json`),
 * or null when no such schema is published.
 */
export function schemaForKind(kind: string): string | null {
  const kebab = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()
  const name =
    kind === 'Event'
      ? 'event'
      : kind.endsWith('Event')
        ? `event-${kebab(kind.slice(0, -'Event'.length))}`
        : kebab(kind)
  return existsSync(`${ROOT}schemas/v1/${name}.json`) ? `${name}.json` : null
}

/** What the plugin needs to know beyond the Markdown. */
export interface SpecMarkdownOptions {
  readonly registry: Registry
  /** Profile tokens to the names the spec uses (`group-authority` → `Group Authority`). */
  readonly profileNames: ReadonlyMap<string, string>
  /** Example files (relative to `examples/documents/`) to their manifest kind. */
  readonly exampleKinds: ReadonlyMap<string, string>
  /** The conformance suite's live cases, to say which requirements live mode tests. */
  readonly liveCases?: readonly { readonly id: string; readonly requirements: readonly string[] }[]
  /** The status block shown under the title of `spec/index.md`. */
  readonly status?: SpecStatus
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

function vectorList(title: string, refs: readonly { file: string; note: string }[]): string {
  if (refs.length === 0) return ''
  const items = refs.map((r) => {
    const href = publishedPath(r.file)
    const name = escapeHtml(r.file.replace(/^examples\/documents\//, ''))
    const link =
      href === null
        ? `<code>${name}</code>`
        : `<a href="${escapeHtml(href)}" target="_self"><code>${name}</code></a>`
    return `<li>${link}${r.note ? ` — ${escapeHtml(r.note)}` : ''}</li>`
  })
  return `<p>${title}</p><ul>${items.join('')}</ul>`
}

/**
 * Whether live mode tests a requirement: `tested live` (the cases in the title), `not testable
 * live` (the reason follows as a note), `no live case yet` for a MUST that binds a running tool
 * and has neither, or nothing for a requirement live mode is not asked to show.
 */
function liveBadge(requirement: Requirement, liveCases: readonly string[]): string {
  if (liveCases.length > 0) {
    return `<span class="requirement-live" title="${escapeHtml(liveCases.join(', '))}">tested live</span>`
  }
  if (requirement.live !== undefined) {
    return '<span class="requirement-live not-live">not testable live</span>'
  }
  return bindsRunningTool(requirement)
    ? '<span class="requirement-gap">no live case yet</span>'
    : ''
}

/**
 * The "Covered by" block shown under a requirement: level, profiles, whether live mode tests it
 * (`liveCases`: the IDs of the live cases citing it) and what else tests it.
 */
export function coverageHtml(
  requirement: Requirement,
  profileNames: ReadonlyMap<string, string>,
  liveCases: readonly string[] = [],
): string {
  const { passing, failing, tests } = requirement.coverage
  const level = requirement.level ?? 'withdrawn'
  const profiles = requirement.profiles.map((p) => escapeHtml(profileNames.get(p) ?? p)).join(', ')
  const gaps = [
    passing.length === 0 ? 'no passing vector yet' : null,
    failing.length === 0 ? 'no failing vector yet' : null,
  ].filter((g) => g !== null)
  const summary =
    `Covered by ${plural(passing.length, 'passing vector', 'passing vectors')}, ` +
    `${plural(failing.length, 'failing vector', 'failing vectors')}, ` +
    plural(tests.length, 'test', 'tests')
  const testList =
    tests.length === 0
      ? ''
      : `<p>Tests citing it</p><ul>${tests
          .map((t) => `<li><code>${escapeHtml(t.file)}</code> › ${escapeHtml(t.title)}</li>`)
          .join('')}</ul>`
  const details =
    passing.length + failing.length + tests.length === 0
      ? `<span class="requirement-summary">${summary}</span>`
      : `<details><summary class="requirement-summary">${summary}</summary>${vectorList(
          'Passing vectors (a conforming implementation accepts them)',
          passing,
        )}${vectorList('Failing vectors (a conforming implementation rejects them)', failing)}${testList}</details>`
  return (
    `<!--coverage--><div class="requirement-coverage" data-coverage-for="${requirement.id}" v-pre>` +
    `<span class="requirement-level level-${level.toLowerCase()}">${escapeHtml(level)}</span>` +
    `<span class="requirement-profiles">${profiles}</span>` +
    gaps.map((g) => `<span class="requirement-gap">${g}</span>`).join('') +
    liveBadge(requirement, liveCases) +
    details +
    `</div><!--/coverage-->\n`
  )
}

const REQUIREMENT_START =
  /^(?:<a id="([A-Z]+-[A-Z]+-\d{3})"><\/a>)?\*\*\[([A-Z]+-[A-Z]+-\d{3})\]\*\*/

function htmlBlock(state: StateCore, content: string): Token {
  const token = new state.Token('html_block', '', 0)
  token.content = content
  return token
}

/** Wraps the bold `[ID]` of a requirement in a link to its own anchor. */
function linkIdentifier(state: StateCore, inline: Token, id: string): void {
  const children = inline.children ?? []
  const open = children.findIndex(
    (t, i) => t.type === 'strong_open' && children[i + 1]?.content === `[${id}]`,
  )
  if (open === -1 || children[open + 2]?.type !== 'strong_close') return
  const linkOpen = new state.Token('link_open', 'a', 1)
  linkOpen.attrs = [
    ['href', `#${id}`],
    ['class', 'requirement-id'],
  ]
  const linkClose = new state.Token('link_close', 'a', -1)
  children.splice(open + 3, 0, linkClose)
  children.splice(open, 0, linkOpen)
}

/**
 * A markdown-it plugin for the spec's chapters:
 *
 * - each requirement paragraph gets a class, a link from its identifier to its own anchor, and a
 *   "Covered by" block from the requirements registry;
 * - the `*Not testable live:*` paragraph after a requirement becomes a small note of its own
 *   (class `requirement-not-live`), so it reads as part of that requirement;
 * - `spec/index.md` gets the status block ({@link statusHtml}) under its title;
 * - each code snippet included with `<<< ../examples/…` gets a caption linking the published file
 *   and the schema it validates against;
 * - relative links out of `spec/` into a published tree (`../schemas/…`, `../examples/documents/…`)
 *   become site links that bypass the single-page router (these are files, not pages).
 */
export function specMarkdown(md: MarkdownRenderer, options: SpecMarkdownOptions): void {
  const byId = new Map(options.registry.requirements.map((r) => [r.id, r]))

  md.core.ruler.push('cta-spec', (state) => {
    const env = state.env as { realPath?: string; path?: string }
    const source = env.realPath ?? env.path ?? ''
    const tokens = state.tokens
    if (options.status !== undefined && source === `${ROOT}spec/index.md`) {
      const title = tokens.findIndex((t) => t.type === 'heading_close' && t.tag === 'h1')
      if (title !== -1) tokens.splice(title + 1, 0, htmlBlock(state, statusHtml(options.status)))
    }
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]
      if (token === undefined) continue

      if (token.type === 'inline') {
        for (const child of token.children ?? []) {
          if (child.type !== 'link_open') continue
          const href = child.attrGet('href')
          if (href === null || !href.startsWith('../') || source === '') continue
          const [path = '', hash] = href.split('#', 2)
          const repoPath = relative(ROOT, resolve(dirname(source), path))
            .split('\\')
            .join('/')
          const published = publishedPath(repoPath.replace(/\/$/, ''))
          if (published === null) continue
          const suffix = path.endsWith('/') && !published.endsWith('/') ? '/' : ''
          child.attrSet('href', `${published}${suffix}${hash === undefined ? '' : `#${hash}`}`)
          child.attrSet('target', '_self')
        }
        if (token.content.startsWith(NOT_TESTABLE_LIVE)) {
          const open = tokens[i - 1]
          const holder = open?.hidden === true ? tokens[i - 2] : open
          if (open?.type === 'paragraph_open') holder?.attrJoin('class', 'requirement-not-live')
          continue
        }
        const m = REQUIREMENT_START.exec(token.content)
        const requirement = m ? byId.get(m[2] ?? '') : undefined
        if (requirement === undefined) continue
        const open = tokens[i - 1]
        const close = tokens[i + 1]
        if (open?.type !== 'paragraph_open' || close?.type !== 'paragraph_close') continue
        linkIdentifier(state, token, requirement.id)
        // In a tight list the paragraph is not rendered; mark the list item instead.
        const holder = open.hidden ? tokens[i - 2] : open
        holder?.attrJoin('class', 'requirement')
        holder?.attrSet('data-requirement', requirement.id)
        const cases = (options.liveCases ?? [])
          .filter((c) => c.requirements.includes(requirement.id))
          .map((c) => c.id)
        tokens.splice(
          i + 2,
          0,
          htmlBlock(state, coverageHtml(requirement, options.profileNames, cases)),
        )
        i += 2
        continue
      }

      const snippet = (token as Token & { src?: unknown }).src
      if (token.type === 'fence' && Array.isArray(snippet) && typeof snippet[0] === 'string') {
        const repoPath = relative(ROOT, snippet[0]).split('\\').join('/')
        const href = publishedPath(repoPath)
        if (href === null) continue
        const kind = options.exampleKinds.get(repoPath.replace(/^examples\/documents\//, ''))
        const schema = kind === undefined ? null : schemaForKind(kind)
        const caption =
          `<p class="example-source" v-pre>Embedded from <a href="${escapeHtml(href)}" target="_self"><code>${escapeHtml(repoPath)}</code></a>` +
          (schema === null
            ? ''
            : ` · validates against <a href="/schemas/v1/${schema}" target="_self"><code>${schema}</code></a>`) +
          '</p>\n'
        tokens.splice(i, 0, htmlBlock(state, caption))
        i += 1
      }
    }
  })
}
