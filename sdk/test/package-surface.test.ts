import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ROOT } from './helpers/documents.js'

const SDK = `${ROOT}sdk/`
const built = existsSync(`${SDK}dist/index.js`)

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.(ts|js)$/.test(f))
    .map((f) => `${dir}${f}`)
}

describe('the SDK source', () => {
  it('imports no Node built-in (it must run in browsers, Deno and Workers)', () => {
    const offenders = sourceFiles(`${SDK}src/`).filter((file) =>
      /from\s+['"]node:|require\(['"]node:|import\(['"]node:/.test(readFileSync(file, 'utf8')),
    )
    expect(offenders).toEqual([])
  })
})

describe.skipIf(!built)('the built SDK (run `npm run build` first)', () => {
  const dist = `${SDK}dist/`
  const js = readdirSync(dist).filter((f) => f.endsWith('.js'))

  it('contains no eval( or new Function(', () => {
    for (const file of js) {
      expect(readFileSync(dist + file, 'utf8'), file).not.toMatch(/\beval\(|new Function\(/)
    }
  })

  it('keeps TypeBox and jsonld out of the main entry and the chunks it imports', () => {
    const seen = new Set<string>()
    const visit = (file: string): void => {
      if (seen.has(file)) return
      seen.add(file)
      const code = readFileSync(dist + file, 'utf8')
      expect(code, file).not.toMatch(/from ['"](@sinclair\/typebox|jsonld)[^'"]*['"]/)
      for (const m of code.matchAll(/(?:from|import)\s*\(?['"]\.\/([^'"]+)['"]/g)) visit(m[1] ?? '')
    }
    visit('index.js')
    expect(seen.size).toBeGreaterThan(0)
    // The subpaths do load them: the check above would notice if the graph walk found nothing.
    expect(readFileSync(`${dist}jsonld.js`, 'utf8')).toMatch(/from ['"]jsonld['"]/)
  })

  it('resolves every entry point of the exports map', async () => {
    const pkg = JSON.parse(readFileSync(`${SDK}package.json`, 'utf8')) as {
      exports: Record<string, { types: string; default: string } | string>
    }
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue
      expect(existsSync(SDK + target.types), `${subpath} types`).toBe(true)
      const mod = (await import(SDK + target.default)) as Record<string, unknown>
      expect(Object.keys(mod).length, subpath).toBeGreaterThan(0)
    }
  })

  it('is imported by name from the workspace, through its exports map', async () => {
    const sdk = (await import('@cta-interop/sdk')) as Record<string, unknown>
    expect(typeof sdk['validateDocument']).toBe('function')
    const deep = '@cta-interop/sdk/dist/index.js'
    await expect(import(/* @vite-ignore */ deep)).rejects.toThrow(
      /not exported|ERR_PACKAGE_PATH_NOT_EXPORTED/,
    )
  })
})
