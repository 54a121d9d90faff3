/**
 * How the local search index cuts a page into sections. VitePress's own splitter makes one section
 * per heading; this one also makes each requirement a section of its own, titled by its
 * identifier and linked to its anchor, so typing `DOC-AMT-001` finds that requirement first.
 * "Covered by" blocks are left out of the index.
 */

/** One entry of the search index. */
export interface SearchSection {
  readonly anchor: string
  readonly titles: string[]
  readonly text: string
}

// The same expressions as VitePress 1.6's splitPageIntoSections.
const HEADING = /<h(\d*).*?>(.*?<a.*? href="#.*?".*?>.*?<\/a>)<\/h\1>/gi
const HEADING_CONTENT = /(.*?)<a.*? href="#(.*?)".*?>.*?<\/a>/i
const COVERAGE = /<!--coverage-->[\s\S]*?<!--\/coverage-->/g
const REQUIREMENT =
  /<(p|li) class="requirement" data-requirement="([A-Z]+-[A-Z]+-\d{3})"[^>]*>([\s\S]*?)<\/\1>/g

const clear = (html: string): string => html.replace(/<[^>]*>/g, '')

/** Splits rendered HTML into search sections: headings, then requirements within them. */
export function* splitIntoSections(_file: string, html: string): Generator<SearchSection> {
  const parts = html.replace(COVERAGE, '').split(HEADING)
  parts.shift()
  let parents: string[] = []
  for (let i = 0; i < parts.length; i += 3) {
    const level = parseInt(parts[i] ?? '', 10) - 1
    const heading = HEADING_CONTENT.exec(parts[i + 1] ?? '')
    const title = clear(heading?.[1] ?? '').trim()
    const anchor = heading?.[2] ?? ''
    const content = parts[i + 2] ?? ''
    if (!title || !content) continue
    let titles = parents.slice(0, level)
    titles[level] = title
    titles = titles.filter(Boolean)
    yield { anchor, titles, text: clear(content) }
    for (const m of content.matchAll(REQUIREMENT)) {
      const id = m[2] ?? ''
      yield { anchor: id, titles: [...titles, id], text: clear(m[3] ?? '') }
    }
    if (level === 0) parents = [title]
    else parents[level] = title
  }
}
