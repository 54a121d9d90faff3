// The signed-in member's "Your data" page: who they are signed in as, which tools of the group hold
// their data, and one "Download my data" button (a form POST: it works without script).
import { renderPage, type PageTool } from '../src/page-layout.js'
import { esc } from '../src/http.js'
import { EXPORT_DOWNLOAD_PATH } from './export.js'

const STYLE = `<style>
.download{margin-top:1.25rem}
.download button{font:inherit;font-weight:650;color:#fff;background:#0b57a4;border:0;border-radius:8px;padding:.7rem 1.2rem;cursor:pointer;min-height:44px}
.download button:hover{background:#094a8b}
.download button:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
ul.tools{margin:.25rem 0 0;padding-left:1.25rem}
</style>`

/** Renders the page; `signedIn` undefined for a visitor who is not signed in (401). */
export function renderYourData(options: {
  readonly tool: PageTool
  readonly signedIn:
    | {
        readonly member: string
        readonly name: string
        readonly group: string
        readonly tools: readonly { readonly origin: string; readonly name: string }[]
      }
    | undefined
}): string {
  const { signedIn } = options
  if (signedIn === undefined) {
    return renderPage({
      tool: options.tool,
      title: 'Your data',
      body: `<p>Sign in with your group to download your data.</p>`,
    })
  }
  const tools = signedIn.tools
    .map(
      (t) => `<li>${esc(t.name)} <span class="meta">(${esc(new URL(t.origin).host)})</span></li>`,
    )
    .join('')
  return renderPage({
    tool: options.tool,
    title: 'Your data',
    trail: [{ href: '/', text: 'Notifications' }],
    body: `${STYLE}<div class="card">
<p>Signed in as <strong>${esc(signedIn.name)}</strong> <span class="meta">(<code>${esc(signedIn.member)}</code>)</span>, in <code>${esc(signedIn.group)}</code>.</p>
<p>${
      signedIn.tools.length === 0
        ? 'No tool of your group offers an export yet.'
        : `The group’s tools that hold your data and offer it:</p><ul class="tools">${tools}</ul><p>`
    }The download is one JSON file: each tool’s pages about you, signed by that tool, so that anyone you give it to can check them.</p>
<form class="download" method="post" action="${EXPORT_DOWNLOAD_PATH}">
<button type="submit"${signedIn.tools.length === 0 ? ' disabled' : ''}>Download my data</button>
</form></div>`,
  })
}
