// conformance: the full static vector run through the SDK adapter (the runner, comparisons and
// outcomes included), against raw validateDocument / verifyEvent over the same inputs. Reported
// only; the notes assert that the full run stays under 10 seconds.
import {
  createMemoryDedupeStore,
  staticKeyResolver,
  validateDocument,
  verifyEvent,
  type DocumentKind,
  type Jwks,
} from '@cta-interop/sdk'
import { sdkImplementation } from '../conformance/src/adapters/sdk.js'
import { runVectors } from '../conformance/src/run.js'
import type {
  TrustedTool,
  ValidateDocumentInput,
  VerifyEventInput,
  VerifyEventSequenceInput,
} from '../conformance/src/types.js'
import { loadVectors } from '../conformance/src/vectors.js'
import { alternateOps, roundsResult, type Bench } from './lib/measure.js'

const { vectors } = await loadVectors()
const LIMIT_SECONDS = 10

const resolverFor = (trust: readonly TrustedTool[]) =>
  staticKeyResolver(trust.map(({ source, jwks }) => ({ source, jwks: jwks as unknown as Jwks })))

const direct = sdkImplementation()
await direct.start()

async function raw(): Promise<void> {
  for (const { vector } of vectors) {
    if (
      vector.operation !== 'validateDocument' &&
      vector.operation !== 'verifyEvent' &&
      vector.operation !== 'verifyEventSequence'
    ) {
      // Assertions, matching and amounts: the adapter's own call, without the runner around it.
      await direct.run(vector)
      continue
    }
    if (vector.operation === 'validateDocument') {
      const input = vector.input as ValidateDocumentInput
      validateDocument(
        input.document,
        input.kind === undefined ? {} : { kind: input.kind as DocumentKind },
      )
      continue
    }
    const input = vector.input as VerifyEventInput | VerifyEventSequenceInput
    const deliveries = 'jws' in input ? [input.jws] : input.deliveries
    const now = new Date(input.currentDate)
    const dedupe = createMemoryDedupeStore({ now: () => now.getTime() })
    const resolveKey = resolverFor(input.trust)
    for (const jws of deliveries) {
      await verifyEvent(jws, { resolveKey, currentDate: now, dedupe }).catch(() => undefined)
    }
  }
}

export const run: Bench = async () => {
  const impl = sdkImplementation()
  const info = await impl.start()
  const once = async () => runVectors(impl, info, vectors, { harness: 'direct' })
  const t0 = performance.now()
  const first = await once()
  const fullRunSeconds = (performance.now() - t0) / 1000
  if (first.summary.failed + first.summary.errored > 0) throw new Error('the SDK fails vectors')
  if (fullRunSeconds >= LIMIT_SECONDS) {
    throw new Error(
      `the full static run took ${fullRunSeconds.toFixed(2)} s, over ${LIMIT_SECONDS} s`,
    )
  }
  const measured = await alternateOps(once, raw, { batch: vectors.length, rounds: 3 })
  return [
    roundsResult(
      {
        name: 'conformance-static-run',
        unit: 'vectors/s',
        baseline:
          'raw SDK calls over the same inputs (the adapter alone for the operations beyond documents and events)',
        target: null,
        higherIsBetter: true,
        notes: `${vectors.length} vectors through the SDK adapter (--harness direct); one full run took ${fullRunSeconds.toFixed(3)} s, asserted under ${LIMIT_SECONDS} s; 3 alternating rounds of 1 s each`,
      },
      measured,
    ),
  ]
}
