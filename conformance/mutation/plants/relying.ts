// Plants for the Group-Auth Relying Tool cases added by issue #19: ending access (AUTH-END-002,
// AUTH-END-003), the ID token's groups (AUTH-SIN-004), and what an assertion may carry
// (AUTH-VER-010, AUTH-VER-011, DOC-ASN-001, DOC-ASN-002). The `sdk` plants are edits a vendor
// could ship in the built SDK the Budgeting example runs (each `find` is text of sdk/dist/*.js);
// the `switch` plants are those the reference relying tool offers (RELYING_PLANTS).
import type { Plant } from '../plant.js'

const FIXTURE = { tool: 'relying', profiles: ['group-auth-relying-tool'] } as const
const BUDGETING = { tool: 'budgeting', profiles: ['group-auth-relying-tool'] } as const

/** The line of verifyGroupAssertion that validates the claims; plants add to it. */
const CLAIMS = 'const claims = assertValid(payload, { kind: "MembershipAssertionClaims" });'
/** The claims the assertion schema defines. */
const KNOWN = [
  'iss',
  'sub',
  'aud',
  'client_id',
  'iat',
  'exp',
  'nbf',
  'jti',
  'groups',
  'roles',
  'entitlements',
  'cta_ver',
  'cta_membership',
  'cta_status',
  'name',
]

export const PLANTS: readonly Plant[] = [
  // Ending access: the reference relying tool's switches.
  {
    id: 'group-auth-relying-tool.fixture-ignore-tool-disconnected',
    bug: 'The tool ignores group.tool.disconnected for its own installation: members keep access.',
    requirements: ['AUTH-END-003'],
    ...FIXTURE,
    plant: { switch: 'ignore-tool-disconnected' },
  },
  {
    id: 'group-auth-relying-tool.fixture-end-on-any-disconnect',
    bug: "The tool ends every member's access when the group disconnects any tool, not only itself.",
    requirements: ['AUTH-END-003'],
    ...FIXTURE,
    plant: { switch: 'end-on-any-disconnect' },
  },
  {
    id: 'group-auth-relying-tool.fixture-forget-endings',
    bug: 'The tool ends the sessions open at a removal but forgets it: an older assertion lets the member in again.',
    requirements: ['AUTH-END-002'],
    ...FIXTURE,
    plant: { switch: 'forget-endings' },
  },
  {
    id: 'group-auth-relying-tool.fixture-never-readmit',
    bug: 'The tool never lets a removed member in again, even after they joined the group again.',
    requirements: ['AUTH-END-002'],
    ...FIXTURE,
    plant: { switch: 'never-readmit' },
  },

  // Re-checking membership (AUTH-END-004, AUTH-END-006): the reference relying tool's switch.
  {
    id: 'group-auth-relying-tool.fixture-never-recheck',
    bug: 'The tool never re-checks a membership with the authority: a member removed without an event keeps access.',
    requirements: ['AUTH-END-004', 'AUTH-END-006'],
    ...FIXTURE,
    plant: { switch: 'never-recheck' },
  },

  // Re-checking membership: the SDK's createMembershipRecheck, as Budgeting runs it.
  {
    id: 'group-auth-relying-tool.recheck-never',
    bug: 'The membership re-check never asks the authority again: a session outlives a removal whose event never arrives.',
    requirements: ['AUTH-END-004'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: 'if (age < entry.period * 1e3 / 2) return entry;',
        replace: 'return entry;',
      },
    },
  },
  {
    id: 'group-auth-relying-tool.recheck-fails-open',
    bug: 'The membership re-check keeps access for as long as the authority cannot be reached.',
    requirements: ['AUTH-END-004'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: 'if (now() - entry.at < entry.period * 1e3) return entry;',
        replace: 'return entry;',
      },
    },
  },
  {
    id: 'group-auth-relying-tool.recheck-refusal-waits',
    bug: "The membership re-check takes the authority's refusal for an outage and keeps access until the period has passed.",
    requirements: ['AUTH-END-006'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: 'if (isRefusal(err)) return',
        replace: 'if (false) return',
      },
    },
  },

  // Ending access: the SDK's membership cache, as Budgeting runs it.
  {
    id: 'group-auth-relying-tool.cache-ignores-tool-disconnected',
    bug: 'The membership cache drops group.tool.disconnected events, so a disconnected tool keeps every member in.',
    requirements: ['AUTH-END-003'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: 'if (options.tool === void 0 || installation.tool !== options.tool) return true;',
        replace: 'return true;',
      },
    },
  },
  {
    id: 'group-auth-relying-tool.cache-ends-on-any-disconnect',
    bug: "The membership cache ends the group's access when any tool is disconnected from it.",
    requirements: ['AUTH-END-003'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: 'if (options.tool === void 0 || installation.tool !== options.tool) return true;',
        replace: 'if (options.tool === void 0) return true;',
      },
    },
  },
  {
    id: 'group-auth-relying-tool.cache-admits-ended',
    bug: 'The membership cache admits any verified assertion, also one issued before the announced end of the membership.',
    requirements: ['AUTH-END-002'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: 'if (endedBefore(key(claims.sub, group), authority, iat) || endedBefore(group, authority, iat)) {',
        replace: 'if (false) {',
      },
    },
  },

  {
    id: 'group-auth-relying-tool.cache-ignores-left',
    bug: 'The membership cache ends access on membership.removed only: a member who left keeps it.',
    requirements: ['AUTH-END-001'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: '        case "tech.collaborative.membership.left":\n        case "tech.collaborative.membership.removed":\n',
        replace: '        case "tech.collaborative.membership.removed":\n',
      },
    },
  },
  {
    id: 'group-auth-relying-tool.cache-applies-late-events',
    bug: 'The membership cache applies membership events in arrival order: a late membership.left ends the access of a member who joined again.',
    requirements: ['MEM-EVT-003'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: 'if (last !== void 0 && last.until > now() && sequence <= last.sequence) return false;',
        replace: '',
      },
    },
  },
  {
    id: 'group-auth-relying-tool.fixture-apply-late-membership-events',
    bug: 'The tool ends the sessions of a member on a membership.left older than the membership.joined it applied.',
    requirements: ['MEM-EVT-003'],
    ...FIXTURE,
    plant: { switch: 'apply-late-membership-events' },
  },
  {
    id: 'group-auth-relying-tool.cache-ignores-suspension',
    bug: 'The membership cache reads membership.updated for role changes only: a suspended member keeps access.',
    requirements: ['AUTH-END-001'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: '          if (membership.membershipStatus !== "active") {\n            end(k, authority, at);',
        replace: '          if (false) {\n            end(k, authority, at);',
      },
    },
  },

  // The ID token's groups claim.
  {
    id: 'group-auth-relying-tool.id-token-groups-unchecked',
    bug: "Sign-in never looks at the ID token's groups claim.",
    requirements: ['AUTH-SIN-004'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: 'if (!Array.isArray(groups) || groups.length !== 1 || groups[0] !== pending.group) {',
        replace: 'if (false) {',
      },
    },
  },
  {
    id: 'group-auth-relying-tool.id-token-groups-includes',
    bug: 'Sign-in accepts an ID token whose groups claim lists the group among others.',
    requirements: ['AUTH-SIN-004'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: 'if (!Array.isArray(groups) || groups.length !== 1 || groups[0] !== pending.group) {',
        replace: 'if (!Array.isArray(groups) || !groups.includes(pending.group)) {',
      },
    },
  },

  // What an assertion carries.
  {
    id: 'group-auth-relying-tool.assertion-key-fallback',
    bug: "The authority's key set falls back to its first key when an assertion's kid names none.",
    requirements: ['AUTH-VER-003'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: '    let key3 = keys.get(kid);\n',
        replace: '    let key3 = keys.get(kid) ?? [...keys.values()][0];\n',
      },
    },
  },
  {
    id: 'group-auth-relying-tool.assertion-claims-json-parse',
    bug: 'The assertion verifier parses the claims with JSON.parse, which takes duplicate names (the last wins) and __proto__.',
    requirements: ['AUTH-VER-009'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: 'const claims = decodeJsonPart(\n    payload,',
        replace:
          'const claims = rules === ASSERTION_RULES ? JSON.parse(Buffer.from(payload, "latin1").toString("utf8")) : decodeJsonPart(\n    payload,',
      },
    },
  },
  {
    id: 'group-auth-relying-tool.assertion-exp-before-iat',
    bug: 'The assertion verifier checks the lifetime as exp - iat <= 300 only, so an assertion whose exp is its iat passes.',
    requirements: ['AUTH-VER-007'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: 'if (claims.exp <= claims.iat || claims.exp - claims.iat > maxLifetime) {',
        replace: 'if (claims.exp - claims.iat > maxLifetime) {',
      },
    },
  },
  {
    id: 'group-auth-relying-tool.assertion-status-unchecked',
    bug: 'The assertion verifier never reads cta_status, so a suspended member is let in.',
    requirements: ['AUTH-VER-010'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: 'if (claims.cta_status !== "active") {',
        replace: 'if (false) {',
      },
    },
  },
  {
    id: 'group-auth-relying-tool.assertion-limit-4-kib',
    bug: 'The assertion verifier refuses assertions longer than 4 KiB instead of 8 KiB.',
    requirements: ['AUTH-VER-011'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: 'var MAX_ASSERTION_LENGTH = 8192;',
        replace: 'var MAX_ASSERTION_LENGTH = 4096;',
      },
    },
  },
  {
    id: 'group-auth-relying-tool.assertion-limit-64-kib',
    bug: "The assertion verifier takes assertions up to an event's 64 KiB instead of 8 KiB.",
    requirements: ['AUTH-VER-011'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: 'var MAX_ASSERTION_LENGTH = 8192;',
        replace: 'var MAX_ASSERTION_LENGTH = 65536;',
      },
    },
  },
  {
    id: 'group-auth-relying-tool.assertion-audience-list',
    bug: 'The assertion verifier takes a list of audiences, as plain JWT libraries do, when this tool is among them.',
    requirements: ['DOC-ASN-001'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: CLAIMS,
        replace: CLAIMS.replace(
          'assertValid(payload,',
          'assertValid({ ...payload, aud: Array.isArray(payload.aud) && payload.aud.includes(audience) ? audience : payload.aud },',
        ),
      },
    },
  },
  {
    id: 'group-auth-relying-tool.assertion-unknown-claims-refused',
    bug: 'The assertion verifier refuses claims it does not know instead of ignoring them.',
    requirements: ['DOC-ASN-002'],
    ...BUDGETING,
    plant: {
      sdk: {
        find: CLAIMS,
        replace: `${CLAIMS} if (Object.keys(claims).some((k) => !${JSON.stringify(KNOWN)}.includes(k))) throw new ProtocolError("ERR_SCHEMA_INVALID", "an unknown claim");`,
      },
    },
  },
  // Caught by live.group-auth-relying-tool.export-refuses-without-scope.
  {
    id: 'group-auth-relying-tool.export-without-scope',
    bug: 'The export endpoint takes any membership assertion for the tool, with or without cta:export.',
    requirements: ['EXP-AUTH-002'],
    ...BUDGETING,
    plant: { sdk: { find: 'if (!hasScope(claims, EXPORT_SCOPE)) {', replace: 'if (false) {' } },
  },
]
