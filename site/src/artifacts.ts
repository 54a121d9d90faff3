import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { escapeHtml } from './markdown.js'
import { DIST, PUBLISHED_TREES, ROOT } from './paths.js'
import { findReports } from './reports.js'

/**
 * A plain listing of one published directory, so that links such as `../schemas/v1/` lead
 * somewhere on the site as they do in the repository.
 */
function listing(tree: string, dir: string): string {
  const entries = readdirSync(`${DIST}${dir}`, { withFileTypes: true })
    .filter((e) => e.name !== 'index.html')
    .sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || (a.name < b.name ? -1 : 1))
  const items = entries.map((e) => {
    const name = e.isDirectory() ? `${e.name}/` : e.name
    let id = ''
    if (e.name.endsWith('.json') && dir.startsWith('schemas/')) {
      const json = JSON.parse(readFileSync(`${DIST}${dir}/${e.name}`, 'utf8')) as { $id?: unknown }
      if (typeof json.$id === 'string') id = ` <span class="id">${escapeHtml(json.$id)}</span>`
    }
    return `<li><a href="${escapeHtml(name)}">${escapeHtml(name)}</a>${id}</li>`
  })
  const up = dir === tree ? '' : '<li><a href="../">../</a></li>'
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>/${escapeHtml(dir)}/ · CTA Interop</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>
body { font: 16px/1.6 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #213547; }
a { color: #3451b2; } code, .id { font-family: ui-monospace, monospace; font-size: 0.9em; }
.id { color: #67676c; margin-left: 0.5rem; } li { margin: 0.15rem 0; }
</style>
</head>
<body>
<p><a href="/">CTA Interop 1.0</a></p>
<h1><code>/${escapeHtml(dir)}/</code></h1>
<p>Published with the specification, byte for byte as in the repository.</p>
<ul>
${up}${items.join('\n')}
</ul>
</body>
</html>
`
}

function directories(dir: string): string[] {
  return [
    dir,
    ...readdirSync(`${DIST}${dir}`, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .flatMap((e) => directories(`${dir}/${e.name}`)),
  ]
}

/**
 * Copies into the built site what the spec links to and what the identifiers name:
 *
 * - `schemas/` and `examples/documents/` at the same paths, each directory with a listing;
 *   a schema whose `$id` is `https://w3id.org/cta/schemas/v1/<name>.json` is at
 *   `/schemas/v1/<name>.json`;
 * - the JSON-LD context `https://w3id.org/cta/v1` at `/v1` and `/v1.jsonld` (same bytes);
 * - the conformance control API's OpenAPI document at `/conformance/v1/control-api.openapi.yaml`,
 *   the path of the IRI the spec links to;
 * - the latest conformance report of each example tool, when there is one: its `report.json`,
 *   `report.html` and `junit.xml` at the same paths (not the rest of its directory, such as the
 *   SUT manifest the run was given).
 */
export function publishArtifacts(): void {
  for (const tree of PUBLISHED_TREES) {
    mkdirSync(dirname(`${DIST}${tree}`), { recursive: true })
    cpSync(`${ROOT}${tree}`, `${DIST}${tree}`, { recursive: true })
    for (const dir of directories(tree))
      writeFileSync(`${DIST}${dir}/index.html`, listing(tree, dir))
  }
  const context = readFileSync(`${ROOT}schemas/context/v1.jsonld`)
  writeFileSync(`${DIST}v1`, context)
  writeFileSync(`${DIST}v1.jsonld`, context)
  mkdirSync(`${DIST}conformance/v1`, { recursive: true })
  cpSync(
    `${ROOT}conformance/control-api.openapi.yaml`,
    `${DIST}conformance/v1/control-api.openapi.yaml`,
  )
  for (const { dir, files } of findReports()) {
    mkdirSync(`${DIST}${dir}`, { recursive: true })
    for (const file of files) cpSync(`${ROOT}${dir}${file}`, `${DIST}${dir}${file}`)
  }
}
