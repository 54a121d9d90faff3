import { ProtocolError, SchemaInvalid, type ValidationIssue } from '../../errors.js'
import type { DedupeStore } from '../../events/verify-event.js'

/** An event type, or a prefix of one ending in `.*` (the pattern of the manifest's `consumes`). @internal */
export const EVENT_TYPE_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*(\.\*)?$/

// eslint-disable-next-line no-control-regex -- control characters and spaces are what is refused
const NOT_IN_IRI = /[\u0000-\u0020\u007f]/

/** An absolute IRI of at most 2,048 characters, without spaces or control characters. @internal */
export function isIri(value: string): boolean {
  return value.length <= 2048 && !NOT_IN_IRI.test(value) && URL.canParse(value)
}

/** Reads members of a closed JSON object, collecting schema issues to throw all at once. @internal */
export interface Checker {
  fail(instancePath: string, keyword: string, message: string): void
  string(name: string, max: number, required?: boolean): string | undefined
  url(name: string): string | undefined
  integer(name: string): number | undefined
  /** Throws the issues found, if any. */
  done(): void
}

/**
 * A {@link Checker} for `value`, which may have only the `allowed` members.
 * @internal
 */
export function checker(value: Record<string, unknown>, allowed: readonly string[]): Checker {
  const issues: ValidationIssue[] = []
  const fail = (instancePath: string, keyword: string, message: string): void => {
    issues.push({ instancePath, keyword, message })
  }
  for (const name of Object.keys(value)) {
    if (!allowed.includes(name)) fail(`/${name}`, 'additionalProperties', 'not allowed')
  }
  const string = (name: string, max: number, required = true): string | undefined => {
    const v = value[name]
    if (v === undefined) {
      if (required) fail('', 'required', `must have ${name}`)
      return undefined
    }
    if (typeof v !== 'string' || v.length === 0 || v.length > max) {
      fail(`/${name}`, 'type', `must be a string of 1 to ${max} characters`)
      return undefined
    }
    // eslint-disable-next-line no-control-regex -- control characters are what is refused
    if (/[\u0000-\u001f\u007f]/.test(v)) {
      fail(`/${name}`, 'pattern', 'must not contain control characters')
      return undefined
    }
    return v
  }
  return {
    fail,
    string,
    url(name) {
      const v = string(name, 2048)
      if (v === undefined) return undefined
      if (!URL.canParse(v) || !/^https?:$/.test(new URL(v).protocol)) {
        fail(`/${name}`, 'format', 'must be an http(s) URL')
        return undefined
      }
      return v
    },
    integer(name) {
      const v = value[name]
      if (v === undefined) {
        fail('', 'required', `must have ${name}`)
        return undefined
      }
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
        fail(`/${name}`, 'type', 'must be a non-negative integer')
        return undefined
      }
      return v
    },
    done() {
      if (issues.length > 0) throw new SchemaInvalid(issues)
    },
  }
}

/** Options shared by the verifiers of tool tokens. @internal */
export interface FreshnessOptions {
  readonly replay: DedupeStore
  readonly maxAge: number
  readonly clockTolerance: number
  readonly now: number
}

/**
 * Accepts a token only within `maxAge` of its `iat` (with clock tolerance) and only once: its `jti`
 * is claimed in the replay store, under a namespace that cannot collide with event sources.
 * @throws {ProtocolError} `ERR_UNAUTHORIZED`.
 * @internal
 */
export async function checkFresh(
  origin: string,
  iat: number,
  jti: string,
  options: FreshnessOptions,
): Promise<void> {
  const issued = iat * 1000
  const tolerance = options.clockTolerance * 1000
  if (issued > options.now + tolerance) {
    throw new ProtocolError('ERR_UNAUTHORIZED', 'the token is issued in the future')
  }
  if (issued < options.now - options.maxAge * 1000 - tolerance) {
    throw new ProtocolError('ERR_UNAUTHORIZED', 'the token is too old')
  }
  const expiresAt = new Date(issued + options.maxAge * 1000 + 2 * tolerance)
  if (!(await options.replay.claim(`cta-jti:${origin}`, jti, expiresAt))) {
    throw new ProtocolError('ERR_UNAUTHORIZED', 'the token was already used')
  }
}
