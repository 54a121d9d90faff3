import { readFileSync, readdirSync } from 'node:fs'
import { ROOT } from './paths.js'

/** A chapter of the specification: a Markdown file directly in `spec/`. */
export interface Chapter {
  /** File name in `spec/` (`documents.md`). */
  readonly file: string
  /** The page's path on the site: `/` for the index, `/documents` for `documents.md`. */
  readonly link: string
  /** The chapter's first level-1 heading, or its file name. */
  readonly title: string
}

/** The path of a spec chapter's page on the site (clean URLs). */
export function chapterLink(file: string): string {
  const name = file.replace(/^spec\//, '').replace(/\.md$/, '')
  return name === 'index' ? '/' : `/${name}`
}

function titleOf(text: string, file: string): string {
  const heading = /^#\s+(.+?)\s*$/m.exec(text)?.[1]
  return heading ?? file.replace(/\.md$/, '')
}

/**
 * Every `spec/*.md`: the index first, then the chapters in the order of the "## Chapters" list
 * of `spec/index.md`, then any other chapter by file name. New chapters appear without any change
 * here.
 */
export function readChapters(root: string = ROOT): Chapter[] {
  const dir = `${root}spec/`
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
  const index = files.includes('index.md') ? readFileSync(`${dir}index.md`, 'utf8') : ''
  const listed = /^## Chapters\s*$([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(index)?.[1] ?? ''
  const order = [...listed.matchAll(/\]\(\.\/([^)#]+\.md)(?:#[^)]*)?\)/g)].map((m) => m[1] ?? '')
  const rank = (file: string): number => {
    if (file === 'index.md') return -1
    const i = order.indexOf(file)
    return i === -1 ? order.length : i
  }
  return files
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((file) => ({
      file,
      link: chapterLink(file),
      title: titleOf(readFileSync(dir + file, 'utf8'), file),
    }))
}
