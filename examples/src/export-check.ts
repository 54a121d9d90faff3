// The demo's member export (spec/export.md): the member, signed in to the dashboard, presses its
// "Download my data"; the dashboard answers one file as a download; this checks the
// file as anyone holding it would: every page verified against its tool's JWKS (fetched afresh
// from the tool's manifest), every item the member's own.
import { createManifestResolver, verifyExportPage, type ExportItem } from '@cta-interop/sdk'
import type { ExportFile } from '../dashboard/export.js'
import { LOCAL } from './producer.js'

/** What the demo's summary says about one member's export. */
export interface MemberExportOutcome {
  /** The member's name, for the summary. */
  readonly name: string
  /** Whether the dashboard offered it as a download (`Content-Disposition: attachment`). */
  readonly attachment: boolean
  readonly tools: number
  readonly pages: number
  /** Pages whose signature verified against their tool's JWKS, with `attributedTo` the member. */
  readonly verifiedPages: number
  readonly items: number
  /** Items by `type` (`Stance`: 1, …). */
  readonly byType: Readonly<Record<string, number>>
  /** Items that name the member in none of their party members (must be 0). */
  readonly ofOthers: number
}

/** The members of a document that name a party to it. */
const PARTIES = ['attributedTo', 'provider', 'receiver', 'assignee', 'primaryAccountable']

const isMine = (item: ExportItem, member: string): boolean =>
  PARTIES.some((p) => item[p] === member)

/**
 * Presses the dashboard's "Download my data" as the signed-in member (`cookie`: their session)
 * and checks the file it offers.
 */
export async function downloadExport(options: {
  /** The button's form action: the dashboard's `/your-data/export`. */
  readonly download: string
  /** The member's session cookie at the dashboard (`name=value`). */
  readonly cookie: string
  readonly group: string
  readonly member: string
  readonly name: string
}): Promise<MemberExportOutcome> {
  const response = await fetch(options.download, {
    method: 'POST',
    headers: { cookie: options.cookie, origin: new URL(options.download).origin },
  })
  if (response.status !== 200) {
    throw new Error(`the dashboard's export answered ${response.status}: ${await response.text()}`)
  }
  const attachment = /^attachment\b/.test(response.headers.get('content-disposition') ?? '')
  const file = (await response.json()) as ExportFile
  // A fresh resolver: the file is checked as anyone holding it would, from the tools' manifests.
  const { resolveKey } = createManifestResolver({ ...LOCAL, allowAnySource: true })
  let pages = 0
  let verifiedPages = 0
  const items: ExportItem[] = []
  for (const { tool, pages: signed } of file.exports) {
    for (const jws of signed) {
      pages++
      const { page } = await verifyExportPage(jws, { resolveKey })
      if (page.generator === tool && page.attributedTo === options.member) verifiedPages++
      items.push(...page.orderedItems)
    }
  }
  const byType: Record<string, number> = {}
  for (const item of items) {
    const type = String(item['type'])
    byType[type] = (byType[type] ?? 0) + 1
  }
  return {
    name: options.name,
    attachment: attachment && file.member === options.member && file.group === options.group,
    tools: file.exports.length,
    pages,
    verifiedPages,
    items: items.length,
    byType,
    ofOthers: items.filter((item) => !isMine(item, options.member)).length,
  }
}

/** The summary's line for a member's export. */
export function memberExportCheck(o: MemberExportOutcome): {
  check: string
  result: string
  ok: boolean
} {
  const types = Object.entries(o.byType)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `${n} ${type}`)
    .join(', ')
  return {
    check: `${o.name}’s export from the dashboard (a download)`,
    result:
      `${o.tools} tools, ${o.items} items (${types}); ${o.verifiedPages} of ${o.pages} pages ` +
      `verified against each tool’s JWKS; ${o.ofOthers} items of other members`,
    ok:
      o.attachment &&
      o.tools >= 2 &&
      o.items > 0 &&
      o.pages > 0 &&
      o.verifiedPages === o.pages &&
      o.ofOthers === 0,
  }
}
