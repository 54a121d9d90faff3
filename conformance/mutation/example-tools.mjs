// The example tools, for serve-tool.ts: loaded from a module of its own, typed by
// example-tools.d.mts, so that the conformance typecheck does not take in examples/ (which its
// own tsconfig checks, with its own declarations for oidc-provider).
export const loadDecisions = () => import('../../examples/decisions/decisions.js')
export const loadBudgeting = () => import('../../examples/budgeting/budgeting.js')
export const loadDashboard = () => import('../../examples/dashboard/dashboard.js')
export const loadConformance = () => import('../../examples/src/conformance.js')
