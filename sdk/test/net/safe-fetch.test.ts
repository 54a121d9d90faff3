// createSafeFetch against real listeners on loopback: a refused request must never reach the
// listener's socket, so each test counts the connections the server accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSafeFetch } from '../../node/index.js'
import { listen, lookupOf, type Listener } from './loopback.js'

let v4: Listener
let v6: Listener
beforeAll(async () => {
  v4 = await listen()
  v6 = await listen(undefined, '::1')
})
afterAll(async () => {
  await v4.close()
  await v6.close()
})

const connections = () => v4.connections() + v6.connections()

describe('createSafeFetch', () => {
  it('[SEC-SSRF-002] refuses loopback address literals before connecting (Node never looks them up)', async () => {
    const safe = createSafeFetch()
    const before = connections()
    for (const url of [
      `http://127.0.0.1:${v4.port}/`,
      `http://127.1:${v4.port}/`,
      `http://[::ffff:127.0.0.1]:${v4.port}/`,
      `http://[::1]:${v6.port}/`,
    ]) {
      await expect(safe(url), url).rejects.toMatchObject({ code: 'ERR_ADDRESS_NOT_ALLOWED' })
    }
    expect(connections() - before).toBe(0)
  })

  it('[SEC-SSRF-001] refuses a host name that resolves to loopback, and connects when private networks are allowed', async () => {
    const lookup = lookupOf({
      'internal.test': [{ address: '127.0.0.1', family: 4 }],
      'internal6.test': [{ address: '::1', family: 6 }],
    })
    const before = connections()
    const strict = createSafeFetch({ lookup })
    await expect(strict(`http://internal.test:${v4.port}/`)).rejects.toMatchObject({
      code: 'ERR_ADDRESS_NOT_ALLOWED',
    })
    await expect(strict(`http://internal6.test:${v6.port}/`)).rejects.toMatchObject({
      code: 'ERR_ADDRESS_NOT_ALLOWED',
    })
    expect(connections() - before).toBe(0)
    // The same names reach the listeners when allowed: the refusal above is the guard's.
    const allowed = createSafeFetch({ lookup, allowPrivateNetwork: true })
    expect((await allowed(`http://internal.test:${v4.port}/`)).status).toBe(200)
    expect((await allowed(`http://internal6.test:${v6.port}/`)).status).toBe(200)
    expect(connections() - before).toBe(2)
  })

  it('[SEC-SSRF-002] refuses a name when any one of its addresses is non-public, not only the first', async () => {
    const safe = createSafeFetch({
      lookup: lookupOf({
        'mixed.test': [
          { address: '93.184.216.34', family: 4 },
          { address: '127.0.0.1', family: 4 },
        ],
      }),
    })
    const before = connections()
    await expect(safe(`http://mixed.test:${v4.port}/`)).rejects.toMatchObject({
      code: 'ERR_ADDRESS_NOT_ALLOWED',
    })
    expect(connections() - before).toBe(0)
  })

  it('[SEC-SSRF-003] refuses a name that resolves to an IPv6 form carrying a loopback or private IPv4 address', async () => {
    const forms = [
      '::ffff:127.0.0.1',
      '::ffff:0:127.0.0.1',
      '64:ff9b::7f00:1',
      '2002:7f00:1::1',
      '2002:a00:1::1',
    ]
    const safe = createSafeFetch({
      lookup: lookupOf(
        Object.fromEntries(forms.map((a, i) => [`n${i}.test`, [{ address: a, family: 6 }]])),
      ),
    })
    const before = connections()
    for (const [i, address] of forms.entries()) {
      await expect(safe(`http://n${i}.test:${v4.port}/`), address).rejects.toMatchObject({
        code: 'ERR_ADDRESS_NOT_ALLOWED',
      })
    }
    expect(connections() - before).toBe(0)
  })

  it('[SEC-SSRF-001] connects to a loopback literal only when private networks are allowed', async () => {
    const before = connections()
    const allowed = createSafeFetch({ allowPrivateNetwork: true })
    expect((await allowed(`http://127.0.0.1:${v4.port}/`)).status).toBe(200)
    expect((await allowed(`http://[::1]:${v6.port}/`)).status).toBe(200)
    expect(connections() - before).toBe(2)
  })
})
