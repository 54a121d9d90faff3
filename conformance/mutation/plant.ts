/**
 * A fault planted on purpose in a reference tool, or in the built SDK a tool runs, for the live
 * mutation gate: every plant must turn at least one live case red. The suite always judges with
 * its own, unplanted copy of the SDK; a tool with an SDK plant runs in its own process.
 */
import type { Profile } from '../src/types.js'

/** The tools the gate can start with a plant (see `serve-tool.ts`). */
export const PLANTED_TOOLS = [
  'reference',
  'relying',
  'decisions',
  'budgeting',
  'dashboard',
] as const

/** The tools the gate can start with a plant. */
export type PlantedTool = (typeof PLANTED_TOOLS)[number]

export interface Plant {
  /** Unique, `<profile>.<what>` in kebab case, for example `emitter.delivers-other-groups`. */
  readonly id: string
  /** The bug as a vendor could ship it, in one sentence. */
  readonly bug: string
  /** The requirements it breaks (each must exist in the spec). */
  readonly requirements: readonly string[]
  /** The tool the gate starts with the plant. */
  readonly tool: PlantedTool
  /** The profiles whose live cases the gate runs against the planted tool. */
  readonly profiles: readonly Profile[]
  /**
   * How it is planted: `switch` names a plant the tool itself offers (the `plant` option of the
   * reference fixtures); `sdk` edits the built SDK (`sdk/dist/*.js`, every occurrence of `find`,
   * which must occur at least once, replaced by `replace`) in a copy that only the tool loads.
   */
  readonly plant:
    | { readonly switch: string }
    | { readonly sdk: { readonly find: string; readonly replace: string } }
}
