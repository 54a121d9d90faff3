/**
 * The requirements registry: every normative statement of `spec/*.md`, with the vectors and tests
 * that cover it today, written to `conformance/requirements.json` by `npm run requirements`.
 *
 * A requirement is a paragraph (or list item) of the form
 * `<a id="DOC-CTX-001"></a>**[DOC-CTX-001]** *(Core)* Every document … MUST …`. Its level is its
 * first BCP 14 keyword; its profiles are the italic parenthesis after the identifier. Coverage is
 * what cites the identifier: the examples (passing vectors) and invalid twins (failing vectors) of
 * the manifests under `examples/documents/`, the conformance suite's vectors under
 * `conformance/vectors/` (passing when an implementation must accept, failing when it must
 * reject), and test titles in `**\/test/**\/*.test.ts` that contain `[ID]`. The output is deterministic: no dates, sorted lists, one fixed serialization.
 *
 * A requirement that live mode cannot observe says so in the paragraph directly after it, in
 * exactly this form: `*Not testable live:* <reason>`. That paragraph becomes the entry's `live`
 * field (`{ "testable": false, "reason": "…" }`); the field is absent when there is none.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL('../../', import.meta.url))
/** Where the registry is committed, relative to the repository root. */
export const REGISTRY_PATH = 'conformance/requirements.json'

/** A requirement identifier: `AREA-TOPIC-NNN`. */
const ID = '[A-Z]+-[A-Z]+-\\d{3}'
const DEFINITION = new RegExp(
  `^(?:(?:[-*+]|\\d+\\.)\\s+)?(?:<a id="(${ID})"></a>)?\\*\\*\\[(${ID})\\]\\*\\*\\s*(?:\\*\\(([^)]*)\\)\\*)?\\s*`,
)
const ANY_DEFINITION = new RegExp(`\\*\\*\\[(${ID})\\]\\*\\*`, 'g')
const CITATION = new RegExp(`\\[(${ID})\\]`, 'g')
/** How a paragraph saying that live mode cannot observe the requirement before it starts. */
export const NOT_TESTABLE_LIVE = '*Not testable live:*'
const KEYWORD =
  /\b(MUST NOT|MUST|REQUIRED|SHALL NOT|SHALL|SHOULD NOT|SHOULD|NOT RECOMMENDED|RECOMMENDED|MAY|OPTIONAL)\b/

/** The level of a requirement: its first BCP 14 keyword, folded onto MUST, SHOULD or MAY. */
export type Level = 'MUST' | 'SHOULD' | 'MAY'
const LEVELS: Readonly<Record<string, Level>> = {
  MUST: 'MUST',
  'MUST NOT': 'MUST',
  REQUIRED: 'MUST',
  SHALL: 'MUST',
  'SHALL NOT': 'MUST',
  SHOULD: 'SHOULD',
  'SHOULD NOT': 'SHOULD',
  RECOMMENDED: 'SHOULD',
  'NOT RECOMMENDED': 'SHOULD',
  MAY: 'MAY',
  OPTIONAL: 'MAY',
}

/** A requirement as written in a chapter, before coverage is attached. */
export interface Definition {
  readonly id: string
  /** Whether `<a id="ID"></a>` precedes the identifier. */
  readonly anchored: boolean
  readonly level: Level | null
  /** The first BCP 14 keyword as written (`MUST NOT`, `RECOMMENDED`, …). */
  readonly keyword: string | null
  /** Profile tokens (`core`, `receiver`, …) from the italic parenthesis. */
  readonly profiles: readonly string[]
  /** The chapter, relative to the repository root (`spec/documents.md`). */
  readonly chapter: string
  readonly line: number
  /** The nearest heading above the requirement. */
  readonly section: string
  /** The statement after the profiles, on one line, with Markdown links reduced to their text. */
  readonly statement: string
  /** From the `*Not testable live:*` paragraph directly after the requirement, if there is one. */
  readonly live?: NotTestableLive
}

/**
 * Why live mode cannot observe a requirement: the text after `*Not testable live:*`, on one line,
 * with Markdown links reduced to their text.
 */
export interface NotTestableLive {
  readonly testable: false
  readonly reason: string
}

/** A vector that cites a requirement. */
export interface VectorRef {
  /** Relative to the repository root. */
  readonly file: string
  /** What the vector shows (an example's title, a twin's defect). */
  readonly note: string
}

/** A test whose title cites a requirement. */
export interface TestRef {
  /** Relative to the repository root. */
  readonly file: string
  /** The full title: enclosing `describe` titles and the test's own, joined by ` > `. */
  readonly title: string
}

/** One entry of the registry. */
export interface Requirement {
  readonly id: string
  readonly level: Level | null
  readonly keyword: string | null
  readonly profiles: readonly string[]
  readonly chapter: string
  /** The element id of the requirement in its chapter (the published page is `<chapter>#<anchor>`). */
  readonly anchor: string
  readonly section: string
  readonly statement: string
  /** `sha256:` and the hex SHA-256 of `statement` (UTF-8): it changes whenever the text does. */
  readonly textHash: string
  /**
   * Present when the spec says, in a `*Not testable live:*` paragraph directly after the
   * requirement, that live mode cannot observe it (and why). Absent otherwise.
   */
  readonly live?: NotTestableLive
  readonly coverage: {
    /** Documents that satisfy the requirement and must be accepted. */
    readonly passing: readonly VectorRef[]
    /** Documents that break the requirement and must be rejected. */
    readonly failing: readonly VectorRef[]
    readonly tests: readonly TestRef[]
  }
}

/** A citation of an identifier the spec does not define. */
export interface UnknownCitation {
  readonly id: string
  /** The manifest or test file that cites it. */
  readonly source: string
}

/** The registry as written to `conformance/requirements.json`. */
export interface Registry {
  readonly $comment: string
  readonly requirements: readonly Requirement[]
  readonly unknownCitations: readonly UnknownCitation[]
}

/** A problem that makes the spec's requirements unusable (a duplicate identifier, a bad profile). */
export class RequirementsError extends Error {
  override readonly name = 'RequirementsError'
}

const posix = (path: string): string => path.split(sep).join('/')

/** Reads `spec/*.md`, sorted by file name. Paths are relative to `root`. */
export function readChapters(root: string = ROOT): { file: string; text: string }[] {
  const dir = join(root, 'spec')
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => ({ file: `spec/${f}`, text: readFileSync(join(dir, f), 'utf8') }))
}

/**
 * Profile names as the spec's conformance classes table writes them (`Group Authority`), mapped to
 * their tokens (`group-authority`). Read from the table under "Conformance classes" in the index.
 */
export function readProfiles(indexText: string): Map<string, string> {
  const profiles = new Map<string, string>()
  for (const m of indexText.matchAll(/^\|\s*([^|`]+?)\s*\|\s*`([a-z][a-z-]*)`\s*\|/gm)) {
    profiles.set(m[1] ?? '', m[2] ?? '')
  }
  return profiles
}

/** Markdown inline links `[text](url)` reduced to `text`; white space collapsed. */
function plain(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * Whether a requirement binds a running tool: it is a MUST and names a profile other than `core`
 * (so live mode either observes it or the spec says why it cannot).
 * @see https://w3id.org/cta/spec/#proving-conformance
 */
export function bindsRunningTool(r: {
  readonly level: Level | null
  readonly profiles: readonly string[]
}): boolean {
  return r.level === 'MUST' && r.profiles.some((p) => p !== 'core')
}

/**
 * Every requirement defined in the given chapters, in file order then document order. Duplicates
 * are kept (see {@link duplicateIds}). A `*Not testable live:*` paragraph directly after a
 * requirement becomes its `live` field. Throws {@link RequirementsError} for a bold identifier
 * that does not start a paragraph or list item, a requirement without a BCP 14 keyword, a profile
 * the conformance classes table does not list, or a `*Not testable live:*` paragraph that does not
 * directly follow a requirement (or is not a paragraph of its own).
 */
export function parseDefinitions(
  chapters: readonly { file: string; text: string }[],
  profiles: ReadonlyMap<string, string>,
): Definition[] {
  const definitions: Definition[] = []
  for (const { file, text } of chapters) {
    const lines = text.split(/\r?\n/)
    let fence: string | null = null
    let section = ''
    let paragraph: { start: number; lines: string[] } | null = null
    // The requirement of the paragraph just flushed, while nothing else came in between.
    let previous: { index: number } | null = null
    const flush = (): void => {
      if (paragraph) {
        const text = paragraph.lines.join('\n').trim()
        if (text.startsWith(NOT_TESTABLE_LIVE)) {
          const index = previous?.index ?? -1
          const target = definitions[index]
          if (target === undefined || target.live !== undefined) {
            throw new RequirementsError(
              `${file}:${paragraph.start}: a ${NOT_TESTABLE_LIVE} paragraph must directly follow the requirement it is about`,
            )
          }
          const reason = plain(text.slice(NOT_TESTABLE_LIVE.length))
          if (reason === '') {
            throw new RequirementsError(
              `${file}:${paragraph.start}: ${target.id}: ${NOT_TESTABLE_LIVE} gives no reason`,
            )
          }
          definitions[index] = { ...target, live: { testable: false, reason } }
          previous = null
        } else {
          const found = parseParagraph(file, paragraph, section, profiles)
          definitions.push(...found)
          previous = found.length > 0 ? { index: definitions.length - 1 } : null
        }
      }
      paragraph = null
    }
    lines.forEach((line, i) => {
      const fenceMark = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
      if (fence !== null) {
        if (fenceMark?.startsWith(fence)) fence = null
        return
      }
      if (fenceMark !== undefined) {
        flush()
        previous = null
        fence = fenceMark
        return
      }
      const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
      if (heading) {
        flush()
        previous = null
        section = plain(heading[1] ?? '').replace(/\s*\{#[^}]*\}$/, '')
        return
      }
      if (line.trim() === '' || /^\s*(?:[-*+]|\d+\.)\s+/.test(line)) flush()
      if (line.trim() !== '') {
        paragraph ??= { start: i + 1, lines: [] }
        paragraph.lines.push(line)
      }
    })
    flush()
  }
  return definitions
}

function parseParagraph(
  file: string,
  paragraph: { start: number; lines: string[] },
  section: string,
  profiles: ReadonlyMap<string, string>,
): Definition[] {
  const text = paragraph.lines.join('\n')
  const all = [...text.matchAll(ANY_DEFINITION)]
  if (all.length === 0) return []
  const where = `${file}:${paragraph.start}`
  const m = DEFINITION.exec(text)
  if (!m || all.length > 1) {
    throw new RequirementsError(
      `${where}: a requirement identifier in bold must start its own paragraph, as in ` +
        '`<a id="DOC-CTX-001"></a>**[DOC-CTX-001]** *(Core)* …`',
    )
  }
  const id = m[2] ?? ''
  if (m[3] === undefined) {
    throw new RequirementsError(
      `${where}: ${id} names no profiles; write them in italics after it, e.g. *(Core)*`,
    )
  }
  const tokens = m[3].split(',').map((name) => {
    const token = profiles.get(name.trim())
    if (token === undefined) {
      throw new RequirementsError(
        `${where}: ${id} names the profile "${name.trim()}", which the conformance classes table in spec/index.md does not list`,
      )
    }
    return token
  })
  const statement = plain(text.slice(m[0].length))
  if (statement.includes(NOT_TESTABLE_LIVE)) {
    throw new RequirementsError(
      `${where}: ${id}: ${NOT_TESTABLE_LIVE} must be a paragraph of its own, after a blank line`,
    )
  }
  const keyword = KEYWORD.exec(statement)?.[1] ?? null
  if (keyword === null && !/^\W*withdrawn\b/i.test(statement)) {
    throw new RequirementsError(
      `${where}: ${id} has no BCP 14 keyword (MUST, SHOULD, MAY, …) in capitals`,
    )
  }
  return [
    {
      id,
      anchored: m[1] === id,
      level: keyword === null ? null : (LEVELS[keyword] ?? null),
      keyword,
      profiles: tokens,
      chapter: file,
      line: paragraph.start,
      section,
      statement,
    },
  ]
}

/** Identifiers defined more than once, each with every place it is defined. */
export function duplicateIds(definitions: readonly Definition[]): Map<string, string[]> {
  const places = new Map<string, string[]>()
  for (const d of definitions) {
    places.set(d.id, [...(places.get(d.id) ?? []), `${d.chapter}:${d.line}`])
  }
  return new Map([...places].filter(([, where]) => where.length > 1))
}

interface ManifestEntry {
  readonly file: string
  readonly title?: string
  readonly defect?: string
  readonly requirements: readonly string[]
}

function walk(dir: string, skip: ReadonlySet<string>): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      if (skip.has(entry.name) || entry.name.startsWith('.')) return []
      const path = join(dir, entry.name)
      return entry.isDirectory() ? walk(path, skip) : [path]
    })
}

/** Every `manifest.json` under `examples/documents/`; their `file` paths are relative to that directory. */
export function readManifests(root: string = ROOT): {
  manifest: string
  examples: ManifestEntry[]
  invalid: ManifestEntry[]
}[] {
  const base = join(root, 'examples/documents')
  return walk(base, new Set(['node_modules']))
    .filter((path) => path.endsWith(`${sep}manifest.json`))
    .map((path) => {
      const json = JSON.parse(readFileSync(path, 'utf8')) as {
        examples?: ManifestEntry[]
        invalid?: ManifestEntry[]
      }
      return {
        manifest: posix(relative(root, path)),
        examples: json.examples ?? [],
        invalid: json.invalid ?? [],
      }
    })
}

/** A conformance vector, as far as coverage needs it (see conformance/README.md). */
interface VectorFile {
  readonly title?: string
  readonly requirements?: readonly string[]
  readonly expected?: {
    readonly valid?: boolean
    readonly error?: string
    readonly sequence?: readonly { readonly valid?: boolean; readonly error?: string }[]
  }
}

/**
 * The conformance suite's vectors (`conformance/vectors/**\/*.json`), each with whether an
 * implementation must accept it (`passing`), reject it (`failing`) or, for a sequence of
 * deliveries, both.
 */
export function readVectors(root: string = ROOT): {
  file: string
  title: string
  requirements: readonly string[]
  passing: boolean
  failing: boolean
}[] {
  return walk(join(root, 'conformance/vectors'), new Set(['node_modules']))
    .filter((path) => path.endsWith('.json'))
    .map((path) => {
      const vector = JSON.parse(readFileSync(path, 'utf8')) as VectorFile
      const outcomes = vector.expected?.sequence ?? (vector.expected ? [vector.expected] : [])
      return {
        file: posix(relative(root, path)),
        title: vector.title ?? '',
        requirements: vector.requirements ?? [],
        passing: outcomes.some((o) => o.valid === true),
        failing: outcomes.some((o) => o.error !== undefined),
      }
    })
}

const TEST_FUNCTIONS = new Set(['it', 'test', 'describe', 'suite'])

/** The name at the root of a callee such as `it`, `it.skip`, `it.each(table)` or `describe.concurrent`. */
function calleeRoot(node: ts.Expression): string | null {
  if (ts.isIdentifier(node)) return node.text
  if (ts.isPropertyAccessExpression(node)) return calleeRoot(node.expression)
  if (ts.isCallExpression(node)) return calleeRoot(node.expression)
  return null
}

function titleOf(node: ts.Expression | undefined, source: ts.SourceFile): string | null {
  if (node === undefined) return null
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text
  if (ts.isTemplateExpression(node)) return node.getText(source).slice(1, -1)
  return null
}

/** Full titles of the tests (`it`/`test`) in one test file, with their `describe` titles. */
export function testTitles(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const titles: string[] = []
  const visit = (node: ts.Node, path: readonly string[]): void => {
    if (ts.isCallExpression(node)) {
      const root = calleeRoot(node.expression)
      const title =
        root !== null && TEST_FUNCTIONS.has(root) ? titleOf(node.arguments[0], source) : null
      if (title !== null) {
        const full = [...path, title]
        if (root === 'it' || root === 'test') titles.push(full.join(' > '))
        node.arguments.slice(1).forEach((arg) => {
          visit(arg, full)
        })
        return
      }
    }
    node.forEachChild((child) => {
      visit(child, path)
    })
  }
  visit(source, [])
  return titles
}

/** Every `*.test.ts` under a `test/` directory, outside `node_modules`, `dist` and dot directories. */
export function findTestFiles(root: string = ROOT): string[] {
  return walk(root, new Set(['node_modules', 'dist']))
    .map((path) => posix(relative(root, path)))
    .filter((path) => path.endsWith('.test.ts') && /(^|\/)test\//.test(path))
}

const sha256 = (text: string): string =>
  `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`

const byFile = <T extends { file: string }>(a: T, b: T): number =>
  a.file < b.file ? -1 : a.file > b.file ? 1 : 0

/**
 * Builds the registry from the repository at `root`. Throws {@link RequirementsError} when an
 * identifier is defined twice or a definition is malformed.
 */
export function extractRequirements(root: string = ROOT): Registry {
  const chapters = readChapters(root)
  const index = chapters.find((c) => c.file === 'spec/index.md')?.text ?? ''
  const definitions = parseDefinitions(chapters, readProfiles(index))
  const duplicates = duplicateIds(definitions)
  if (duplicates.size > 0) {
    throw new RequirementsError(
      `requirement identifiers defined more than once: ${[...duplicates]
        .map(([id, where]) => `${id} (${where.join(', ')})`)
        .join('; ')}`,
    )
  }
  const defined = new Set(definitions.map((d) => d.id))
  const unknown = new Map<string, UnknownCitation>()
  const cite = (id: string, source: string): boolean => {
    if (defined.has(id)) return true
    unknown.set(`${id} ${source}`, { id, source })
    return false
  }

  const passing = new Map<string, Map<string, VectorRef>>()
  const failing = new Map<string, Map<string, VectorRef>>()
  const add = (into: Map<string, Map<string, VectorRef>>, id: string, ref: VectorRef): void => {
    const refs = into.get(id) ?? new Map<string, VectorRef>()
    if (!refs.has(ref.file)) refs.set(ref.file, ref)
    into.set(id, refs)
  }
  for (const { manifest, examples, invalid } of readManifests(root)) {
    for (const e of examples) {
      for (const id of e.requirements) {
        if (cite(id, manifest)) {
          add(passing, id, { file: `examples/documents/${e.file}`, note: e.title ?? '' })
        }
      }
    }
    for (const t of invalid) {
      for (const id of t.requirements) {
        if (cite(id, manifest)) {
          add(failing, id, { file: `examples/documents/${t.file}`, note: t.defect ?? '' })
        }
      }
    }
  }

  for (const v of readVectors(root)) {
    for (const id of v.requirements) {
      if (!cite(id, v.file)) continue
      if (v.passing) add(passing, id, { file: v.file, note: v.title })
      if (v.failing) add(failing, id, { file: v.file, note: v.title })
    }
  }

  const tests = new Map<string, TestRef[]>()
  for (const file of findTestFiles(root)) {
    for (const title of testTitles(file, readFileSync(join(root, file), 'utf8'))) {
      for (const id of new Set([...title.matchAll(CITATION)].map((m) => m[1] ?? ''))) {
        if (cite(id, file)) tests.set(id, [...(tests.get(id) ?? []), { file, title }])
      }
    }
  }

  const requirements = definitions.map((d): Requirement => ({
    id: d.id,
    level: d.level,
    keyword: d.keyword,
    profiles: d.profiles,
    chapter: d.chapter,
    anchor: d.id,
    section: d.section,
    statement: d.statement,
    textHash: sha256(d.statement),
    ...(d.live === undefined ? {} : { live: d.live }),
    coverage: {
      passing: [...(passing.get(d.id)?.values() ?? [])].sort(byFile),
      failing: [...(failing.get(d.id)?.values() ?? [])].sort(byFile),
      tests: [...(tests.get(d.id) ?? [])].sort((a, b) =>
        byFile(a, b) !== 0 ? byFile(a, b) : a.title < b.title ? -1 : a.title > b.title ? 1 : 0,
      ),
    },
  }))
  return {
    $comment:
      'Generated by `npm run requirements` (conformance/scripts/extract-requirements.ts) from spec/*.md, the manifests under examples/documents/, the vectors under conformance/vectors/ and test titles citing [ID]. Do not edit: a test fails when it is stale.',
    requirements,
    unknownCitations: [...unknown.values()].sort((a, b) =>
      a.id === b.id ? (a.source < b.source ? -1 : 1) : a.id < b.id ? -1 : 1,
    ),
  }
}

/** The registry's serialization: two-space JSON and a final newline. */
export function serialize(registry: Registry): string {
  return `${JSON.stringify(registry, null, 2)}\n`
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const registry = extractRequirements()
  writeFileSync(join(ROOT, REGISTRY_PATH), serialize(registry))
  const count = (f: (r: Requirement) => boolean): number => registry.requirements.filter(f).length
  console.log(
    `${REGISTRY_PATH}: ${registry.requirements.length} requirements; ` +
      `${count((r) => r.coverage.passing.length > 0)} with a passing vector, ` +
      `${count((r) => r.coverage.failing.length > 0)} with a failing vector, ` +
      `${count((r) => r.coverage.tests.length > 0)} cited by a test title, ` +
      `${count((r) => r.live !== undefined)} not testable live` +
      (registry.unknownCitations.length > 0
        ? `; ${registry.unknownCitations.length} citations of unknown identifiers`
        : ''),
  )
}
