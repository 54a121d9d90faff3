import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryDedupeStore, signEvent } from '../../src/index.js'
import { createNodeInbox } from '../../node/index.js'
import { NOW, joinedEvent, keys } from '../helpers/events.js'

const { key, resolveKey } = await keys()

describe('createNodeInbox', () => {
  let server: Server
  let url = ''
  beforeAll(async () => {
    server = createServer(
      createNodeInbox({
        speaksFor: 'any-source',
        resolveKey,
        dedupe: createMemoryDedupeStore({ now: () => NOW.getTime() }),
        currentDate: NOW,
        onEvent: () => undefined,
      }),
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/inbox`
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  const post = (body: BodyInit) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/jose' }, body })

  it('[EVT-JSON-001] refuses a body that is not UTF-8, each time, and accepts valid events between refusals', async () => {
    // One strict decoder serves every request: a refusal must leave nothing behind for the next.
    const notUtf8 = new Uint8Array([0x65, 0x79, 0xff, 0xfe, 0x2e, 0xc3])
    for (let i = 0; i < 2; i++) {
      const refused = await post(notUtf8)
      expect(refused.status).toBe(400)
      expect(((await refused.json()) as { type: string }).type).toBe(
        'https://w3id.org/cta/errors#ERR_JSON_INVALID',
      )
      const accepted = await post(await signEvent(joinedEvent(), key))
      expect(accepted.status).toBe(202)
    }
  })
})
