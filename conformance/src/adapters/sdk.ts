/**
 * The TypeScript SDK as an {@link Implementation}: every operation goes through the SDK's public
 * entry points (`@cta-interop/sdk`), never its sources, exactly as a tool would use it.
 */
import {
  createMemoryDedupeStore,
  isProtocolError,
  staticKeyResolver,
  validateDocument,
  verifyEvent,
  type DedupeStore,
  type DocumentKind,
  type Jwks,
  type VerifyEventOptions,
} from '@cta-interop/sdk'
import sdkPackage from '@cta-interop/sdk/package.json' with { type: 'json' }
import type {
  Actual,
  Implementation,
  ImplementationInfo,
  RunReply,
  SingleActual,
  TrustedTool,
  ValidateDocumentInput,
  Vector,
  VerifyEventInput,
  VerifyEventSequenceInput,
} from '../types.js'

/**
 * Hooks that let a deliberately broken variant of this adapter skip a verification step (see
 * `broken-sdk.ts`). The real adapter uses none of them.
 */
export interface AdapterHooks {
  /** Rewrites the JWS before the SDK sees it. */
  readonly rewriteJws?: (jws: string, trust: readonly TrustedTool[]) => string
  /** Extra options for `verifyEvent`, given the JWS as received. */
  readonly verifyOptions?: (
    original: string,
    trust: readonly TrustedTool[],
  ) => Partial<VerifyEventOptions>
  /** Leaves out the replay memory. */
  readonly noDedupe?: boolean
  /** Error codes to ignore: the adapter reports acceptance instead. */
  readonly swallow?: readonly string[]
  /** Accepts every document handed to `validateDocument`. */
  readonly acceptAnyDocument?: boolean
}

/** The profiles and features the SDK implements. */
export const SDK_INFO: ImplementationInfo = {
  name: sdkPackage.name,
  version: sdkPackage.version,
  language: 'typescript',
  profiles: ['core', 'emitter', 'receiver', 'intent-exchange'],
  features: ['alg:EdDSA', 'alg:ES256'],
}

function resolverFor(trust: readonly TrustedTool[]) {
  return staticKeyResolver(
    trust.map(({ source, jwks }) => ({ source, jwks: jwks as unknown as Jwks })),
  )
}

function errorActual(err: unknown): SingleActual {
  if (isProtocolError(err)) {
    const issues =
      'issues' in err && Array.isArray(err.issues)
        ? (err.issues as { instancePath: string; keyword: string }[]).map(
            ({ instancePath, keyword }) => ({ instancePath, keyword }),
          )
        : undefined
    return issues === undefined ? { error: err.code } : { error: err.code, issues }
  }
  throw err
}

function runValidate(input: ValidateDocumentInput, hooks: AdapterHooks): SingleActual {
  const options = input.kind === undefined ? {} : { kind: input.kind as DocumentKind }
  const result = validateDocument(input.document, options)
  if (result.valid) return { valid: true, kind: result.kind }
  if (hooks.acceptAnyDocument === true) return { valid: true, kind: result.kind ?? 'unknown' }
  return {
    error: 'ERR_SCHEMA_INVALID',
    issues: result.issues.map(({ instancePath, keyword }) => ({ instancePath, keyword })),
  }
}

async function runVerify(
  jws: string,
  currentDate: string,
  trust: readonly TrustedTool[],
  dedupe: DedupeStore | undefined,
  hooks: AdapterHooks,
): Promise<SingleActual> {
  const options: VerifyEventOptions = {
    resolveKey: resolverFor(trust),
    currentDate: new Date(currentDate),
    ...(dedupe === undefined ? {} : { dedupe }),
    ...hooks.verifyOptions?.(jws, trust),
  }
  const received = hooks.rewriteJws?.(jws, trust) ?? jws
  try {
    const { event } = await verifyEvent(received, options)
    const checked = validateDocument(event)
    return {
      valid: true,
      kind: checked.kind ?? 'Event',
      result: { id: event.id, source: event.source, type: event.type },
    }
  } catch (err) {
    const actual = errorActual(err)
    if ('error' in actual && hooks.swallow?.includes(actual.error) === true) {
      return { valid: true, kind: 'Event' }
    }
    return actual
  }
}

function memoryDedupe(currentDate: string): DedupeStore {
  const now = new Date(currentDate).getTime()
  return createMemoryDedupeStore({ now: () => now })
}

/** Runs one vector's operation against the SDK and describes what it produced. */
export async function runWithSdk(
  vector: Pick<Vector, 'operation' | 'input'>,
  hooks: AdapterHooks = {},
): Promise<Actual> {
  switch (vector.operation) {
    case 'validateDocument':
      return runValidate(vector.input as ValidateDocumentInput, hooks)
    case 'verifyEvent': {
      const { jws, currentDate, trust } = vector.input as VerifyEventInput
      return runVerify(jws, currentDate, trust, undefined, hooks)
    }
    case 'verifyEventSequence': {
      const { deliveries, currentDate, trust } = vector.input as VerifyEventSequenceInput
      const dedupe = hooks.noDedupe === true ? undefined : memoryDedupe(currentDate)
      const sequence: SingleActual[] = []
      for (const jws of deliveries) {
        sequence.push(await runVerify(jws, currentDate, trust, dedupe, hooks))
      }
      return { sequence }
    }
  }
}

/**
 * The SDK as an implementation under test, in-process (`--harness direct`).
 *
 * @param hooks Only for the suite's own mutation checks.
 */
export function sdkImplementation(
  hooks: AdapterHooks = {},
  info: ImplementationInfo = SDK_INFO,
): Implementation {
  return {
    start: () => Promise.resolve(info),
    async run(vector): Promise<RunReply> {
      if (!['validateDocument', 'verifyEvent', 'verifyEventSequence'].includes(vector.operation)) {
        return { skipped: true, message: `operation not supported: ${vector.operation}` }
      }
      try {
        return { actual: await runWithSdk(vector, hooks) }
      } catch (err) {
        return { errored: true, message: err instanceof Error ? err.message : String(err) }
      }
    },
    stop: () => Promise.resolve(),
  }
}
