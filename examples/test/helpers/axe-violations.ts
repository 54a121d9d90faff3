// axe-core as every page test here runs it: the serious and critical violations only.
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

/** The serious and critical violations axe-core finds on the page, by rule and element. */
export async function axeViolations(p: Page): Promise<string[]> {
  await p.addScriptTag({ path: AXE })
  return p.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: {
        run(): Promise<{
          violations: { id: string; impact: string; nodes: { target: string[] }[] }[]
        }>
      }
    }
    const result = await axe.run()
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id} ${n.target.join(' ')}`))
  })
}
