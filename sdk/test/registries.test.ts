// spec/registries.md and the SDK agree, both ways: every name the SDK defines in a namespace that
// is registered (typ media types, the well-known URI, the authentication scheme, the OAuth
// parameter, the JWT claims) or that the protocol keeps (event types, profile tokens) has an
// entry, and every entry is a name the SDK defines.
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as sdk from '../src/index.js'
import { MembershipAssertionClaims } from '../src/schemas/assertion.js'
import { coreEvents } from '../src/schemas/events.js'
import { Profile } from '../src/schemas/tool.js'

const spec = (file: string): string =>
  readFileSync(new URL(`../../spec/${file}`, import.meta.url), 'utf8')
const registries = spec('registries.md')

/** The section of registries.md under a level-2 heading, up to the next one. */
function section(title: string): string {
  const start = registries.indexOf(`\n## ${title}\n`)
  expect(start, title).toBeGreaterThan(-1)
  const end = registries.indexOf('\n## ', start + 1)
  return registries.slice(start, end === -1 ? undefined : end)
}

/** The first column of every table row of a section (without the code ticks), header skipped. */
function firstColumn(title: string): string[] {
  return [...section(title).matchAll(/^\| `([^`]+)` \|.*\n(?!\| --- )/gm)].map((m) => m[1] ?? '')
}

/** Every `export const X_TYP = '…'` in the SDK's sources, exported from the package or not. */
function typConstants(): string[] {
  const src = new URL('../src/', import.meta.url)
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => [
      ...readFileSync(new URL(file, src), 'utf8').matchAll(/^export const \w+_TYP = '([^']+)'/gm),
    ])
    .map((m) => m[1] ?? '')
}

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort()

describe('the registries chapter', () => {
  it('[EVT-SIG-003] lists exactly the typ values the SDK signs and checks, each as application/<typ>', () => {
    const typs = typConstants()
    for (const [name, value] of Object.entries(sdk)) {
      if (name.endsWith('_TYP')) expect(typs, name).toContain(value)
    }
    expect(typs.length).toBeGreaterThanOrEqual(4)
    expect(sorted(firstColumn('Media types'))).toEqual(sorted(typs))
    for (const typ of typs) {
      expect(section('Media types')).toContain(`| \`${typ}\` | \`application/${typ}\` |`)
    }
  })

  it('registers the well-known URI the SDK serves manifests at', () => {
    expect(sdk.TOOL_MANIFEST_PATH).toBe('/.well-known/cta-tool')
    expect(section('Well-known URI')).toContain('| URI suffix | `cta-tool` |')
  })

  it('registers the HTTP authentication scheme of request tokens', () => {
    expect(section('HTTP authentication scheme')).toContain(
      `| Authentication Scheme Name | \`${sdk.REQUEST_AUTH_SCHEME}\` |`,
    )
  })

  it('registers the OAuth authorization request parameter and names both scopes', () => {
    const oauth = section('OAuth parameter')
    expect(oauth).toContain(`| Parameter name | \`${sdk.GROUP_PARAMETER}\` |`)
    expect(oauth).toContain(`\`${sdk.MEMBERSHIP_SCOPE}\``)
    expect(oauth).toContain(`\`${sdk.ROSTER_SCOPE}\``)
  })

  it('registers every cta_ claim of the assertion schema and of the group auth chapter, and no other', () => {
    const inSchema = Object.keys(MembershipAssertionClaims.properties).filter((c) =>
      c.startsWith('cta_'),
    )
    const inText = [...spec('group-auth.md').matchAll(/`(cta_[a-z]+)`/g)]
      .map((m) => m[1] ?? '')
      .filter((c) => c !== sdk.GROUP_PARAMETER)
    expect(inSchema.length).toBeGreaterThanOrEqual(3)
    expect(sorted(firstColumn('JWT claims'))).toEqual(sorted([...inSchema, ...inText]))
  })

  it('lists exactly the core event types of the SDK', () => {
    const types = Object.keys(coreEvents).map((suffix) => `tech.collaborative.${suffix}`)
    const listed = firstColumn('Event types')
    expect(listed.length).toBe(new Set(listed).size)
    expect(sorted(listed)).toEqual(sorted(types))
  })

  it('lists exactly the profile tokens a manifest may claim, as the index names them', () => {
    const tokens = Profile.anyOf.map((literal) => literal.const)
    expect(tokens.length).toBeGreaterThanOrEqual(6)
    expect(sorted(firstColumn('Profile tokens'))).toEqual(sorted(tokens))
    const index = spec('index.md')
    for (const token of tokens) expect(index, token).toContain(`| \`${token}\` |`)
  })
})
