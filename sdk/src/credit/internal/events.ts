export { budgetEvent as profileEvent, embed } from '../../budgeting/internal/events.js'
import type { BudgetEventOptions } from '../../budgeting/internal/events.js'

/**
 * Options of every mutual credit and task event helper ({@link accountOpened}, {@link taskCreated}
 * and the others): `source` and `actor`, and optional overrides of the renderable minimum.
 */
export type ProfileEventOptions = BudgetEventOptions
