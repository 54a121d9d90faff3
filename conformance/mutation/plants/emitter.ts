// Plants of the Emitter profile added with issue #19: faults a vendor could ship in the SDK's
// subscription matcher, subscriptions endpoint, delivery worker and feed (each `find` is text of
// sdk/dist/*.js), and the switches of the reference fixture (conformance/test/fixtures/
// reference-tool.ts, PLANTS). The live cases of conformance/src/live/cases/emitter*.ts must catch
// each one; the comment above each plant names the case.
import type { Plant } from '../plant.js'

const REFERENCE = { tool: 'reference', profiles: ['emitter'] } as const
const DECISIONS = { tool: 'decisions', profiles: ['emitter'] } as const
const BUDGETING = { tool: 'budgeting', profiles: ['emitter'] } as const

/** A plant that replaces `find` with `replace` in the built SDK. */
const edit = (find: string, replace: string): Plant['plant'] => ({ sdk: { find, replace } })

export const PLANTS: readonly Plant[] = [
  // live.emitter.delivers-only-matching
  {
    id: 'emitter.matcher-ignores-group',
    bug: "Publishing fans an event out to every active subscription and matches only its types, so every group's events reach every subscriber.",
    requirements: ['DLV-SUB-008'],
    ...DECISIONS,
    plant: edit(
      'listSubscriptions({ group, status: "active" });\n  const ids = candidates.filter((s) => matchesSubscription(s, event, at))',
      'listSubscriptions({ status: "active" });\n  const ids = candidates.filter((s) => matchesSubscription({ ...s, group }, event, at))',
    ),
  },
  {
    id: 'emitter.matcher-ignores-types',
    bug: "The delivery store's subscription matcher ignores the subscription's types.",
    requirements: ['DLV-SUB-008'],
    ...BUDGETING,
    plant: edit('if (types === void 0) return true;', 'return true;'),
  },
  {
    id: 'emitter.fixture-ignore-subscription-types',
    bug: 'The subscriptions endpoint stores no types, so a subscription takes every type.',
    requirements: ['DLV-SUB-008'],
    ...REFERENCE,
    plant: { switch: 'ignore-subscription-types' },
  },
  // live.emitter.delivers-by-prefix
  {
    id: 'emitter.prefix-without-dot',
    bug: 'The subscription matcher takes a prefix.* pattern as everything starting with "prefix", so example.thing.* also takes example.thingy.created.',
    requirements: ['DLV-SUB-008'],
    ...BUDGETING,
    plant: edit(
      'event.type.startsWith(pattern.slice(0, -1))',
      'event.type.startsWith(pattern.slice(0, -2))',
    ),
  },
  {
    id: 'emitter.no-prefix-patterns',
    bug: 'The subscription matcher compares types exactly and never expands a prefix.* pattern.',
    requirements: ['DLV-SUB-008'],
    ...REFERENCE,
    plant: edit(
      '(pattern) => pattern.endsWith(".*") ? event.type.startsWith(pattern.slice(0, -1)) : pattern === event.type',
      '(pattern) => pattern === event.type',
    ),
  },
  // live.emitter.subscribe-uninstalled
  {
    id: 'emitter.subscribe-without-installation',
    bug: 'The subscriptions endpoint never asks whether the subscriber is installed in the group.',
    requirements: ['DLV-SUB-005'],
    ...DECISIONS,
    plant: edit('if (!await options.isInstalled(wanted.group, subscriber)) {', 'if (false) {'),
  },
  {
    id: 'emitter.fixture-subscribe-uninstalled',
    bug: 'The tool passes an isInstalled that says yes to every tool.',
    requirements: ['DLV-SUB-005'],
    ...REFERENCE,
    plant: { switch: 'subscribe-uninstalled' },
  },
  // live.emitter.subscribe-stale
  {
    id: 'emitter.subscription-any-audience',
    bug: "The subscriptions endpoint does not compare a request's aud with its own origin, so a request signed for another producer is replayed here.",
    requirements: ['DLV-SUB-003'],
    ...DECISIONS,
    plant: edit('if (aud !== options.audience) {', 'if (false) {'),
  },
  {
    id: 'emitter.fixture-subscription-replay',
    bug: 'The subscriptions endpoint remembers no jti, so a captured request can be replayed.',
    requirements: ['DLV-SUB-003'],
    ...REFERENCE,
    plant: { switch: 'subscription-replay' },
  },
  // live.emitter.gone-ends-subscription
  {
    id: 'emitter.gone-retried',
    bug: 'The delivery worker treats 410 Gone as retryable: the subscription never ends.',
    requirements: ['DLV-RTY-003'],
    ...DECISIONS,
    plant: edit('if (status === 410) return "gone";', 'if (status === 410) return "retry";'),
  },
  {
    id: 'emitter.gone-fails-delivery-only',
    bug: 'The delivery worker dead-letters a delivery answered 410 but keeps the subscription.',
    requirements: ['DLV-RTY-003'],
    ...BUDGETING,
    plant: edit('if (status === 410) return "gone";', 'if (status === 410) return "failed";'),
  },
  {
    // The worker reads each subscription before an attempt, so a store that only forgot to cancel
    // the pending deliveries of an ended subscription no longer shows on the wire: the plant makes
    // the store forget the end itself.
    id: 'emitter.gone-keeps-pending',
    bug: 'The memory store records nothing when a subscription is ended for a 410: it stays active, its pending deliveries queued, and later events still go to it.',
    requirements: ['DLV-RTY-003'],
    ...DECISIONS,
    plant: edit(
      'if (subscription !== void 0 && subscription.status === "active") {\n        subscriptions.set(\n          id,\n          Object.freeze({ ...subscription, status: "ended", ended: at.toISOString(), reason })\n        );\n      }\n      cancelPending(id, at.getTime());',
      '',
    ),
  },
  {
    id: 'emitter.fixture-retry-gone',
    bug: 'The outbox treats 410 like 503.',
    requirements: ['DLV-RTY-003'],
    ...REFERENCE,
    plant: { switch: 'retry-gone' },
  },
  // live.emitter.disconnect-ends-subscription
  {
    id: 'emitter.worker-ignores-installation',
    bug: 'The delivery worker never asks whether the subscriber is still installed, so a tool the group disconnected keeps receiving its events.',
    requirements: ['DLV-SUB-009'],
    ...BUDGETING,
    plant: edit('const check = options.isInstalled;', 'const check = void 0;'),
  },
  {
    id: 'emitter.fixture-delivers-after-disconnect',
    bug: 'The outbox checks the installation only when the subscription is created.',
    requirements: ['DLV-SUB-009'],
    ...REFERENCE,
    plant: { switch: 'delivers-after-disconnect' },
  },
  // live.emitter.subscription-expires, live.emitter.expired-not-delivered
  {
    id: 'emitter.ignores-requested-expiry',
    bug: 'The subscriptions endpoint ignores the expires a subscriber asks for and gives every subscription 90 days, so it is delivered to after the time its subscriber chose.',
    requirements: ['DLV-SUB-010', 'DLV-SUB-011'],
    ...DECISIONS,
    plant: edit(
      'new Date(Math.min(asked, longest)).toISOString()',
      'new Date(longest).toISOString()',
    ),
  },
  // live.emitter.client-error-not-retried
  {
    id: 'emitter.client-error-retried',
    bug: 'The delivery worker retries every 4xx, so a sink that refuses an event gets it again and again.',
    requirements: ['DLV-RTY-004'],
    ...REFERENCE,
    plant: edit(
      'if (status >= 400 && status < 500) return "failed";',
      'if (status >= 400 && status < 500) return "retry";',
    ),
  },
  {
    id: 'emitter.fixture-retry-client-error',
    bug: 'The outbox retries a 400 like a 503.',
    requirements: ['DLV-RTY-004'],
    ...REFERENCE,
    plant: { switch: 'retry-client-error' },
  },
  // live.emitter.redirect-not-followed
  {
    id: 'emitter.redirect-followed',
    bug: 'The delivery worker lets fetch follow redirects, so a sink can bounce events to any URL.',
    requirements: ['DLV-SND-002'],
    ...DECISIONS,
    plant: edit('body: jws,\n      redirect: "manual",', 'body: jws,\n      redirect: "follow",'),
  },
  {
    id: 'emitter.redirect-final',
    bug: 'The delivery worker dead-letters a delivery answered 3xx instead of retrying it.',
    requirements: ['DLV-SND-002'],
    ...BUDGETING,
    plant: edit(
      'if (status >= 400 && status < 500) return "failed";\n  return "retry";',
      'if (status >= 300 && status < 500) return "failed";\n  return "retry";',
    ),
  },
  {
    id: 'emitter.fixture-follow-redirects',
    bug: 'The outbox follows redirects.',
    requirements: ['DLV-SND-002'],
    ...REFERENCE,
    plant: { switch: 'follow-redirects' },
  },
  {
    id: 'emitter.fixture-redirect-permanent',
    bug: 'The outbox counts a 3xx as a permanent failure.',
    requirements: ['DLV-SND-002'],
    ...REFERENCE,
    plant: { switch: 'redirect-permanent' },
  },
  // live.emitter.feed-pages
  {
    id: 'emitter.feed-inclusive-cursor',
    bug: "The memory store's feed includes the event at the cursor, so every page repeats the last event of the page before.",
    requirements: ['DLV-FED-001', 'DLV-FED-002'],
    ...REFERENCE,
    plant: edit(
      'if (event.seq > after && event.group === query.group) {',
      'if (event.seq >= after && event.group === query.group) {',
    ),
  },
  {
    id: 'emitter.feed-next-is-first-item',
    bug: "The feed hands out the cursor of a page's first event as next, so paging repeats events.",
    requirements: ['DLV-FED-001', 'DLV-FED-002'],
    ...BUDGETING,
    plant: edit('next: items.at(-1)?.cursor ?? null', 'next: items.at(0)?.cursor ?? null'),
  },
  {
    id: 'emitter.feed-ignores-limit',
    bug: "The memory store's feed returns every event after the cursor, whatever the limit.",
    requirements: ['DLV-FED-001'],
    ...DECISIONS,
    plant: edit('if (items.length >= query.limit) break;', ''),
  },
  {
    id: 'emitter.fixture-feed-inclusive-cursor',
    bug: 'The feed treats the cursor as inclusive.',
    requirements: ['DLV-FED-002'],
    ...REFERENCE,
    plant: { switch: 'feed-inclusive-cursor' },
  },
  {
    id: 'emitter.fixture-feed-ignores-limit',
    bug: 'The feed ignores limit.',
    requirements: ['DLV-FED-001'],
    ...REFERENCE,
    plant: { switch: 'feed-ignores-limit' },
  },
  {
    id: 'emitter.fixture-feed-newest-first',
    bug: 'The feed serves the newest events first.',
    requirements: ['DLV-FED-001'],
    ...REFERENCE,
    plant: { switch: 'feed-newest-first' },
  },
  // live.emitter.feed-bad-query
  {
    id: 'emitter.feed-any-cursor',
    bug: 'The feed takes any string as a cursor and answers one it never issued with an empty page.',
    requirements: ['DLV-FED-001'],
    ...DECISIONS,
    plant: edit('var CURSOR = /^(0|[1-9]\\d{0,15})$/;', 'var CURSOR = /^/;'),
  },
  {
    id: 'emitter.fixture-feed-unknown-cursor-empty',
    bug: 'The feed answers a cursor it never issued with an empty page.',
    requirements: ['DLV-FED-001'],
    ...REFERENCE,
    plant: { switch: 'feed-unknown-cursor-empty' },
  },
  // live.emitter.feed-uninstalled
  {
    id: 'emitter.feed-without-installation',
    bug: 'The feed serves a group to any tool with a valid request token, installed in the group or not.',
    requirements: ['DLV-FED-003'],
    ...BUDGETING,
    plant: edit('if (!await isInstalled(group, caller)) {', 'if (false) {'),
  },
  {
    id: 'emitter.fixture-feed-uninstalled',
    bug: "The feed serves a group's events to any authenticated tool.",
    requirements: ['DLV-FED-003'],
    ...REFERENCE,
    plant: { switch: 'feed-uninstalled' },
  },
  // live.emitter.event-bytes (and live.emitter.delivers-signed-event)
  {
    id: 'emitter.bom-before-payload',
    bug: 'The signer writes a byte-order mark before the JSON of every event it signs.',
    requirements: ['EVT-JSON-002'],
    ...DECISIONS,
    plant: edit('.encode(JSON.stringify(valid)))', '.encode("\\uFEFF" + JSON.stringify(valid)))'),
  },
  {
    id: 'emitter.fixture-bom-in-payload',
    bug: 'The tool signs its events with a byte-order mark before the JSON.',
    requirements: ['EVT-JSON-002'],
    ...REFERENCE,
    plant: { switch: 'bom-in-payload' },
  },
  {
    id: 'emitter.fixture-local-time',
    bug: "The tool's own outbox sends events whose time is local (no T, no zone), which the event schema refuses.",
    requirements: ['DOC-EVT-001'],
    ...REFERENCE,
    plant: { switch: 'local-time' },
  },
]
