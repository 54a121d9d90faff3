/** What serve-tool.ts uses of the example tools (see example-tools.mjs). */
export interface RunningExample {
  readonly origin: string
  close(): Promise<void>
}

export function loadDecisions(): Promise<{
  startDecisions: (options?: { controlToken?: string }) => Promise<RunningExample>
}>

export function loadBudgeting(): Promise<{
  startBudgeting: (options: {
    group: string
    clientSecret: string
    isInstalled: (group: string, tool: string) => boolean | Promise<boolean>
    controlToken?: string
  }) => Promise<RunningExample>
}>

export function loadDashboard(): Promise<{
  startDashboard: (options: { dataDir: string; controlToken?: string }) => Promise<RunningExample>
}>

export function loadConformance(): Promise<{
  exampleTools: (origins: { decisions: string; budgeting: string }) => {
    readonly slug: string
    readonly name: string
    readonly profiles: readonly string[]
    readonly control: string
  }[]
}>
