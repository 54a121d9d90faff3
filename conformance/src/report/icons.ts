/**
 * Status icons of the HTML report as inline SVG: they render in every browser and offline, where
 * emoji depend on the fonts installed (Debian's Chromium shows the current ones as empty boxes).
 */
import type { Status } from '../run.js'

/** The inner shapes of each icon, on a 16×16 grid. */
const SHAPES: Readonly<Record<Status, string>> = {
  passed:
    '<circle cx="8" cy="8" r="7.5" fill="#1a7f37"/><path d="M4.6 8.3l2.3 2.3 4.6-4.9" fill="none" stroke="#fff" stroke-width="1.9" stroke-linecap="round" stroke-linejoin="round"/>',
  failed:
    '<circle cx="8" cy="8" r="7.5" fill="#cf222e"/><path d="M5.4 5.4l5.2 5.2M10.6 5.4l-5.2 5.2" stroke="#fff" stroke-width="1.9" stroke-linecap="round"/>',
  errored:
    '<path d="M8 .8L15.4 14.6H.6z" fill="#bc4c00" stroke-linejoin="round"/><path d="M8 5.6v4.3" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/><circle cx="8" cy="12.2" r="1" fill="#fff"/>',
  'expected-fail':
    '<circle cx="8" cy="8" r="7.5" fill="#9a6700"/><path d="M8 4.2v4.6" stroke="#fff" stroke-width="1.9" stroke-linecap="round"/><circle cx="8" cy="11.4" r="1.1" fill="#fff"/>',
  inapplicable:
    '<circle cx="8" cy="8" r="6.8" fill="none" stroke="#6e7781" stroke-width="1.4"/><path d="M5 8h6" stroke="#6e7781" stroke-width="1.8" stroke-linecap="round"/>',
  untested:
    '<circle cx="8" cy="8" r="6.8" fill="none" stroke="#6e7781" stroke-width="1.4" stroke-dasharray="2.2 1.8"/>',
}

/** The icon of a test status: decorative, since the status is always written beside it. */
export function statusIcon(status: Status): string {
  return `<svg class="status-icon" data-status="${status}" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">${SHAPES[status]}</svg>`
}
