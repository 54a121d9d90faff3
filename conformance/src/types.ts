/** The shapes shared by vectors, runners, harnesses and reports. */

/** A requirement's level: its first BCP 14 keyword. */
export type Level = 'MUST' | 'SHOULD' | 'MAY'

/** The profiles of CTA Interop 1.0 (spec/index.md). */
export const PROFILES = [
  'core',
  'emitter',
  'receiver',
  'group-authority',
  'group-auth-relying-tool',
  'intent-exchange',
] as const
export type Profile = (typeof PROFILES)[number]

/** The operations a vector can ask an implementation to perform. */
export const OPERATIONS = ['validateDocument', 'verifyEvent', 'verifyEventSequence'] as const
export type Operation = (typeof OPERATIONS)[number]

/** A tool's published keys, as a verifier is configured to trust them. */
export interface TrustedTool {
  readonly source: string
  readonly jwks: { readonly keys: readonly Record<string, unknown>[] }
}

/** `validateDocument`: the document, and the kind to validate it as when it has no `type`. */
export interface ValidateDocumentInput {
  readonly document: unknown
  readonly kind?: string
}

/** `verifyEvent`: one compact JWS, the clock and the trusted keys. */
export interface VerifyEventInput {
  readonly jws: string
  readonly currentDate: string
  readonly trust: readonly TrustedTool[]
}

/** `verifyEventSequence`: deliveries verified in order by one receiver with one replay memory. */
export interface VerifyEventSequenceInput {
  readonly deliveries: readonly string[]
  readonly currentDate: string
  readonly trust: readonly TrustedTool[]
}

/** What a single operation must produce. */
export type SingleExpectation =
  | {
      readonly valid: true
      readonly kind: string
      /** Members the returned document must have, compared by JSON equality. */
      readonly result?: Readonly<Record<string, unknown>>
    }
  | {
      readonly error: string
      /** For schema errors: an issue the implementation should report (informative). */
      readonly issue?: { readonly instancePath: string; readonly keyword: string }
    }

export type Expectation = SingleExpectation | { readonly sequence: readonly SingleExpectation[] }

/** One test vector: one JSON file under `conformance/vectors/`. */
export interface Vector {
  readonly $schema?: string
  readonly id: string
  readonly title: string
  readonly requirements: readonly string[]
  readonly profiles: readonly Profile[]
  readonly level: Level
  readonly operation: Operation
  /** Optional features an implementation must declare for the vector to apply. */
  readonly requires?: readonly string[]
  /** Mutation flags (`AlgNone`, `PayloadTampered`, …); `Valid` for positive vectors. */
  readonly flags: readonly string[]
  readonly input: ValidateDocumentInput | VerifyEventInput | VerifyEventSequenceInput
  readonly expected: Expectation
  /** Decoded views and provenance for reviewers: not normative. */
  readonly informative?: Readonly<Record<string, unknown>>
}

/** What an implementation produced for one operation. */
export type SingleActual =
  | {
      readonly valid: true
      readonly kind: string
      readonly result?: Readonly<Record<string, unknown>>
    }
  | {
      readonly error: string
      readonly issues?: readonly { readonly instancePath: string; readonly keyword: string }[]
    }

export type Actual = SingleActual | { readonly sequence: readonly SingleActual[] }

/** What an implementation says about itself when a run starts. */
export interface ImplementationInfo {
  readonly name: string
  readonly version: string
  readonly language?: string
  readonly homepage?: string
  /** Profiles it claims; vectors of other profiles are inapplicable. */
  readonly profiles: readonly Profile[]
  /** Optional features it declares (`alg:ES256`, …). */
  readonly features: readonly string[]
}

/** An implementation's reply to one vector. */
export type RunReply =
  | { readonly actual: Actual }
  | { readonly skipped: true; readonly message: string; readonly issueUrl?: string }
  | { readonly errored: true; readonly message: string }

/** Anything that can run vectors: the SDK in-process, or a harness over stdio. */
export interface Implementation {
  start(): Promise<ImplementationInfo>
  run(vector: Pick<Vector, 'id' | 'operation' | 'input'>): Promise<RunReply>
  stop(): Promise<void>
}
