// Links and images from documents, written defensively: an `href` or `src` only for an `https:` or
// `http:` URL (DOC-RND-002), and an image only with its text alternative (DOC-RND-004).
import { esc } from '../src/http.js'

/** Whether a value may become an `href` or a `src`: an absolute `https:` or `http:` URL. */
export function isLink(value: unknown): value is string {
  return typeof value === 'string' && /^https?:\/\//.test(value) && URL.canParse(value)
}

/**
 * An `icon` (an ActivityStreams `Image`) as an HTML `img` whose `alt` is the image's `name`, or
 * `''` when it has no name, no `https:`/`http:` URL, or is not an image at all: an image without
 * its text alternative is not shown (DOC-RND-004).
 */
export function iconHtml(icon: unknown, size = 20): string {
  if (typeof icon !== 'object' || icon === null) return ''
  const { url, name } = icon as { url?: unknown; name?: unknown }
  if (!isLink(url) || typeof name !== 'string' || name.trim() === '') return ''
  return `<img class="icon" src="${esc(url)}" alt="${esc(name)}" width="${size}" height="${size}" loading="lazy" decoding="async" referrerpolicy="no-referrer">`
}
