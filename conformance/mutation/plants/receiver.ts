// Plants of the Receiver profile added with issue #19: faults a vendor could ship in the SDK's
// inbox, event verifier, dedupe store and manifest resolver (each `find` is text of
// sdk/dist/*.js), and the switches of the reference fixture (conformance/test/fixtures/
// reference-tool.ts, PLANTS). The live cases of conformance/src/live/cases/receiver*.ts must catch
// each one; the comment above each plant names the case.
import type { Plant } from '../plant.js'

const RECEIVER = { tool: 'reference', profiles: ['receiver'] } as const
const BUDGETING = { tool: 'budgeting', profiles: ['receiver'] } as const

/** A plant that replaces `find` with `replace` in the built SDK. */
const edit = (find: string, replace: string): Plant['plant'] => ({ sdk: { find, replace } })

export const PLANTS: readonly Plant[] = [
  // live.receiver.retry-after-failure
  {
    id: 'receiver.failed-event-kept-as-done',
    bug: 'The memory dedupe store records an event as done even when the application failed to process it, so the retry is answered 200 and the event is lost.',
    requirements: ['DLV-INB-003'],
    ...RECEIVER,
    plant: edit(
      'if (entries.get(key3) === mine) entries.delete(key3);',
      'put(key3, { expires: expiresAt.getTime(), pending: false });',
    ),
  },
  {
    id: 'receiver.example-failed-event-kept-as-done',
    bug: 'Budgeting runs a dedupe store that records an event as done even when its processing failed.',
    requirements: ['DLV-INB-003'],
    ...BUDGETING,
    plant: edit(
      'if (entries.get(key3) === mine) entries.delete(key3);',
      'put(key3, { expires: expiresAt.getTime(), pending: false });',
    ),
  },
  {
    id: 'receiver.dashboard-failed-claim-kept',
    bug: 'The SQL dedupe store marks the claim of an event whose processing failed as done instead of deleting it, so the retry is answered 200 and the event is lost.',
    requirements: ['DLV-INB-003'],
    tool: 'dashboard',
    profiles: ['receiver'],
    plant: edit(
      'DELETE FROM ${s}.dedupe WHERE source = $1 AND id = $2 AND pending',
      'UPDATE ${s}.dedupe SET pending = false WHERE source = $1 AND id = $2 AND pending',
    ),
  },
  {
    id: 'receiver.fixture-acks-failed-event',
    bug: 'The inbox claims an event before the application runs and keeps the claim when the application fails.',
    requirements: ['DLV-INB-003'],
    ...RECEIVER,
    plant: { switch: 'acks-failed-event' },
  },
  // live.receiver.redelivery-72-hours
  {
    id: 'receiver.dedupe-one-day',
    bug: 'Accepted events are remembered for one day after their time, not for the 72-hour window, so a retry on the third day is processed again.',
    requirements: ['DLV-INB-004', 'EVT-DUP-001'],
    ...RECEIVER,
    plant: edit(
      'const expiresAt = new Date(time + maxAge + 2 * tolerance);',
      'const expiresAt = new Date(time + 864e5 + 2 * tolerance);',
    ),
  },
  {
    id: 'receiver.fixture-short-dedupe',
    bug: 'The dedupe store keeps its records one day after the event time.',
    requirements: ['DLV-INB-004'],
    ...RECEIVER,
    plant: { switch: 'short-dedupe' },
  },
  // live.receiver.handshake-other-origin
  {
    id: 'receiver.handshake-allows-anyone',
    bug: 'The inbox answers every webhook handshake with WebHook-Allowed-Origin, whoever asks.',
    requirements: ['DLV-SUB-007'],
    ...RECEIVER,
    plant: edit(
      'const allowed = typeof allowedOrigins === "function" ? await allowedOrigins(origin) : allowedOrigins.includes(origin);',
      'const allowed = true;',
    ),
  },
  {
    id: 'receiver.fixture-allows-any-handshake',
    bug: 'The tool configures its inbox to allow every handshake.',
    requirements: ['DLV-SUB-007'],
    ...RECEIVER,
    plant: { switch: 'allows-any-handshake' },
  },
  // live.receiver.core-type-schema
  {
    id: 'receiver.core-types-generic-schema',
    bug: "Every event is validated against the generic event schema, never its core type's own.",
    requirements: ['DOC-EVT-001'],
    ...RECEIVER,
    plant: edit(
      'var eventKindByType = {',
      'var eventKindByType = { __proto__: null };\nvar unusedEventKindByType = {',
    ),
  },
  // live.receiver.accepts-unknown-type
  {
    id: 'receiver.fixture-refuses-unknown-types',
    bug: 'The application refuses an event of a type it has no handler for.',
    requirements: ['DOC-EVT-002'],
    ...RECEIVER,
    plant: { switch: 'refuses-unknown-types' },
  },
  // live.receiver.accepts-extensions
  {
    id: 'receiver.fixture-closed-envelope',
    bug: 'The application refuses an envelope with attributes outside CloudEvents and CTA.',
    requirements: ['DOC-EXT-001'],
    ...RECEIVER,
    plant: { switch: 'closed-envelope' },
  },
  // live.receiver.accepts-leap-second and live.receiver.stale-leap-second
  {
    id: 'receiver.time-by-date-parse',
    bug: 'The verifier reads an event time with Date.parse: a leap second is NaN, which no age check catches.',
    requirements: ['EVT-TIME-001'],
    ...RECEIVER,
    plant: edit('const time = readInstant(event.time);', 'const time = Date.parse(event.time);'),
  },
  // live.receiver.kid-missing
  {
    id: 'receiver.missing-kid-unresolved',
    bug: 'A protected header without kid is answered as an unknown key instead of a malformed JWS.',
    requirements: ['EVT-SIG-004'],
    ...RECEIVER,
    plant: edit(
      'return reject("ERR_JWS_MALFORMED", "kid must be a non-empty string");',
      'return reject("ERR_KEY_UNRESOLVED", "no key for this kid");',
    ),
  },
  // live.receiver.signature-unused-bits
  {
    id: 'receiver.base64url-unused-bits',
    bug: 'The base64url check lets the unused bits of a last character be set, so one signature has several encodings.',
    requirements: ['EVT-SIG-004'],
    ...RECEIVER,
    plant: edit('return (last & (rest === 2 ? 15 : 3)) === 0;', 'return last >= 0;'),
  },
  // live.receiver.header-duplicate-member
  {
    id: 'receiver.duplicate-members-allowed',
    bug: 'The strict JSON reader lets a member name repeat, and the last value wins.',
    requirements: ['EVT-SIG-004', 'EVT-JSON-001'],
    ...RECEIVER,
    plant: edit(
      'if (names[k] === name) fail(`duplicate member name: ${name}`);',
      'if (false) fail(`duplicate member name: ${name}`);',
    ),
  },
  // live.receiver.bom-header and live.receiver.bom-payload
  {
    id: 'receiver.bom-skipped',
    bug: 'The JSON decoder skips a byte-order mark before a protected header or payload, as RFC 8259 lets a parser do.',
    requirements: ['EVT-JSON-002'],
    ...RECEIVER,
    plant: edit(
      'if (raw.startsWith(BOM)) throw new ProtocolError(code, "a byte-order mark precedes the JSON");',
      'if (raw.startsWith(BOM)) return decodeJsonPart(raw.slice(3), code, limits);',
    ),
  },
  // live.receiver.header-too-long
  {
    id: 'receiver.header-limit-8-kib',
    bug: 'The protected header part may be 8 KiB long before it is decoded.',
    requirements: ['EVT-LIM-001'],
    ...RECEIVER,
    plant: edit('var MAX_HEADER_LENGTH = 1368;', 'var MAX_HEADER_LENGTH = 8192;'),
  },
  // live.receiver.accepts-64-kib
  {
    id: 'receiver.body-cap-48-kib',
    bug: 'The inbox caps bodies at 48 KiB, below the 64 KiB every receiver must accept.',
    requirements: ['EVT-LIM-001', 'DLV-INB-002'],
    ...RECEIVER,
    plant: edit(
      'var DEFAULT_INBOX_MAX_BYTES = 64 * 1024;',
      'var DEFAULT_INBOX_MAX_BYTES = 48 * 1024;',
    ),
  },
  // live.receiver.manifest-id-foreign
  {
    id: 'receiver.manifest-id-unchecked',
    bug: "The manifest resolver does not check that a manifest's id is the origin it was fetched from.",
    requirements: ['EVT-KEY-004'],
    ...RECEIVER,
    plant: edit('if (result.document.id !== origin) {', 'if (false) {'),
  },
  // live.receiver.jwks-uri-foreign
  {
    id: 'receiver.jwks-uri-anywhere',
    bug: "The manifest resolver fetches a manifest's jwks_uri wherever it points.",
    requirements: ['SEC-SSRF-006'],
    ...RECEIVER,
    plant: edit('if (originOfUrl(result.document.jwks_uri) !== origin) {', 'if (false) {'),
  },
  // live.receiver.key-for-encryption
  {
    id: 'receiver.key-use-ignored',
    bug: 'A JWKS key published for encryption (use enc) is used to verify signatures.',
    requirements: ['EVT-KEY-005'],
    ...RECEIVER,
    plant: edit(' || use !== void 0 && use !== "sig")', ')'),
  },
  // live.receiver.failed-fetch-remembered
  {
    id: 'receiver.fetch-failures-forgotten',
    bug: 'A failed fetch of a manifest leaves no trace: neither remembered nor counted by the refetch throttle, so every event naming that tool fetches again.',
    requirements: ['SEC-SSRF-005'],
    ...RECEIVER,
    // The refetch throttle (EVT-KEY-008) alone already answers a second kid 503 without a fetch, so
    // the fault must also take the failed attempt off the throttle to be observable.
    plant: edit(
      'remember(failures, origin, { error: err, until: now() + failureTtl });',
      'lastFetch.delete(origin);',
    ),
  },
  // live.receiver.key-rotation (the retired key)
  {
    id: 'receiver.key-cache-never-expires',
    bug: "The manifest resolver keeps a tool's key set for good: a key the tool retired or removed keeps verifying.",
    requirements: ['EVT-KEY-007'],
    ...RECEIVER,
    plant: edit(
      'const entry = { manifest: result.document, keys, fetchedAt, expiresAt: fetchedAt + maxAge };',
      'const entry = { manifest: result.document, keys, fetchedAt, expiresAt: Infinity };',
    ),
  },
  // live.receiver.key-rotation (the bogus kid first)
  {
    id: 'receiver.throttled-kid-unresolved',
    bug: 'A kid missing from a cached key set that may not be refetched yet is refused as unresolved (401), so a bogus kid sent first makes the producer drop events signed with its new key.',
    requirements: ['EVT-KEY-008'],
    ...RECEIVER,
    plant: edit(
      'if (key3 === void 0 && !got.fresh) key3 = (await get(origin, true)).entry.keys.get(kid);',
      'if (key3 === void 0 && !got.fresh) key3 = await get(origin, true).then((g) => g.entry.keys.get(kid), () => void 0);',
    ),
  },
  // live.receiver.revoked-key-refused-at-once
  {
    id: 'receiver.revocation-ignored',
    bug: 'The inbox records key revocations but never consults them: a revoked key that is still published or cached keeps verifying.',
    requirements: ['EVT-REV-003'],
    ...RECEIVER,
    plant: edit('if (revoked.size > 0 && isRevoked(kid)) {', 'if (false) {'),
  },
  // live.receiver.untrusted-origin-not-fetched
  {
    id: 'receiver.keys-from-any-origin',
    bug: 'The manifest resolver fetches keys for any origin a kid names, trusted or not.',
    requirements: ['SEC-SSRF-004'],
    ...RECEIVER,
    plant: edit(
      'if (origin === void 0 || !await trusted(origin)) return void 0;',
      'if (origin === void 0) return void 0;',
    ),
  },
  {
    id: 'receiver.fixture-trusts-any-source',
    bug: 'The tool accepts events from any tool, without its operator having chosen to.',
    requirements: ['SEC-SSRF-004'],
    ...RECEIVER,
    plant: { switch: 'trusts-any-source' },
  },
  // live.receiver.refuses-uninstalled-source
  {
    id: 'receiver.any-tool-speaks-for-any-group',
    bug: 'The inbox takes a correctly signed event about any group from any tool: it never asks whether the source is the group’s authority or installed in the group.',
    requirements: ['EVT-AUTHZ-001'],
    ...RECEIVER,
    plant: edit('await checkSourceInstalled(accepted.event, speaksFor);', ''),
  },
  {
    id: 'receiver.dashboard-any-tool-speaks-for-any-group',
    bug: 'The dashboard shows events about a group from a tool the group never installed.',
    requirements: ['EVT-AUTHZ-001'],
    tool: 'dashboard',
    profiles: ['receiver'],
    plant: edit('await checkSourceInstalled(accepted.event, speaksFor);', ''),
  },
]
