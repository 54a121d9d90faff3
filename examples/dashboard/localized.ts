// Which language a name or summary is shown in (DOC-LANG-002): the reader's language ranges, in
// order of preference, looked up in the document's `nameMap` or `summaryMap` as RFC 4647 §3.4
// does it; the plain `name` or `summary` when none finds a value.

/** The language ranges of an `Accept-Language` header, most preferred first; `*` and q=0 left out. */
export function languagesOf(header: string | null | undefined): string[] {
  if (typeof header !== 'string') return []
  return header
    .split(',')
    .map((part, index) => {
      const [range = '', ...params] = part.trim().split(';')
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined)
      return { range: range.trim(), q: q === undefined ? 1 : Number(q), index }
    })
    .filter(({ range, q }) => /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(range) && q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map(({ range }) => range)
}

/**
 * The value to show of a plain member and its natural-language map: for each range in order, the
 * map's value whose tag equals the range, compared without regard to case, else the range with
 * its last subtag removed, and so on (RFC 4647 §3.4 lookup); `plain` when none finds one. A map
 * that is not an object of strings is ignored.
 */
export function localized(plain: string, map: unknown, languages: readonly string[]): string {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return plain
  const values = new Map<string, string>()
  for (const [tag, value] of Object.entries(map as Record<string, unknown>)) {
    if (typeof value === 'string' && value !== '') values.set(tag.toLowerCase(), value)
  }
  for (const language of languages) {
    const subtags = language.toLowerCase().split('-')
    while (subtags.length > 0) {
      const found = values.get(subtags.join('-'))
      if (found !== undefined) return found
      subtags.pop()
      // A single-letter subtag (an extension's singleton) is removed with the one after it.
      if (subtags.at(-1)?.length === 1) subtags.pop()
    }
  }
  return plain
}
