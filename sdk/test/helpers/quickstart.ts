import { readFileSync } from 'node:fs'
import { ROOT } from './documents.js'

/**
 * The code blocks of the SDK README's quickstart section, in order: the two-tool quickstart, then
 * the tool with the conformance control API. Tests run exactly this code.
 */
export function quickstartBlocks(): readonly string[] {
  const readme = readFileSync(`${ROOT}sdk/README.md`, 'utf8')
  const start = readme.indexOf('## Quickstart')
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1))
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
}

/** Lines of a block that are code: neither blank nor only a comment. */
export const codeLines = (block: string): number =>
  block.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('//')).length
