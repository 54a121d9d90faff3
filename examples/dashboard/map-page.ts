// The map page: Cytoscape.js draws the group's network from the map's data, embedded in the page;
// the same data is in the tables below the drawing, for screen readers and without JavaScript.
import { esc } from '../src/http.js'
import { CYTOSCAPE_PATH, PERIODS, type GroupMap, type Period } from './map.js'

const PERIOD_LABELS: Readonly<Record<Period, string>> = {
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
}

const ROLE_LABELS = {
  authority: 'authority: holds the group',
  installed: 'installed in the group',
  'not installed': 'not installed in the group',
} as const

const plural = (n: number, one: string, many = `${one}s`) => `${String(n)} ${n === 1 ? one : many}`

/** A short label for an event type: its last two segments (`poll.closed`). */
const shortType = (type: string) => type.split('.').slice(-2).join('.')

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1c2430;background:#f6f7f9}
header,main{max-width:1200px;margin:0 auto;padding:0 16px}
header{padding-top:16px}
h1{font-size:1.5rem;margin:0 0 4px}
h2{font-size:1.15rem;margin:24px 0 8px}
p{margin:4px 0}
a{color:#1f5fbf}
nav.top{display:flex;gap:16px;flex-wrap:wrap;margin-bottom:8px}
.periods{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0;padding:0;list-style:none}
.periods a{display:inline-block;padding:6px 12px;border:1px solid #b8c2d0;border-radius:999px;text-decoration:none;background:#fff}
.periods a[aria-current="page"]{background:#1f5fbf;border-color:#1f5fbf;color:#fff}
figure{margin:0;background:#fff;border:1px solid #d6dbe3;border-radius:8px}
#map{width:100%;height:min(70vh,560px);min-height:340px}
figcaption{padding:8px 12px;border-top:1px solid #d6dbe3;font-size:.9rem;color:#4a5565}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:0;padding:0;list-style:none}
.legend span{display:inline-block;width:24px;height:0;border-top:3px solid;vertical-align:middle;margin-right:6px}
.table-wrap{overflow-x:auto;background:#fff;border:1px solid #d6dbe3;border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:.95rem}
caption{text-align:left;padding:8px 12px;font-weight:600}
th,td{text-align:left;padding:6px 12px;border-top:1px solid #e5e8ee;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:.85em;overflow-wrap:anywhere}
th .role{display:block;font-weight:400;color:#4a5565}
th code{display:block;font-weight:400;color:#4a5565}
footer{max-width:1200px;margin:24px auto;padding:0 16px;color:#4a5565;font-size:.9rem}
@media (max-width:600px){h1{font-size:1.25rem}th,td{padding:6px 8px}#map{height:320px;min-height:300px}}
`

/** The client: draws the map with Cytoscape.js once the page has loaded. */
const CLIENT = `
(function () {
  var data = JSON.parse(document.getElementById('map-data').textContent);
  var box = document.getElementById('map');
  if (typeof cytoscape !== 'function' || !box) return;
  var narrow = box.clientWidth < 600;
  var font = narrow ? 12 : 14;
  var plural = function (n, one) { return n + ' ' + one + (n === 1 ? '' : 's'); };
  var elements = [];
  data.nodes.forEach(function (n) {
    var lines = n.kind === 'group' ? [n.name, plural(data.roster, 'member')]
      : [n.name, plural(n.members, 'member') + ' seen', plural(n.events, 'event') + ' sent'];
    var longest = Math.max.apply(null, lines.map(function (l) { return l.length; }));
    elements.push({ group: 'nodes', data: { id: n.id, label: lines.join('\\n'), kind: n.kind,
      role: n.role || '', self: n.self ? 'yes' : 'no',
      w: Math.max(n.kind === 'group' ? 110 : 80, Math.round(longest * font * 0.58) + (n.kind === 'group' ? (narrow ? 24 : 36) : 20)),
      h: Math.round(lines.length * font * 1.3) + (n.kind === 'group' ? (narrow ? 24 : 40) : 16) } });
  });
  data.edges.forEach(function (e) {
    elements.push({ group: 'edges', data: { id: e.id, source: e.source, target: e.target, kind: e.kind,
      label: e.kind === 'events' ? plural(e.count, 'event') : '',
      weight: e.kind === 'events' ? Math.min(10, 2 + Math.log2(e.count + 1)) : 2 } });
  });
  var cy = cytoscape({
    container: box,
    elements: elements,
    wheelSensitivity: 0.3,
    boxSelectionEnabled: false,
    minZoom: 0.4,
    maxZoom: 2,
    style: [
      { selector: 'node', style: { 'label': 'data(label)', 'text-wrap': 'wrap', 'text-valign': 'center', 'text-halign': 'center',
        'font-size': font, 'line-height': 1.3, 'color': '#1c2430', 'width': 'data(w)', 'height': 'data(h)',
        'shape': 'round-rectangle', 'background-color': '#e3ecfb', 'border-width': 2, 'border-color': '#2f5fb0' } },
      { selector: 'node[kind = "group"]', style: { 'shape': 'ellipse', 'background-color': '#1c2430', 'border-color': '#1c2430',
        'color': '#ffffff', 'font-weight': 'bold' } },
      { selector: 'node[role = "authority"]', style: { 'background-color': '#fdf1d6', 'border-color': '#9c6f0d' } },
      { selector: 'node[role = "not installed"]', style: { 'background-color': '#ffffff', 'border-style': 'dashed', 'border-color': '#6b7686' } },
      { selector: 'node[self = "yes"]', style: { 'background-color': '#dff3ea', 'border-color': '#1d6b47' } },
      { selector: 'edge', style: { 'curve-style': 'bezier', 'width': 'data(weight)', 'line-color': '#9aa5b5',
        'label': 'data(label)', 'font-size': font - 1, 'color': '#1c2430', 'text-rotation': 'autorotate',
        'text-background-color': '#ffffff', 'text-background-opacity': 1, 'text-background-padding': 3,
        'text-background-shape': 'round-rectangle' } },
      { selector: 'edge[kind = "installation"]', style: { 'line-style': 'dashed' } },
      { selector: 'edge[kind = "authority"]', style: { 'line-color': '#9c6f0d', 'width': 3 } },
      { selector: 'edge[kind = "events"]', style: { 'line-color': '#d0473c', 'target-arrow-color': '#d0473c',
        'target-arrow-shape': 'triangle', 'arrow-scale': 1.2 } }
    ],
    layout: { name: 'concentric', concentric: function (n) { return n.data('kind') === 'group' ? 2 : 1; },
      levelWidth: function () { return 1; }, minNodeSpacing: narrow ? 16 : 70, spacingFactor: narrow ? 1 : 1.2,
      padding: narrow ? 8 : 32, startAngle: Math.PI * 1.5, animate: false }
  });
  cy.one('render', function () { box.setAttribute('data-rendered', String(cy.nodes().length)); });
  window.cyMap = cy;
})();
`

const when = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
})
const human = (instant: string) => `${when.format(new Date(instant))} UTC`

/** The map page; `undefined` when the dashboard follows no group yet. */
export function renderMap(map: GroupMap | undefined, period: Period): string {
  const periods = (Object.keys(PERIODS) as Period[])
    .map((p) => {
      const query = new URLSearchParams({
        ...(map === undefined ? {} : { group: map.group.id }),
        period: p,
      })
      const current = p === period ? ' aria-current="page"' : ''
      return `<li><a href="/map?${esc(query.toString())}"${current}>${PERIOD_LABELS[p]}</a></li>`
    })
    .join('')
  const head =
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${esc(map === undefined ? 'Map' : `Map of ${map.group.name}`)}</title>` +
    `<style>${STYLE}</style></head><body>`
  const top = `<nav class="top" aria-label="Dashboard"><a href="/">Notifications</a><a href="/map.json${map === undefined ? '' : `?${esc(new URLSearchParams({ group: map.group.id, period }).toString())}`}">This map as JSON</a></nav>`
  if (map === undefined) {
    return `${head}<header>${top}<h1>Map</h1></header><main><p>The dashboard follows no group yet.</p></main></body></html>`
  }
  const tools = map.nodes.filter((n) => n.kind === 'tool')
  const nameOf = (id: string) => map.nodes.find((n) => n.id === id)?.name ?? id
  const groupPicker =
    map.groups.length < 2
      ? ''
      : `<form method="get" action="/map"><label>Group <select name="group" onchange="this.form.submit()">${map.groups
          .map(
            (g) =>
              `<option value="${esc(g.id)}"${g.id === map.group.id ? ' selected' : ''}>${esc(g.name)}</option>`,
          )
          .join(
            '',
          )}</select></label><input type="hidden" name="period" value="${esc(period)}"> <noscript><button>Show</button></noscript></form>`
  const toolRows = tools
    .map(
      (t) =>
        `<tr data-tool="${esc(t.id)}"><th scope="row">${esc(t.name)}${t.self === true ? ' (this dashboard)' : ''}` +
        `<span class="role">${t.role === undefined ? '' : ROLE_LABELS[t.role]}</span><code>${esc(t.id)}</code></th>` +
        `<td class="n">${String(t.members ?? 0)}</td><td class="n">${String(t.active ?? 0)}</td>` +
        `<td class="n">${String(t.events ?? 0)}</td></tr>`,
    )
    .join('')
  const flowRows = map.flows
    .map(
      (f) =>
        `<tr><td>${esc(nameOf(f.source))}</td><td><code title="${esc(f.type)}">${esc(shortType(f.type))}</code></td><td class="n">${String(f.count)}</td></tr>`,
    )
    .join('')
  const edgeRows = map.edges
    .map(
      (e) =>
        `<tr data-edge="${esc(e.kind)}"><td>${esc(nameOf(e.source))}</td><td>${esc(nameOf(e.target))}</td>` +
        `<td>${e.kind === 'events' ? `events (${plural(e.count ?? 0, 'event')})` : e.kind === 'authority' ? 'holds the group (authority)' : 'uses the tool (installation)'}</td></tr>`,
    )
    .join('')
  const total = map.flows.reduce((n, f) => n + f.count, 0)
  const summary =
    `${map.group.name}: ${plural(map.roster, 'member')}, ${plural(tools.length, 'tool')}, ` +
    `${plural(total, 'event')} to this dashboard in the period (${PERIOD_LABELS[period].toLowerCase()}).`
  // `<` is escaped so that no string in the data can end the script element.
  const data = JSON.stringify(map).replaceAll('<', '\\u003c')
  return (
    `${head}<header>${top}<h1>Map of ${esc(map.group.name)}</h1>` +
    `<p>The tools the group uses, how many of its members each one sees, and the events each sent ` +
    `to this dashboard: ${PERIOD_LABELS[period].toLowerCase()}, up to ` +
    `<time datetime="${esc(map.generated)}" title="${esc(map.generated)}">${esc(human(map.generated))}</time>.</p>${groupPicker}` +
    `<nav aria-label="Period"><ul class="periods">${periods}</ul></nav></header>` +
    `<main><figure><div id="map" role="img" aria-label="${esc(summary)} The same data is in the tables below."></div>` +
    `<figcaption><ul class="legend">` +
    `<li><span style="border-color:#9c6f0d"></span>authority of the group</li>` +
    `<li><span style="border-color:#9aa5b5;border-top-style:dashed"></span>installed in the group</li>` +
    `<li><span style="border-color:#d0473c"></span>events sent to this dashboard</li></ul></figcaption></figure>` +
    `<h2 id="tools">Tools</h2><div class="table-wrap"><table aria-labelledby="tools"><thead><tr><th scope="col">Tool</th>` +
    `<th scope="col" class="n">Members seen</th><th scope="col" class="n">Active</th><th scope="col" class="n">Events sent</th></tr></thead>` +
    `<tbody>${toolRows}</tbody></table></div>` +
    `<h2 id="links">Links</h2><div class="table-wrap"><table aria-labelledby="links"><thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">What</th></tr></thead>` +
    `<tbody>${edgeRows}</tbody></table></div>` +
    `<h2 id="flows">Events by type</h2><div class="table-wrap"><table aria-labelledby="flows"><thead><tr><th scope="col">Tool</th><th scope="col">Type</th><th scope="col" class="n">Events</th></tr></thead>` +
    `<tbody>${flowRows === '' ? '<tr><td colspan="3">No events in this period.</td></tr>' : flowRows}</tbody></table></div></main>` +
    `<footer>Members a tool sees: the group's roster, for its authority and for a tool installed with ` +
    `<code>cta:roster</code>. Active: members who acted in the tool's events in the period.</footer>` +
    `<script type="application/json" id="map-data">${data}</script>` +
    `<script src="${CYTOSCAPE_PATH}"></script><script>${CLIENT}</script></body></html>`
  )
}
