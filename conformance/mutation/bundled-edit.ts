/**
 * An `sdk` plant's edit, applied to the built SDK as the bundler left it. esbuild renames a
 * local when a chunk holds two of the same name (`now` becomes `now2`, `fail` becomes `fail2`),
 * so a plant's `find` text names identifiers as the source does and matches them with any such
 * numeric suffix; the `replace` text's identifiers get the suffix each one carried in the match.
 */
export interface BundledEdit {
  readonly find: string
  readonly replace: string
}

const IDENTIFIER = /[A-Za-z_$][\w$]*/g
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** A global pattern for `find`: its identifiers (without a trailing digit) may carry a suffix. */
function patternOf(find: string): { readonly pattern: RegExp; readonly names: string[] } {
  const names: string[] = []
  let source = ''
  let last = 0
  for (const match of find.matchAll(IDENTIFIER)) {
    const name = match[0]
    source += escape(find.slice(last, match.index))
    if (/\d$/.test(name)) source += `${escape(name)}(?![\\w$])`
    else {
      names.push(name)
      source += `${escape(name)}(\\d*)(?![\\w$])`
    }
    last = match.index + name.length
  }
  source += escape(find.slice(last))
  const startsWithName = /^[A-Za-z_$]/.test(find)
  return { pattern: new RegExp(`${startsWithName ? '(?<![\\w$])' : ''}${source}`, 'g'), names }
}

/** How many times `edit.find` occurs in `text`, renamed locals included. */
export function countEdit(text: string, edit: BundledEdit): number {
  return [...text.matchAll(patternOf(edit.find).pattern)].length
}

/** `text` with every occurrence of `edit.find` replaced, the replacement's locals renamed alike. */
export function applyEdit(text: string, edit: BundledEdit): string {
  const { pattern, names } = patternOf(edit.find)
  return text.replace(pattern, (...args: unknown[]) => {
    const suffixes = new Map<string, string>()
    names.forEach((name, i) => {
      const suffix = args[i + 1]
      if (!suffixes.has(name)) suffixes.set(name, typeof suffix === 'string' ? suffix : '')
    })
    return edit.replace.replace(IDENTIFIER, (name) => name + (suffixes.get(name) ?? ''))
  })
}
