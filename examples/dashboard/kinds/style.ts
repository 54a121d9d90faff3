// The styles of the profiles' kinds: tallies, progress bars, options, status badges. Every colour
// pair here has a contrast of at least 4.5:1; bars are decoration (aria-hidden) beside their text.

/** CSS for the kinds' HTML, added to the page's own. */
export const KINDS_CSS = `.kind-details{font-size:.9rem;color:#3d4650;margin:.15rem 0 0}
.kind-details.reason,.kind-details.statement{font-style:italic}
.kind-options{display:flex;flex-wrap:wrap;gap:.25rem;margin:.3rem 0 0;padding:0;list-style:none}
.kind-options li{font-size:.85rem;border:1px solid #8a94a0;border-radius:999px;padding:0 .55rem;background:#fff}
.kind-status{display:inline-block;font-size:.75rem;font-weight:600;border-radius:3px;padding:0 .4rem;background:#e8ebef;color:#2b333c}
.status-funded,.status-completed,.status-agreed{background:#dff3e4;color:#0a5a26}
.status-cancelled,.status-blocked,.status-disagreed{background:#fbe3e1;color:#8a1c1c}
.status-open,.status-assigned,.status-published{background:#e3ecf7;color:#16427a}
.status-tied,.status-noquorum,.status-idea{background:#fbf0d9;color:#6b4a00}
.tally,.progress{margin:.35rem 0 .1rem;max-width:36rem}
.tally-bars{list-style:none;margin:.3rem 0 0;padding:0}
.tally-row{display:grid;grid-template-columns:minmax(6rem,12rem) minmax(3rem,1fr) 8.5rem;gap:.5rem;align-items:center;font-size:.9rem;padding:.1rem 0}
.tally-row.winner .tally-name{font-weight:700}
.win{font-size:.75rem;font-weight:600;color:#0a5a26;white-space:nowrap}
.tally-count{font-variant-numeric:tabular-nums;color:#3d4650;white-space:nowrap}
.bar{position:relative;display:block;height:.7rem;background:#e8ebef;border-radius:999px;overflow:hidden;min-width:3rem}
.bar .fill{display:block;height:100%;background:#1a5fb4;border-radius:999px}
.winner .bar .fill{background:#0a6b2d}
.progress .bar{height:.85rem;overflow:visible}
.progress .fill{background:#0a6b2d}
.min-mark{position:absolute;top:-.2rem;bottom:-.2rem;width:2px;background:#1d232a}
.progress-text{font-size:.9rem;margin:.25rem 0 0;color:#1d232a}
.tally-rounds{list-style:none;margin:.3rem 0 0;padding:0;font-size:.85rem;color:#3d4650}
.decides{margin:.3rem 0 0;font-size:.9rem}.decides span{font-weight:600}
.decides ul{margin:0;padding-left:1.1rem;list-style:disc}
.date{white-space:nowrap}
@media (max-width:30rem){.tally-row{grid-template-columns:1fr auto}.tally-row .bar{grid-column:1/-1;grid-row:2}}`
