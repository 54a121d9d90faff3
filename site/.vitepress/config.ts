import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { defineConfig } from 'vitepress'
import type { DefaultTheme } from 'vitepress'
import {
  extractRequirements,
  readManifests,
  readProfiles,
} from '../../conformance/scripts/extract-requirements.js'
import { LIVE_CASES } from '../../conformance/src/live/cases/index.js'
import { publishArtifacts } from '../src/artifacts.js'
import { readChapters } from '../src/chapters.js'
import { specMarkdown } from '../src/markdown.js'
import { GENERATED_PAGES, writeGeneratedPages } from '../src/pages.js'
import { DIST, ROOT, SITE } from '../src/paths.js'
import { splitIntoSections } from '../src/search.js'
import { specStatus } from '../src/status.js'

// The registry is extracted afresh on every build, so the site never shows stale coverage;
// `conformance/requirements.json` is the same data, committed and held by a drift test.
const registry = extractRequirements()
const profileNames = new Map(
  [...readProfiles(readFileSync(`${ROOT}spec/index.md`, 'utf8'))].map(([name, token]) => [
    token,
    name,
  ]),
)
const exampleKinds = new Map(
  readManifests()
    .flatMap((m) => [...m.examples, ...m.invalid])
    .map((e) => [e.file, (e as { kind?: string }).kind ?? ''] as const),
)
const chapters = readChapters()

for (const page of Object.keys(GENERATED_PAGES)) {
  if (existsSync(`${ROOT}spec/${page}`)) {
    throw new Error(`spec/${page} would take the place of the site's generated page ${page}`)
  }
}
// The requirements page says which requirements a live case tests (the suite's own list).
writeGeneratedPages(registry, profileNames, LIVE_CASES)

// Pages come from spec/ and site/generated/ only: everything else in the repository is excluded
// (computed, so a new top-level directory with Markdown in it never becomes a page by accident).
const entries = (dir: string): string[] =>
  readdirSync(ROOT + dir, { withFileTypes: true }).map(
    (e) => `${dir}${e.name}${e.isDirectory() ? '/**' : ''}`,
  )
const srcExclude = [
  ...entries('').filter((e) => e !== 'spec/**' && e !== 'site/**'),
  ...entries('site/').filter((e) => e !== 'site/generated/**'),
]

const reference: DefaultTheme.SidebarItem[] = [
  { text: 'Requirements and coverage', link: '/requirements' },
  { text: 'Conformance report', link: '/conformance-report' },
  { text: 'JSON Schemas', link: '/schemas/v1/', target: '_self' },
  { text: 'JSON-LD context', link: '/v1.jsonld', target: '_self' },
  { text: 'Example documents', link: '/examples/documents/', target: '_self' },
  { text: 'SDK API reference', link: '/api/', target: '_self' },
]

export default defineConfig({
  title: 'CTA Interop',
  description:
    'CTA Interop 1.0: an open interoperability protocol for collaborative tools (editor’s draft)',
  lang: 'en',
  srcDir: '..',
  srcExclude,
  rewrites: (page: string) =>
    page.startsWith('spec/')
      ? page.slice('spec/'.length)
      : page.startsWith('site/generated/')
        ? page.slice('site/generated/'.length)
        : page,
  outDir: DIST,
  cleanUrls: true,
  lastUpdated: false,
  // Links out of spec/ into schemas/ and examples/ are rewritten to published files; the test
  // suite crawls the built site and checks every link and anchor.
  ignoreDeadLinks: false,
  head: [['link', { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' }]],
  markdown: {
    config: (md) => {
      specMarkdown(md, {
        registry,
        profileNames,
        exampleKinds,
        liveCases: LIVE_CASES,
        status: specStatus(),
      })
    },
  },
  vite: {
    publicDir: `${SITE}public`,
  },
  themeConfig: {
    siteTitle: 'CTA Interop',
    nav: [
      {
        text: 'Specification',
        link: '/',
        activeMatch: '^/(?!requirements|conformance-report|registries)',
      },
      { text: 'Requirements', link: '/requirements' },
      { text: 'Registries', link: '/registries' },
      { text: 'Conformance', link: '/conformance-report' },
      { text: 'Schemas', link: '/schemas/v1/', target: '_self' },
      { text: 'SDK API', link: '/api/', target: '_self' },
    ],
    sidebar: [
      {
        text: 'Specification',
        items: chapters.map((c) => ({ text: c.title, link: c.link })),
      },
      { text: 'Conformance and reference', items: reference },
    ],
    outline: { level: [2, 3] },
    search: {
      provider: 'local',
      options: { miniSearch: { _splitIntoSections: splitIntoSections } },
    },
    docFooter: { prev: 'Previous', next: 'Next' },
    footer: {
      message: 'Editor’s draft. Generated from the repository’s spec/, schemas/ and examples/.',
    },
  },
  buildEnd() {
    publishArtifacts()
  },
})
