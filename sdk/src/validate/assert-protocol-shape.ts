import type { ProtocolSchemaKind } from '../schemas/protocol.js'
import {
  FeedPage,
  InstallationCollection,
  ProblemDocument,
  RequestTokenPayload,
  SubscriptionRequestPayload,
} from './generated/validators.js'
import { throwInvalid, validateWith } from './validate-with.js'

/** Only these five validators: a bundle that checks a feed page carries no document validator. */
const validators = {
  FeedPage,
  SubscriptionRequestPayload,
  RequestTokenPayload,
  ProblemDocument,
  InstallationCollection,
}

/**
 * Checks one of the protocol's plain-JSON shapes (a feed page, a subscription request or request
 * token payload, a problem document, an installations collection) against its published schema.
 *
 * @param kind Which shape.
 * @param value Parsed JSON from a peer.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when it does not match; `issues` says where.
 * @see {@link https://w3id.org/cta/spec/documents#DOC-VAL-002 Spec: DOC-VAL-002}
 * @internal
 */
export function assertProtocolShape(kind: ProtocolSchemaKind, value: unknown): void {
  const result = validateWith(validators, value, kind)
  if (!result.valid) throwInvalid(result)
}

/**
 * Whether a value is a CTA problem document (see {@link assertProtocolShape}); never throws.
 * @internal
 */
export function isProblemDocument(value: unknown): value is { code: string; status: number } {
  return validateWith(validators, value, 'ProblemDocument').valid
}
