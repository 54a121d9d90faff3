import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { Tool } from '../node/index.js'
import { ROOT } from './helpers/documents.js'
import { codeLines, quickstartBlocks } from './helpers/quickstart.js'

// The README's quickstart, run as written (its import pointed at this checkout's source): two tools
// on 127.0.0.1, Board subscribes to Notes, Notes emits, and the event reaches Board once. Starting
// the in-memory PGlite database the tools share costs seconds of CPU: hence the longer timeout.
const [quickstart = ''] = quickstartBlocks()

describe('the SDK README quickstart', () => {
  const closing: Tool[] = []
  afterAll(async () => {
    await Promise.all(closing.map((tool) => tool.close()))
  })

  it('is at most 25 lines, and a vendor writes nothing else', () => {
    expect(quickstart.trimEnd().split('\n').length).toBeLessThanOrEqual(25)
    expect(codeLines(quickstart)).toBeLessThanOrEqual(25)
    expect(quickstart).toContain("from '@cta-interop/sdk/node'")
  })

  it('delivers the event Notes emits to Board exactly once', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
    const file = join(mkdtempSync(join(tmpdir(), 'cta-quickstart-')), 'quickstart.ts')
    writeFileSync(
      file,
      `${quickstart.replace("'@cta-interop/sdk/node'", `'${ROOT}sdk/node/index.ts'`)}\n` +
        'export { notes, board, group, type }\n',
    )
    const { notes, board, group, type } = (await import(file)) as {
      notes: Tool
      board: Tool
      group: string
      type: string
    }
    closing.push(notes, board)
    const received = () => log.mock.calls.filter((call) => call[0] === 'received')
    await vi.waitFor(() => {
      expect(received()).toHaveLength(1)
    }, 10_000)
    // Nothing more is due at Notes, and reading its feed again finds the event already processed.
    await notes.flush()
    const again = await board.subscribe(notes.origin, { group, types: [type] })
    expect(again.processed).toBe(0)
    expect(received()).toHaveLength(1)
    expect(received()[0]?.[1]).toBe(type)
    // The two tools share the process's in-memory PGlite, a schema each: one closing leaves the other.
    await notes.close()
    expect(await board.store.listSubscriptions({ group })).toEqual([])
    log.mockRestore()
  }, 90_000)
})
