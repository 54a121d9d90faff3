// Plants of the Intent Exchange profile: faults a vendor could ship in the SDK's matcher, amount
// checks and match documents (each `find` is text of sdk/dist/*.js), planted in Budgeting, the
// example tool that claims the profile. The live cases of conformance/src/live/cases/intents*.ts
// must catch each one.
import type { Plant } from '../plant.js'

const BUDGETING = { tool: 'budgeting', profiles: ['intent-exchange'] } as const

/** A plant that replaces `find` with `replace` in the built SDK. */
const edit = (find: string, replace: string): Plant['plant'] => ({ sdk: { find, replace } })

export const PLANTS: readonly Plant[] = [
  // Compatibility (live.intent-exchange.matches-only-compatible).
  {
    id: 'intent-exchange.default-visibility-everything',
    bug: 'Without a visibility predicate the matcher lets every proposal see every group.',
    requirements: ['INT-MAT-003'],
    ...BUDGETING,
    plant: edit('const canSee = options.canSee;', 'const canSee = options.canSee ?? (() => true);'),
  },
  {
    id: 'intent-exchange.hashtags-case-sensitive',
    bug: 'Hashtags are compared as written, so #Bikes and #bikes are different tags.',
    requirements: ['INT-MAT-004'],
    ...BUDGETING,
    plant: edit(
      'return (name.startsWith("#") ? name.slice(1) : name).toLowerCase();',
      'return name.startsWith("#") ? name.slice(1) : name;',
    ),
  },
  {
    id: 'intent-exchange.work-not-a-service',
    bug: 'The action classes forget that work and deliverService are compatible.',
    requirements: ['INT-MAT-005'],
    ...BUDGETING,
    plant: edit(
      '  transferAllRights: "transfer",\n  work: "deliverService"\n',
      '  transferAllRights: "transfer"\n',
    ),
  },
  {
    id: 'intent-exchange.ignores-units',
    bug: 'Quantities are compared by their numbers alone: 6 days fit a request for 6 hours.',
    requirements: ['INT-MAT-006'],
    ...BUDGETING,
    plant: edit(
      'if (q.unit !== void 0 && c.unit !== void 0 && q.unit !== c.unit) return -1;',
      '/* units not compared */',
    ),
  },
  {
    id: 'intent-exchange.candidate-minimum-only',
    bug: "The range check reads only the candidate's minimum, not the query's.",
    requirements: ['INT-MAT-006'],
    ...BUDGETING,
    plant: edit('const floor = q.min > c.min ? q.min : c.min;', 'const floor = c.min;'),
  },
  {
    id: 'intent-exchange.half-open-windows',
    bug: 'Time windows are treated as half-open: a window that ends when the other begins does not overlap it.',
    requirements: ['INT-MAT-007'],
    ...BUDGETING,
    plant: edit(
      'if ((q.start > c.start ? q.start : c.start) > (q.end < c.end ? q.end : c.end)) return -1;',
      'if ((q.start > c.start ? q.start : c.start) >= (q.end < c.end ? q.end : c.end)) return -1;',
    ),
  },
  // Prices (live.intent-exchange.matches-within-budget).
  {
    id: 'intent-exchange.price-must-be-below-budget',
    bug: 'An offer whose cost equals the bounty is refused: the cost must be below it.',
    requirements: ['INT-MAT-008'],
    ...BUDGETING,
    plant: edit('if (left > right) return -1;', 'if (left >= right) return -1;'),
  },
  {
    id: 'intent-exchange.ignores-unit-based-price',
    bug: 'A unit-based price is compared as if it were the price of the whole exchange.',
    requirements: ['INT-MAT-008'],
    ...BUDGETING,
    plant: edit(
      'return e.basis !== void 0 && q !== void 0 ? [amount * q, e.basis] : [amount, 1n];',
      'return [amount, 1n];',
    ),
  },
  {
    id: 'intent-exchange.amounts-through-float',
    bug: 'Amounts pass through a JavaScript number before they are scaled, so 10^20 + 1 equals 10^20.',
    requirements: ['INT-AMT-002', 'INT-MAT-008'],
    ...BUDGETING,
    plant: edit(
      'return d.units * pow10(SCALE - d.scale);',
      'return BigInt(Number(d.units)) * pow10(SCALE - d.scale);',
    ),
  },
  {
    id: 'intent-exchange.ignores-price-unit',
    bug: 'Prices are compared without checking that they are in the same unit.',
    requirements: ['INT-MAT-008'],
    ...BUDGETING,
    plant: edit(
      'if (cost.unit !== budget.unit || !compatibleActions(cost.action, budget.action)) return -1;',
      'if (!compatibleActions(cost.action, budget.action)) return -1;',
    ),
  },
  {
    id: 'intent-exchange.converts-without-rate',
    bug: 'Prices in two currencies without a rate are compared as if the currencies were the same.',
    requirements: ['INT-AMT-005', 'INT-MAT-008'],
    ...BUDGETING,
    plant: edit(
      '      } else {\n        return -1;\n      }\n    }\n    const left = cn * bd;',
      '      }\n    }\n    const left = cn * bd;',
    ),
  },
  // Score and order (live.intent-exchange.orders-candidates).
  {
    id: 'intent-exchange.rounds-score',
    bug: 'The score is rounded to six digits instead of truncated.',
    requirements: ['INT-MAT-009'],
    ...BUDGETING,
    plant: edit(
      'return Number(num * MICRO / den);',
      'return Math.round(Number(num * MICRO) / Number(den));',
    ),
  },
  {
    id: 'intent-exchange.latest-published-first',
    bug: 'Candidates with the same score are ordered latest published first.',
    requirements: ['INT-MAT-010'],
    ...BUDGETING,
    plant: edit(
      'table.published(pairSlot[a]) - table.published(pairSlot[b])',
      'table.published(pairSlot[b]) - table.published(pairSlot[a])',
    ),
  },
  {
    id: 'intent-exchange.ids-by-utf16',
    bug: 'Ids are compared with `<` (UTF-16 code units), which sorts characters above U+FFFF before U+E000–U+FFFF.',
    requirements: ['INT-MAT-010'],
    ...BUDGETING,
    plant: edit(
      `compareCodePoints(
        table.proposal(pairSlot[a]).id,
        table.proposal(pairSlot[b]).id
      )`,
      `(table.proposal(pairSlot[a]).id < table.proposal(pairSlot[b]).id ? -1 : table.proposal(pairSlot[a]).id > table.proposal(pairSlot[b]).id ? 1 : 0)`,
    ),
  },
  // Lifecycle and versions (live.intent-exchange.never-matches-closed).
  {
    id: 'intent-exchange.keeps-expired',
    bug: 'The matcher checks endTime only when a proposal arrives, and keeps matching it after it expires.',
    requirements: ['INT-MAT-001'],
    ...BUDGETING,
    plant: edit(
      'expires: proposal.endTime === void 0 ? Infinity : parseInstant(proposal.endTime),',
      'expires: Infinity,',
    ),
  },
  {
    id: 'intent-exchange.close-keeps-index',
    bug: 'Closing a proposal records its tombstone but leaves it in the index, where it still matches.',
    requirements: ['INT-LIFE-002'],
    ...BUDGETING,
    plant: edit(
      'close(held, Math.max(version, table.version(held)));',
      'tombstones.set(id, Math.max(version, table.version(held)));',
    ),
  },
  {
    id: 'intent-exchange.last-arrival-wins',
    bug: 'The version that arrives last replaces the one held, even when it is older.',
    requirements: ['INT-PROP-003'],
    ...BUDGETING,
    plant: edit(
      'held !== void 0 ? version < table.version(held) : closedAt !== void 0 && version <= closedAt',
      'closedAt !== void 0 && version <= closedAt',
    ),
  },
  {
    id: 'intent-exchange.closed-version-reopens',
    bug: 'The version a proposal was closed at, delivered again, reopens it.',
    requirements: ['INT-PROP-003'],
    ...BUDGETING,
    plant: edit(
      'closedAt !== void 0 && version <= closedAt',
      'closedAt !== void 0 && version < closedAt',
    ),
  },
  {
    id: 'intent-exchange.same-version-ignored',
    bug: 'A version as recent as the one held is ignored instead of replacing it.',
    requirements: ['INT-PROP-003'],
    ...BUDGETING,
    plant: edit('version < table.version(held)', 'version <= table.version(held)'),
  },
  // Amounts refused at the inbox (live.intent-exchange.refuses-bad-amounts).
  {
    id: 'intent-exchange.amount-pattern-loose',
    bug: 'The amount pattern accepts leading zeros and exponents (007, 1e3).',
    requirements: ['INT-AMT-001'],
    ...BUDGETING,
    plant: edit(
      // The amount pattern in the validators' schema data (sdk/src/validate/generated).
      '{ pattern: "^(0|[1-9][0-9]{0,29})(\\\\.[0-9]{1,30})?$", maxLength: 61',
      '{ pattern: "^[0-9]+(\\\\.[0-9]+)?([eE][+-]?[0-9]+)?$", maxLength: 61',
    ),
  },
  {
    id: 'intent-exchange.ignores-currency-decimals',
    bug: "The matcher takes a price more precise than its currency's decimals.",
    requirements: ['INT-AMT-003'],
    ...BUDGETING,
    plant: edit(
      'if (decimals !== void 0) normalizeAmount(quantity.hasNumericalValue, { decimals });',
      'void decimals;',
    ),
  },
  // Match reports (live.intent-exchange.reports-match).
  {
    id: 'intent-exchange.match-score-rounded',
    bug: 'A Match carries its score rounded to two digits for display.',
    requirements: ['INT-MAT-011'],
    ...BUDGETING,
    plant: edit(
      'doc["score"] = options.score;',
      'doc["score"] = String(Math.round(Number(options.score) * 100) / 100);',
    ),
  },
  {
    id: 'intent-exchange.match-subject-object-swapped',
    bug: 'A Match names the candidate as its subject and the query as its object.',
    requirements: ['INT-MAT-011'],
    ...BUDGETING,
    plant: edit(
      'doc["subject"] = options.subject;\n  doc["relationship"] = MATCH_RELATIONSHIP;\n  doc["object"] = options.object;',
      'doc["subject"] = options.object;\n  doc["relationship"] = MATCH_RELATIONSHIP;\n  doc["object"] = options.subject;',
    ),
  },
]
