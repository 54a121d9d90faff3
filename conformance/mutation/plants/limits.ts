// Plants of the size limits (spec/delivery.md "Size limits"): faults a vendor could ship in the
// SDK's subscriptions endpoint and in the Node listener that reads request bodies (each `find` is
// text of sdk/dist/*.js). The live cases of conformance/src/live/cases/emitter-limits.ts must catch
// each one; the comment above each plant names the case.
import type { Plant } from '../plant.js'

const DECISIONS = { tool: 'decisions', profiles: ['emitter'] } as const

/** A plant that replaces `find` with `replace` in the built SDK. */
const edit = (find: string, replace: string): Plant['plant'] => ({ sdk: { find, replace } })

export const PLANTS: readonly Plant[] = [
  // live.emitter.subscribe-over-size-limit
  {
    id: 'limits.subscription-body-1-mib',
    bug: 'The subscriptions endpoint reads request bodies of up to 1 MiB instead of 8 KiB.',
    requirements: ['DLV-LIM-002'],
    ...DECISIONS,
    plant: edit('subscriptionRequest: 8 * 1024,', 'subscriptionRequest: 1024 * 1024,'),
  },
  // live.emitter.subscribe-gzip-bomb
  {
    id: 'limits.content-coding-ignored',
    bug: 'The Node listener ignores Content-Encoding and hands a compressed body on as it came, so its size is never counted decoded.',
    requirements: ['DLV-LIM-001'],
    ...DECISIONS,
    plant: edit(
      'const coding = (req.headers["content-encoding"] ?? "identity").trim().toLowerCase();',
      'const coding = "identity";',
    ),
  },
]
