// Debian's Chromium as every browser test here opens it: the project's flags and a fresh profile
// (playwright passes it as --user-data-dir), removed again on close. Never a downloaded browser.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
]

/** A browser context on a fresh profile; `close` ends it and removes the profile. */
export async function openChromium(
  options: { readonly bypassCSP?: boolean } = {},
): Promise<{ readonly context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'cta-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    ...(options.bypassCSP === true ? { bypassCSP: true } : {}),
    args: ARGS,
  })
  return {
    context,
    async close() {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    },
  }
}
