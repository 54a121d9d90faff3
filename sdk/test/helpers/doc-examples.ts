import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { ROOT } from './documents.js'

/** One ```ts block of a README, or of a TSDoc `@example`. */
export interface DocBlock {
  /** Where it is, relative to the repository root. */
  readonly file: string
  /** The 1-based line of the block's first line of code in `file`. */
  readonly line: number
  readonly code: string
  /** The entry whose exports a block that imports nothing sees. */
  readonly entry: string
}

/** A type error in a block, where a reader finds it. */
export interface DocDiagnostic {
  readonly file: string
  readonly line: number
  readonly message: string
  /** The block it is in. */
  readonly block?: DocBlock
}

const SDK = `${ROOT}sdk/`

/**
 * The names an example may use without declaring them, and their types. A block that uses one of
 * these and does not declare it itself gets `declare const <name>: <type>` in front of it; any
 * other free name must be declared in the block (`declare const clientSecret: string`).
 * CONTRIBUTING.md lists them.
 */
export const GLOSSARY: Readonly<Record<string, string>> = {
  source: 'string',
  origin: 'string',
  feedUrl: 'string',
  accessToken: 'string',
  jws: 'string',
  jwt: 'string',
  body: 'string',
  // A Group document, and its IRI where a string is wanted.
  group: "import('@cta-interop/sdk').Group & string",
  membership: "import('@cta-interop/sdk').Membership",
  installation: "import('@cta-interop/sdk').ToolInstallation",
  proposal: "import('@cta-interop/sdk').Proposal",
  bounty: "import('@cta-interop/sdk').Proposal",
  agreement: "import('@cta-interop/sdk').Agreement",
  payment: "import('@cta-interop/sdk').EconomicEvent",
  response: "import('@cta-interop/sdk').AgreementResponse",
  poll: "import('@cta-interop/sdk').Poll",
  stance: "import('@cta-interop/sdk').Stance",
  stances: "readonly import('@cta-interop/sdk').Stance[]",
  task: "import('@cta-interop/sdk').Task",
  round: "import('@cta-interop/sdk').FundingRound",
  bucket: "import('@cta-interop/sdk').Bucket",
  contribution: "import('@cta-interop/sdk').Contribution",
  account: "import('@cta-interop/sdk').Account",
  transfer: "import('@cta-interop/sdk').Transfer",
  actor: "import('@cta-interop/sdk').ActorRef",
  event: "import('@cta-interop/sdk').Event",
  manifest: "import('@cta-interop/sdk').ToolManifest",
  key: "import('@cta-interop/sdk').SigningKey",
  authorityKey: "import('@cta-interop/sdk').SigningKey",
  resolveKey: "import('@cta-interop/sdk').ResolveKey",
  resolver: "import('@cta-interop/sdk').ManifestResolver",
  dedupe: "import('@cta-interop/sdk').DedupeStore",
  replay: "import('@cta-interop/sdk').DedupeStore",
  // Whichever store the example needs: a delivery store (with its dedupe), a membership store…
  store:
    "import('@cta-interop/sdk').DeliveryStore & { dedupe: import('@cta-interop/sdk').DedupeStore } & import('@cta-interop/sdk').MembershipStore & import('@cta-interop/sdk/nats').JetStreamDeliveryStore",
  request: 'Request',
  authority: "import('@cta-interop/sdk').DiscoveredAuthority",
  session: "{ pending: import('@cta-interop/sdk').PendingSignIn }",
  installations: "import('@cta-interop/sdk').InstallationCache",
  offer: "import('@cta-interop/sdk').Proposal",
  subscription: "import('@cta-interop/sdk').Subscription",
  members: "import('@cta-interop/sdk').MembershipCache",
  harbourCredit: "import('@cta-interop/sdk').ResourceSpecification",
  outcome: "import('@cta-interop/sdk').Outcome",
  closedPoll: "import('@cta-interop/sdk').Poll",
  page: "import('@cta-interop/sdk').FeedPage",
  received: "{ event: import('@cta-interop/sdk').Event }",
  inbox: '(request: Request) => Promise<Response>',
  pool: "import('pg').Pool",
  sub: 'string',
  doc: 'unknown',
  claims: "import('@cta-interop/sdk').MembershipAssertionClaims",
  saved: '{ cursor?: string }',
  created: "import('@cta-interop/sdk').Event",
  assigned: "import('@cta-interop/sdk').Event",
  completed: "import('@cta-interop/sdk').Event",
  clientId: 'string',
  clientSecret: 'string',
  issuer: 'string',
  trustedSources: 'readonly string[]',
  jwks: "import('@cta-interop/sdk').Jwks",
  onEvent: "(event: import('@cta-interop/sdk').Event) => void",
  notifications: "{ add(event: import('@cta-interop/sdk').Event): void }",
}

/** The ```ts blocks of a Markdown file. */
export function markdownBlocks(file: string, entry: string): DocBlock[] {
  const lines = readFileSync(`${ROOT}${file}`, 'utf8').split('\n')
  const blocks: DocBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i] ?? '')) continue
    const start = i + 1
    let end = start
    while (end < lines.length && !(lines[end] ?? '').startsWith('```')) end++
    blocks.push({ file, line: start + 1, code: lines.slice(start, end).join('\n'), entry })
    i = end
  }
  return blocks
}

/** The ```ts blocks of the `@example` tags of a TypeScript file's TSDoc comments. */
function tsdocBlocks(file: string, entry: string): DocBlock[] {
  const lines = readFileSync(`${ROOT}${file}`, 'utf8').split('\n')
  const blocks: DocBlock[] = []
  let inExample = false
  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] ?? '').replace(/^\s*\*\s?/, '')
    if (/^\s*\*\s*@example/.test(lines[i] ?? '')) inExample = true
    else if (/^\s*\*\s*@\w/.test(lines[i] ?? '') || /\*\//.test(lines[i] ?? '')) inExample = false
    if (!inExample || !/^```(ts|typescript)\s*$/.test(text)) continue
    const start = i + 1
    let end = start
    while (end < lines.length && !(lines[end] ?? '').replace(/^\s*\*\s?/, '').startsWith('```')) {
      end++
    }
    const code = lines
      .slice(start, end)
      .map((l) => l.replace(/^\s*\*\s?/, ''))
      .join('\n')
    blocks.push({ file, line: start + 1, code, entry })
    i = end
  }
  return blocks
}

const ENTRIES: readonly [string, string][] = [
  ['sdk/src/', '@cta-interop/sdk'],
  ['sdk/node/', '@cta-interop/sdk/node'],
  ['sdk/authority/', '@cta-interop/sdk/authority'],
  ['sdk/nats/', '@cta-interop/sdk/nats'],
]

/** Every README block and TSDoc example of the SDK. */
export function collectDocBlocks(): DocBlock[] {
  const blocks = [
    ...markdownBlocks('README.md', '@cta-interop/sdk'),
    ...markdownBlocks('sdk/README.md', '@cta-interop/sdk'),
  ]
  for (const [dir, entry] of ENTRIES) {
    const files = readdirSync(`${ROOT}${dir}`, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts') && !f.includes('generated'))
      .sort()
    for (const f of files) blocks.push(...tsdocBlocks(`${dir}${f}`, entry))
  }
  return blocks
}

/** The names an entry's declaration file exports. */
function exportsOf(dts: string): Set<string> {
  const source = ts.createSourceFile(dts, readFileSync(dts, 'utf8'), ts.ScriptTarget.ES2022)
  const names = new Set<string>()
  for (const statement of source.statements) {
    if (
      ts.isExportDeclaration(statement) &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause) &&
      !statement.isTypeOnly
    ) {
      for (const element of statement.exportClause.elements) {
        if (!element.isTypeOnly) names.add(element.name.text)
      }
    }
  }
  return names
}

/** The names a block declares or imports at its top level, and every identifier it uses. */
function namesOf(code: string): { declared: Set<string>; used: Set<string>; imports: boolean } {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022, true)
  const declared = new Set<string>()
  let imports = false
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) declared.add(name.text)
    else
      for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name)
  }
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      imports = true
      const clause = statement.importClause
      if (clause?.name) declared.add(clause.name.text)
      const bindings = clause?.namedBindings
      if (bindings && ts.isNamespaceImport(bindings)) declared.add(bindings.name.text)
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) declared.add(element.name.text)
      }
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name)
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement)) &&
      statement.name
    ) {
      declared.add(statement.name.text)
    }
  }
  const used = new Set<string>()
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) used.add(node.text)
    ts.forEachChild(node, visit)
  }
  visit(source)
  return { declared, used, imports }
}

/**
 * Type-checks every block as a module of its own, in one program: each block is written to a
 * temporary directory with a one-line preamble (the glossary names it uses, and, for a block
 * that imports nothing, the exports of its entry that it uses), with `@cta-interop/sdk` and its
 * subpaths mapped to the built declarations in sdk/dist.
 */
export function checkDocBlocks(blocks: readonly DocBlock[]): DocDiagnostic[] {
  const dist = `${SDK}dist/`
  const entries = new Map(
    ENTRIES.map(([, entry]) => {
      const name = entry === '@cta-interop/sdk' ? 'index' : entry.split('/').pop()
      return [entry, exportsOf(`${dist}${name}.d.ts`)]
    }),
  )
  const dir = mkdtempSync(join(tmpdir(), 'cta-doc-examples-'))
  try {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
    const files: string[] = []
    for (const [i, block] of blocks.entries()) {
      const { declared, used, imports } = namesOf(block.code)
      const free = [...used].filter((name) => !declared.has(name))
      const preamble: string[] = []
      const imported = new Set<string>()
      // A block that imports nothing sees its own entry's exports first, then the other entries'.
      const order = [block.entry, ...[...entries.keys()].filter((e) => e !== block.entry)]
      for (const entry of imports ? [] : order) {
        const exported = entries.get(entry) ?? new Set<string>()
        const names = free.filter((name) => exported.has(name) && !imported.has(name))
        for (const name of names) imported.add(name)
        if (names.length > 0) preamble.push(`import { ${names.join(', ')} } from '${entry}'`)
      }
      for (const name of free) {
        const type = GLOSSARY[name]
        if (type !== undefined && !imported.has(name)) {
          preamble.push(`declare const ${name}: ${type}`)
        }
      }
      const file = join(dir, `block-${String(i).padStart(3, '0')}.ts`)
      writeFileSync(file, `${preamble.join('; ')}\n${block.code}\nexport {}\n`)
      files.push(file)
    }
    const paths: Record<string, string[]> = {
      '@cta-interop/sdk': [`${dist}index.d.ts`],
    }
    for (const name of ['schemas', 'jsonld', 'node', 'authority', 'nats']) {
      paths[`@cta-interop/sdk/${name}`] = [`${dist}${name}.d.ts`]
    }
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      typeRoots: [`${ROOT}node_modules/@types`],
      paths,
    })
    const diagnostics: DocDiagnostic[] = []
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const at = diagnostic.file
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
      const index = at === undefined ? -1 : files.indexOf(at.fileName)
      const block = blocks[index]
      if (at === undefined || block === undefined || diagnostic.start === undefined) {
        diagnostics.push({ file: at ? relative(ROOT, at.fileName) : '(program)', line: 0, message })
        continue
      }
      const { line } = at.getLineAndCharacterOfPosition(diagnostic.start)
      // Line 0 is the preamble; the block's first line is line 1.
      diagnostics.push({
        file: block.file,
        line: block.line + Math.max(line - 1, 0),
        message,
        block,
      })
    }
    return diagnostics
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
