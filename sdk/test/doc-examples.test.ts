import { existsSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from './helpers/documents.js'
import {
  checkDocBlocks,
  collectDocBlocks,
  markdownBlocks,
  type DocDiagnostic,
} from './helpers/doc-examples.js'

const built = existsSync(`${ROOT}sdk/dist/index.d.ts`)
const BROKEN_FIXTURE = 'sdk/test/fixtures/doc-examples/broken.md'

/**
 * The examples that did not compile when this test was written, by file: how many of the file's
 * blocks fail. A count may only go down: fixing a block fails this test until its count is
 * lowered, and a new failing block fails it at once. CONTRIBUTING.md says how to fix one.
 */
const NOT_YET_COMPILING: Readonly<Record<string, number>> = {
  'sdk/authority/create-group-authority.ts': 1,
  'sdk/nats/create-jetstream-delivery-store.ts': 1,
  'sdk/node/create-control-handler.ts': 1,
  'sdk/node/create-node-inbox.ts': 1,
  'sdk/node/node-signature-verifier.ts': 1,
  'sdk/node/sodium-signature-verifier.ts': 1,
  'sdk/node/stores/pglite-delivery-store.ts': 1,
  'sdk/node/stores/postgres-delivery-store.ts': 1,
  'sdk/node/subscribe.ts': 1,
  'sdk/node/to-node-listener.ts': 1,
  'sdk/src/budgeting/compute-round.ts': 1,
  'sdk/src/credit/create-account.ts': 1,
  'sdk/src/delivery/answer-handshake.ts': 1,
  'sdk/src/delivery/create-subscriptions-handler.ts': 1,
  'sdk/src/delivery/verify-sink-handshake.ts': 1,
  'sdk/src/errors.ts': 1,
  'sdk/src/events/check-source-installed.ts': 1,
  'sdk/src/events/create-inbox.ts': 2,
  'sdk/src/events/verify-events.ts': 1,
  'sdk/src/http/problem.ts': 2,
  'sdk/src/intents/intent-matched.ts': 1,
  'sdk/src/jsonld/document-loader.ts': 1,
  'sdk/src/keys/create-key-revocation-list.ts': 1,
  'sdk/src/keys/create-key-ring.ts': 1,
  'sdk/src/keys/sign-key-revocation.ts': 1,
  'sdk/src/keys/signing-key.ts': 1,
  'sdk/src/membership/create-group-handler.ts': 1,
  'sdk/src/membership/create-installation-cache.ts': 1,
  'sdk/src/membership/create-membership-cache.ts': 1,
  'sdk/src/membership/create-membership-recheck.ts': 1,
  'sdk/src/membership/create-memory-membership-store.ts': 1,
  'sdk/src/membership/find-assertion-subject.ts': 1,
  'sdk/src/privacy/check-roster-viewer.ts': 1,
  'sdk/src/stores/inbox-store.ts': 1,
  'sdk/src/stores/memory-dedupe-store.ts': 1,
}

const where = (d: DocDiagnostic): string => `${d.file}:${d.line}: ${d.message.split('\n')[0] ?? ''}`

describe.skipIf(!built)('README snippets and TSDoc examples (run `npm run build` first)', () => {
  const blocks = collectDocBlocks()
  const fixture = markdownBlocks(BROKEN_FIXTURE, '@cta-interop/sdk')
  let diagnostics: DocDiagnostic[] = []
  // One program for every block, the broken fixture among them.
  beforeAll(() => {
    diagnostics = checkDocBlocks([...blocks, ...fixture])
  }, 120_000)

  it('finds the README blocks and the TSDoc examples', () => {
    expect(blocks.filter((b) => b.file === 'README.md').length).toBeGreaterThan(0)
    expect(blocks.filter((b) => b.file === 'sdk/README.md').length).toBeGreaterThan(0)
    expect(blocks.length).toBeGreaterThan(140)
  })

  it('type-checks every block, except those listed as not compiling yet', () => {
    const real = diagnostics.filter((d) => d.file !== BROKEN_FIXTURE)
    const failing = new Map<string, Set<number>>()
    for (const d of real) {
      const lines = failing.get(d.file) ?? new Set<number>()
      lines.add(d.block?.line ?? d.line)
      failing.set(d.file, lines)
    }
    const unexpected = real.filter(
      (d) => (failing.get(d.file)?.size ?? 0) > (NOT_YET_COMPILING[d.file] ?? 0),
    )
    expect(unexpected.map(where)).toEqual([])
    const fixed = Object.entries(NOT_YET_COMPILING)
      .filter(([file, count]) => (failing.get(file)?.size ?? 0) < count)
      .map(([file]) => `${file}: fewer blocks fail now; lower its count in NOT_YET_COMPILING`)
    expect(fixed).toEqual([])
  })

  it('reports a block that does not compile with its file and line', () => {
    const reported = diagnostics.filter((d) => d.file === BROKEN_FIXTURE)
    expect(reported.map((d) => `${d.file}:${d.line}`)).toEqual([`${BROKEN_FIXTURE}:9`])
  })
})
