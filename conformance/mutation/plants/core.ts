// The mutation gate's first plants: faults the live cases of the receiver, emitter and relying
// profiles that existed before issue #19 must catch. The `sdk` plants are edits a vendor could ship
// in the built SDK (each `find` is text of sdk/dist/*.js); the `switch` plants are those the
// reference fixtures offer (PLANTS and RELYING_PLANTS).
import type { Plant } from '../plant.js'

/** `if (<condition>)<rest>` becomes `if (false)<rest>`: a check the vendor dropped. */
const dropCheck = (check: string): Plant['plant'] => {
  const open = check.indexOf('(')
  let depth = 0
  let close = open
  for (; close < check.length; close++) {
    if (check[close] === '(') depth++
    if (check[close] === ')' && --depth === 0) break
  }
  return { sdk: { find: check, replace: `if (false)${check.slice(close + 1)}` } }
}

const RECEIVER = { tool: 'reference', profiles: ['receiver'] } as const
const EMITTER = { tool: 'reference', profiles: ['emitter'] } as const
const RELYING = { tool: 'relying', profiles: ['group-auth-relying-tool'] } as const

export const PLANTS: readonly Plant[] = [
  // Receiver: what the inbox and the event verifier check.
  {
    id: 'receiver.inbox-skips-signature',
    bug: 'The inbox verifies events with a signature check that accepts every signature.',
    requirements: ['EVT-SIG-005'],
    ...RECEIVER,
    plant: {
      sdk: {
        find: 'const verifyOptions = {\n    ...verifying,\n',
        replace:
          'const verifyOptions = {\n    ...verifying,\n    verifySignature: async () => true,\n',
      },
    },
  },
  {
    id: 'receiver.event-typ-unchecked',
    bug: 'The event verifier takes any typ in the protected header.',
    requirements: ['EVT-SIG-003'],
    ...RECEIVER,
    plant: {
      sdk: {
        find: 'if (!matchesTyp(typ, rules.typ)) reject(',
        replace: 'if (!matchesTyp(typ, rules.typ) && rules !== EVENT_RULES) reject(',
      },
    },
  },
  {
    id: 'receiver.typ-exact-string',
    bug: 'The verifier compares typ as an exact string, refusing application/cta-event+jws and other spellings of the same media type.',
    requirements: ['EVT-SIG-003'],
    ...RECEIVER,
    plant: {
      sdk: {
        find: 'if (!matchesTyp(typ, rules.typ)) reject(',
        replace: 'if (typ !== rules.typ) reject(',
      },
    },
  },
  {
    id: 'receiver.event-header-unchecked',
    bug: 'The event verifier allows any member in the protected header, an embedded jwk too.',
    requirements: ['EVT-SIG-001'],
    ...RECEIVER,
    plant: {
      sdk: {
        find: 'if (!rules.members.has(name))',
        replace: 'if (!rules.members.has(name) && rules !== EVENT_RULES)',
      },
    },
  },
  {
    id: 'receiver.source-unchecked',
    bug: 'The receiver never compares the event source with the tool that holds the key.',
    requirements: ['EVT-SRC-001'],
    ...RECEIVER,
    plant: dropCheck('if (event.source !== resolved.source) {'),
  },
  {
    id: 'receiver.group-audience-unchecked',
    bug: 'The receiver accepts an event whose group differs from its audience.',
    requirements: ['EVT-GRP-001'],
    ...RECEIVER,
    plant: dropCheck('if (event.group !== event.data.audience) {'),
  },
  {
    id: 'receiver.no-age-window',
    bug: 'The receiver accepts events of any age.',
    requirements: ['EVT-AGE-001'],
    ...RECEIVER,
    plant: dropCheck('if (time < now - maxAge - tolerance)'),
  },
  {
    id: 'receiver.dedupe-forgets',
    bug: 'The dedupe store never finds an earlier record, so a redelivered event is processed again.',
    requirements: ['EVT-DUP-001'],
    ...RECEIVER,
    plant: dropCheck('if (entry !== void 0 && entry.expires > t) {'),
  },
  {
    id: 'receiver.duplicate-answered-202',
    bug: 'The inbox answers a redelivered event as if it were new (202).',
    requirements: ['DLV-INB-001'],
    ...RECEIVER,
    plant: {
      sdk: {
        find: 'return reply(200, { status: "duplicate" });',
        replace: 'return reply(202, { status: "accepted", id: event.id });',
      },
    },
  },
  {
    id: 'receiver.any-media-type',
    bug: 'The inbox takes a body of any media type.',
    requirements: ['DLV-INB-001'],
    ...RECEIVER,
    plant: dropCheck('if (type !== JOSE_MEDIA_TYPE) {\n      return { status: 415'),
  },
  {
    id: 'receiver.unknown-kid-falls-back',
    bug: "The key resolver falls back to the tool's first published key for a kid it does not publish.",
    requirements: ['EVT-KEY-002'],
    ...RECEIVER,
    plant: {
      sdk: {
        find: '    return key3 === void 0 ? void 0 : { key: key3, alg: key3.alg, source: origin };',
        replace:
          '    key3 ??= got.entry.keys.values().next().value;\n    return key3 === void 0 ? void 0 : { key: key3, alg: key3.alg, source: origin };',
      },
    },
  },
  {
    id: 'receiver.context-not-looked-up',
    bug: 'The receiver refuses an unknown JSON-LD context with the generic code, never naming it unknown.',
    requirements: ['EVT-CTX-001'],
    ...RECEIVER,
    plant: dropCheck('if (typeof iri === "string" && !BUNDLED.has(iri)) {'),
  },
  {
    id: 'receiver.nesting-unbounded',
    bug: 'The event parser has no nesting limit.',
    requirements: ['EVT-JSON-001'],
    ...RECEIVER,
    plant: {
      sdk: { find: 'maxDepth: MAX_EVENT_DEPTH,', replace: 'maxDepth: 1e6,' },
    },
  },
  {
    id: 'receiver.problem-type-untyped',
    bug: 'Rejections are answered with the generic problem type about:blank, not the code.',
    requirements: ['DLV-INB-001', 'ERR-REG-001'],
    ...RECEIVER,
    plant: {
      sdk: {
        find: 'type: `${PROBLEM_TYPE_BASE}${error.code}`,',
        replace: 'type: "about:blank",',
      },
    },
  },
  {
    id: 'receiver.example-inbox-skips-signature',
    bug: 'The Budgeting example runs an inbox whose signature check accepts every signature.',
    requirements: ['EVT-SIG-005'],
    tool: 'budgeting',
    profiles: ['receiver'],
    plant: {
      sdk: {
        find: 'const verifyOptions = {\n    ...verifying,\n',
        replace:
          'const verifyOptions = {\n    ...verifying,\n    verifySignature: async () => true,\n',
      },
    },
  },

  {
    id: 'receiver.dashboard-duplicate-answered-202',
    bug: 'The dashboard example runs an inbox that answers a redelivered event as if it were new.',
    requirements: ['DLV-INB-001'],
    tool: 'dashboard',
    profiles: ['receiver'],
    plant: {
      sdk: {
        find: 'return reply(200, { status: "duplicate" });',
        replace: 'return reply(202, { status: "accepted", id: event.id });',
      },
    },
  },

  // Emitter: subscriptions, deliveries, retries and the feed.
  {
    id: 'emitter.never-retries',
    bug: 'The delivery worker dead-letters a delivery at its first retryable failure.',
    requirements: ['DLV-RTY-001'],
    ...EMITTER,
    plant: {
      sdk: {
        find: 'const exhausted = delivery.attempts >= policy.maxAttempts ||',
        replace: 'const exhausted = true ||',
      },
    },
  },
  {
    id: 'emitter.example-never-retries',
    bug: 'The Decisions example runs a delivery worker that never retries.',
    requirements: ['DLV-RTY-001'],
    tool: 'decisions',
    profiles: ['emitter'],
    plant: {
      sdk: {
        find: 'const exhausted = delivery.attempts >= policy.maxAttempts ||',
        replace: 'const exhausted = true ||',
      },
    },
  },
  {
    id: 'emitter.retry-after-as-milliseconds',
    bug: 'The delivery worker reads Retry-After as milliseconds and retries at once.',
    requirements: ['DLV-RTY-002'],
    ...EMITTER,
    plant: {
      sdk: {
        find: 'Math.min(Math.max(retryAfter, 1), policy.maxRetryAfter)',
        replace: 'Math.min(Math.max(retryAfter / 1e3, 0), policy.maxRetryAfter)',
      },
    },
  },
  {
    id: 'emitter.feed-without-token',
    bug: 'The feed serves callers that send no request token.',
    requirements: ['DLV-REQ-001'],
    ...EMITTER,
    plant: {
      sdk: {
        find: 'const allowed = async (request, group) => {',
        replace:
          'const allowed = async (request, group) => {\n    if (request.headers.get("authorization") === null) return;',
      },
    },
  },
  {
    id: 'emitter.feed-strips-signatures',
    bug: 'The feed serves each event without its signature.',
    requirements: ['DLV-FED-001'],
    ...EMITTER,
    plant: {
      sdk: {
        find: 'items: items.map((item) => item.jws),',
        replace: 'items: items.map((item) => item.jws.slice(0, item.jws.lastIndexOf(".") + 1)),',
      },
    },
  },
  {
    id: 'emitter.subscription-signature-unchecked',
    bug: 'The subscriptions endpoint accepts a subscription request with any signature.',
    requirements: ['DLV-SUB-002'],
    ...EMITTER,
    plant: {
      sdk: {
        find: 'SUBSCRIPTION_JWS_TYP,\n    options.resolveKey,\n    options.verifySignature\n',
        replace: 'SUBSCRIPTION_JWS_TYP,\n    options.resolveKey,\n    async () => true\n',
      },
    },
  },
  {
    id: 'emitter.foreign-sink-allowed',
    bug: "The subscriptions endpoint takes a sink on another origin than the subscriber's.",
    requirements: ['DLV-SUB-004'],
    ...EMITTER,
    plant: dropCheck('if (new URL(request.sink).origin !== origin) {'),
  },
  {
    id: 'emitter.no-handshake',
    bug: 'The subscriptions endpoint creates a subscription without the sink handshake.',
    requirements: ['DLV-SUB-006'],
    ...EMITTER,
    plant: {
      sdk: {
        find: 'await verifySinkHandshake(wanted.sink, { ...options, origin });',
        replace: '',
      },
    },
  },
  {
    id: 'emitter.posts-json',
    bug: 'The delivery worker posts events as application/json.',
    requirements: ['DLV-SND-001'],
    ...EMITTER,
    plant: {
      sdk: {
        find: '"content-type": JOSE_MEDIA_TYPE,\n        accept: "application/json, application/problem+json"',
        replace:
          '"content-type": "application/json",\n        accept: "application/json, application/problem+json"',
      },
    },
  },

  // Relying tool: sign-in and the membership assertion.
  {
    id: 'group-auth-relying-tool.assertion-typ-unchecked',
    bug: 'The assertion verifier takes any typ in the protected header.',
    requirements: ['AUTH-VER-001'],
    ...RELYING,
    plant: {
      sdk: {
        find: 'if (!matchesTyp(typ, rules.typ)) reject(',
        replace: 'if (!matchesTyp(typ, rules.typ) && rules !== ASSERTION_RULES) reject(',
      },
    },
  },
  {
    id: 'group-auth-relying-tool.assertion-issuer-unchecked',
    bug: "The relying tool never compares the assertion's issuer with the group's authority.",
    requirements: ['AUTH-VER-004'],
    ...RELYING,
    plant: dropCheck('if (claims.iss !== authority || !publishedBy(resolved, authority)) {'),
  },
  {
    id: 'group-auth-relying-tool.assertion-audience-unchecked',
    bug: 'The relying tool accepts an assertion issued for another tool.',
    requirements: ['AUTH-VER-005'],
    ...RELYING,
    plant: dropCheck('if (claims.aud !== audience) reject4('),
  },
  {
    id: 'group-auth-relying-tool.assertion-lifetime-unchecked',
    bug: 'The relying tool accepts an assertion living longer than 300 seconds.',
    requirements: ['AUTH-VER-007'],
    ...RELYING,
    plant: dropCheck('if (claims.exp <= claims.iat || claims.exp - claims.iat > maxLifetime) {'),
  },
  {
    id: 'group-auth-relying-tool.assertion-future-accepted',
    bug: 'The relying tool accepts an assertion issued in the future.',
    requirements: ['AUTH-VER-007'],
    ...RELYING,
    plant: dropCheck('if (claims.iat > now + tolerance || (claims.nbf ?? 0) > now + tolerance) {'),
  },
  {
    id: 'group-auth-relying-tool.state-from-callback',
    bug: 'The relying tool checks the callback state against the state in the callback itself.',
    requirements: ['AUTH-SIN-001'],
    ...RELYING,
    plant: {
      sdk: {
        find: 'expectedState: pending.state,',
        replace: 'expectedState: new URL(callbackUrl).searchParams.get("state") ?? void 0,',
      },
    },
  },
  {
    id: 'group-auth-relying-tool.sign-in-without-nonce',
    bug: 'The relying tool starts sign-in without a nonce.',
    requirements: ['AUTH-SIN-001'],
    ...RELYING,
    plant: {
      sdk: {
        find: '    state,\n    nonce,\n    code_challenge:',
        replace: '    state,\n    code_challenge:',
      },
    },
  },

  // The reference fixtures' own switches.
  {
    id: 'receiver.fixture-accept-forged-signature',
    bug: 'The inbox accepts any signature (the reference tool built with a signature hook that says yes).',
    requirements: ['EVT-SIG-005'],
    ...RECEIVER,
    plant: { switch: 'accept-forged-signature' },
  },
  {
    id: 'receiver.fixture-no-dedupe',
    bug: 'The inbox forgets every event at once, so a redelivery is processed again.',
    requirements: ['EVT-DUP-001'],
    ...RECEIVER,
    plant: { switch: 'no-dedupe' },
  },
  {
    id: 'emitter.fixture-no-retry',
    bug: 'The outbox treats a 503 as a permanent failure and never retries.',
    requirements: ['DLV-RTY-001'],
    ...EMITTER,
    plant: { switch: 'no-retry' },
  },
  {
    id: 'emitter.fixture-open-feed',
    bug: 'The feed answers callers without a request token.',
    requirements: ['DLV-REQ-001'],
    ...EMITTER,
    plant: { switch: 'open-feed' },
  },
  {
    id: 'group-auth-relying-tool.fixture-trust-any-source',
    bug: "Ends access on a removal announced by any tool, not only the group's authority.",
    requirements: ['AUTH-END-001'],
    ...RELYING,
    plant: { switch: 'trust-any-source' },
  },
  {
    id: 'group-auth-relying-tool.fixture-skip-token-exchange',
    bug: 'Lets members in on the ID token alone, never asking for a membership assertion.',
    requirements: ['AUTH-TX-001'],
    ...RELYING,
    plant: { switch: 'skip-token-exchange' },
  },
]
