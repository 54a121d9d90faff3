// Group auth and membership: verifying membership assertions in a batch, as a ratio to raw Ed25519
// with node:crypto on both cores (the SDK with the optional libsodium verifier where installed); and syncing a 100,000-member roster after 1% churn, as a ratio to
// reading the whole roster.
import { createPublicKey, verify as rawVerify, type KeyObject } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Worker, isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads'
import {
  createGroupHandler,
  createMemoryDedupeStore,
  createMemoryMembershipStore,
  generateSigningKey,
  issueGroupAssertion,
  staticKeyResolver,
  syncRoster,
  toJwks,
  verifyGroupAssertion,
  type EmbeddedMembership,
  type Group,
  type MembershipStore,
  type SignatureVerifier,
  type VerifyGroupAssertionOptions,
} from '@cta-interop/sdk'
import {
  nodeSignatureVerifier,
  sodiumSignatureVerifier,
  toNodeListener,
} from '@cta-interop/sdk/node'
import { cpuPerItem, withCpu } from './lib/cpu.js'
import { alternate, roundsResult, type Bench, type BenchResult } from './lib/measure.js'

const AUTHORITY = 'https://decisions.example'
const GROUP_ID = `${AUTHORITY}/g/harbour-commons`
const TOOL = 'https://budgeting.example'
const NOW = new Date('2026-08-20T10:00:00Z')
const BATCH = 20_000
const CONCURRENCY = 64

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0

interface AssertionCorpus {
  readonly jwts: string[]
  readonly raw: { input: Buffer; signature: Buffer }[]
  readonly publicKey: KeyObject
  readonly options: Omit<VerifyGroupAssertionOptions, 'replay'>
}

/** `count` assertions about different members, from one authority key, a minute old. */
async function assertionCorpus(count: number): Promise<AssertionCorpus> {
  const key = await generateSigningKey({ kid: 'decisions-2026' })
  const jwts: string[] = []
  const raw: { input: Buffer; signature: Buffer }[] = []
  for (let i = 0; i < count; i++) {
    const jwt = await issueGroupAssertion(
      {
        sub: `${AUTHORITY}/u/member-${i}`,
        group: GROUP_ID,
        roles: ['member'],
        entitlements: ['read', 'participate', 'propose'],
        membership: `${GROUP_ID}/memberships/${i}`,
        name: `Member ${i}`,
      },
      key,
      { issuer: AUTHORITY, audience: TOOL, currentDate: new Date(NOW.getTime() - 60_000) },
    )
    jwts.push(jwt)
    const last = jwt.lastIndexOf('.')
    raw.push({
      input: Buffer.from(jwt.slice(0, last)),
      signature: Buffer.from(jwt.slice(last + 1), 'base64url'),
    })
  }
  return {
    jwts,
    raw,
    publicKey: createPublicKey({ key: key.publicJwk as never, format: 'jwk' }),
    options: {
      group: GROUP_ID,
      audience: TOOL,
      authority: AUTHORITY,
      resolveKey: staticKeyResolver([{ source: AUTHORITY, jwks: toJwks([key]) }]),
      currentDate: NOW,
    },
  }
}

/** Runs `work(i)` for every index with `CONCURRENCY` in flight; returns operations per second. */
async function pool(count: number, work: (i: number) => Promise<void>): Promise<number> {
  const start = performance.now()
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) await work(next++)
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return (count / (performance.now() - start)) * 1000
}

function rawBatch(corpus: AssertionCorpus): Promise<number> {
  return pool(corpus.raw.length, async (i) => {
    const { input, signature } = corpus.raw[i] as { input: Buffer; signature: Buffer }
    const ok = await new Promise<boolean>((resolve, reject) => {
      rawVerify(null, input, corpus.publicKey, signature, (err, valid) => {
        if (err) reject(err)
        else resolve(valid)
      })
    })
    if (!ok) throw new Error('raw verification failed')
  })
}

function sdkBatch(
  corpus: AssertionCorpus,
  verifySignature: SignatureVerifier | undefined,
): Promise<number> {
  // A fresh replay store per round: every assertion is accepted once, as a tool would.
  const replay = createMemoryDedupeStore({ now: () => NOW.getTime() })
  const options: VerifyGroupAssertionOptions = {
    ...corpus.options,
    replay,
    ...(verifySignature === undefined ? {} : { verifySignature }),
  }
  return pool(corpus.jwts.length, async (i) => {
    await verifyGroupAssertion(corpus.jwts[i] as string, options)
  })
}

// The target names raw async Ed25519 verification with node:crypto of the same signing inputs,
// 64 in flight (both cores). The SDK side uses the optional libsodium verifier where sodium-native
// is installed (stated in the notes); verify-assertion-node reports node:crypto alone.
async function verifyAssertion(): Promise<BenchResult[]> {
  const corpus = await assertionCorpus(BATCH)
  const sodium = sodiumSignatureVerifier()
  const node = nodeSignatureVerifier()
  const fastest = await alternate(
    () => withCpu(BATCH, () => sdkBatch(corpus, sodium)),
    () => withCpu(BATCH, () => rawBatch(corpus)),
    { rounds: 5, warmup: true },
  )
  await sodium.close()
  const nodeOnly = await alternate(
    () => withCpu(BATCH, () => sdkBatch(corpus, node)),
    () => withCpu(BATCH, () => rawBatch(corpus)),
    { rounds: 3, warmup: true },
  )
  const webCrypto = await sdkBatch(corpus, undefined)
  const baseline = 'raw async Ed25519 verify of the same signing inputs (node:crypto, both cores)'
  return [
    roundsResult(
      {
        name: 'verify-assertion',
        unit: 'assertions/s',
        baseline,
        target: 0.9,
        higherIsBetter: true,
        notes:
          `${BATCH} assertions, concurrency ${CONCURRENCY}, every check of verifyGroupAssertion incl. ` +
          `schema and replay store; verifier: sodiumSignatureVerifier() from @cta-interop/sdk/node, ` +
          `backend ${sodium.backend}; the target names raw node:crypto on both cores, not raw ` +
          `libsodium. 5 alternating rounds after a warm-up. ${cpuPerItem(fastest.rounds)}.`,
      },
      fastest,
    ),
    roundsResult(
      {
        name: 'verify-assertion-node',
        unit: 'assertions/s',
        baseline,
        target: null,
        higherIsBetter: true,
        notes:
          `verify-assertion without the optional verifier: nodeSignatureVerifier() (node:crypto ` +
          `on the thread pool, Buffer base64url decoding); 3 alternating rounds after a warm-up. ` +
          `${cpuPerItem(nodeOnly.rounds)}. With the default Web Crypto verifier (one run): ` +
          `${webCrypto.toFixed(0)} assertions/s (ratio ${(webCrypto / nodeOnly.baselineValue).toFixed(2)}).`,
      },
      nodeOnly,
    ),
  ]
}

// ---------------------------------------------------------------------------------------------

const MEMBERS = 100_000
const CHURN = MEMBERS / 100
const PAGE = 1000

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const group: Group = {
  '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
  id: GROUP_ID,
  type: 'Group',
  name: 'Harbour Commons',
  authority: AUTHORITY,
  joinPolicy: 'approval',
  visibility: 'public',
  rosterVisibility: 'members',
  memberships: `${GROUP_ID}/memberships`,
  tools: `${GROUP_ID}/tools`,
}

function membership(i: number, status: EmbeddedMembership['membershipStatus'] = 'active') {
  const member = `${AUTHORITY}/u/member-${i}`
  return {
    id: `${GROUP_ID}/memberships/${i}`,
    type: 'Membership' as const,
    member: { id: member, type: 'Person' as const, name: `Member ${i}` },
    organization: GROUP_ID,
    role: [`${GROUP_ID}/roles/member`],
    coreRole: 'member' as const,
    membershipStatus: status,
    startTime: '2026-08-20T09:00:00Z',
  }
}

/** 1% churn: a quarter each of joins, leaves, role changes and removals. */
async function churn(store: MembershipStore, round: number, next: { id: number }): Promise<void> {
  for (let k = 0; k < CHURN; k++) {
    const i = (round * 7919 + k * 97) % MEMBERS
    const current = await store.getMembership(GROUP_ID, `${AUTHORITY}/u/member-${i}`)
    switch (k % 4) {
      case 0:
        await store.putMembership(membership(next.id++))
        break
      case 1:
        if (current !== undefined)
          await store.putMembership({ ...current, membershipStatus: 'left' })
        break
      case 2:
        if (current !== undefined) {
          await store.putMembership({
            ...current,
            coreRole: 'moderator',
            updated: '2026-08-21T09:00:00Z',
          })
        }
        break
      default:
        if (current !== undefined)
          await store.putMembership({ ...current, membershipStatus: 'removed' })
    }
  }
}

/** Time and peak heap growth of one sync, with the heap measured after every page. */
async function measure(
  run: (onPage: () => void) => Promise<unknown>,
): Promise<{ ms: number; peakMiB: number }> {
  gc()
  const base = process.memoryUsage().heapUsed
  let peak = base
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().heapUsed)
  }
  const start = performance.now()
  await run(sample)
  const ms = performance.now() - start
  sample()
  return { ms, peakMiB: (peak - base) / 2 ** 20 }
}

/** The authority, in a worker thread of its own: store, churn and group endpoints over HTTP. */
async function serveAuthority(): Promise<void> {
  const port = parentPort as MessagePort
  const store = createMemoryMembershipStore()
  await store.putGroup(group)
  for (let i = 0; i < MEMBERS; i++) await store.putMembership(membership(i))
  await store.putInstallation({
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
    id: `${GROUP_ID}/tools/budgeting`,
    type: 'ToolInstallation',
    organization: GROUP_ID,
    tool: TOOL,
    scopes: ['cta:roster'],
    published: '2026-08-01T00:00:00Z',
    installationStatus: 'active',
  })
  const handler = createGroupHandler({ store, authenticate: () => TOOL, pageSize: PAGE })
  const server = createServer(toNodeListener(handler, { origin: AUTHORITY }))
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve)
  })
  const next = { id: MEMBERS }
  port.on('message', (message: { op: string; round?: number }) => {
    void (async () => {
      if (message.op === 'churn') {
        await churn(store, message.round ?? 0, next)
        port.postMessage({ op: 'churned' })
      } else if (message.op === 'roster') {
        const rows: string[] = []
        for (let after = 0, more = true; more;) {
          const slice = await store.listMemberships(GROUP_ID, {
            after,
            limit: 10_000,
            current: true,
          })
          for (const m of slice.items) rows.push(`${m.id} ${m.membershipStatus} ${m.coreRole}`)
          after = slice.last
          more = slice.more
        }
        port.postMessage({ op: 'roster', rows: rows.sort() })
      } else {
        server.closeAllConnections()
        server.close()
        port.close()
      }
    })()
  })
  port.postMessage({ op: 'listening', port: (server.address() as AddressInfo).port })
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === 'authority') {
  await serveAuthority()
}

async function rosterSync(): Promise<BenchResult> {
  // The authority runs in its own thread (its own heap), so the heap measured here is the tool's.
  // The worker loads this very file, through tsx as the parent does.
  const self = JSON.stringify(import.meta.url)
  const authority = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${self}) })`,
    { eval: true, workerData: { role: 'authority' } },
  )
  const reply = <T>(op: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: { op: string } & T): void => {
        if (message.op !== op) return
        authority.off('message', onMessage)
        resolve(message)
      }
      authority.on('message', onMessage)
      authority.once('error', reject)
    })
  const { port } = await reply<{ port: number }>('listening')
  const origin = `http://127.0.0.1:${port}`
  // The tool reaches the authority on loopback: the group's URLs are rewritten to the server.
  const options = {
    accessToken: 'tool-token',
    fetch: ((url: string, init?: RequestInit) =>
      fetch(url.replace(AUTHORITY, origin), init)) as typeof fetch,
  }

  try {
    // Full read (baseline) and incremental sync after a churn (subject) alternate, 3 rounds after
    // a full read that seeds the tool's roster; each incremental sync starts from the last roster.
    let state = (await syncRoster(group, options)).state
    if (state.members.size !== MEMBERS) throw new Error('the full read missed memberships')
    let received = 0
    let churns = 0
    const rounds = await alternate(
      async () => {
        const churned = reply('churned')
        authority.postMessage({ op: 'churn', round: churns++ })
        await churned
        const before = state
        const m = await measure(async (onPage) => {
          const synced = await syncRoster(before, { ...options, onPage })
          state = synced.state
          received = synced.received
        })
        return { value: m.ms, detail: { peakMiB: m.peakMiB } }
      },
      async () => {
        const m = await measure(async (onPage) => {
          state = (await syncRoster(group, { ...options, onPage })).state
        })
        return { value: m.ms, detail: { peakMiB: m.peakMiB } }
      },
      { rounds: 3 },
    )
    // The synced copy must equal the authority's roster.
    const truth = reply<{ rows: string[] }>('roster')
    authority.postMessage({ op: 'roster' })
    const { rows } = await truth
    const held = [...state.members.values()]
      .map((m) => `${m.id} ${m.membershipStatus} ${m.coreRole}`)
      .sort()
    if (held.length !== rows.length || held.some((row, i) => row !== rows[i])) {
      throw new Error('the synced roster differs from the authority’s')
    }

    const peak = (detail: unknown) => (detail as { peakMiB: number }).peakMiB
    const fullMiB = median(rounds.rounds.map((r) => peak(r.baselineDetail)))
    const incMiB = median(rounds.rounds.map((r) => peak(r.detail)))
    return roundsResult(
      {
        name: 'roster-sync',
        unit: 'ms (incremental sync after 1% churn)',
        baseline: `full read of a ${MEMBERS.toLocaleString('en')}-member roster, ms`,
        target: 0.05,
        higherIsBetter: false,
        notes:
          `${CHURN} changes per round (joins, leaves, role changes, removals), ${received} memberships ` +
          `received; pages of ${PAGE} over HTTP on loopback, the authority in a worker thread; ` +
          `3 alternating rounds. Peak heap growth of the tool: incremental ${incMiB.toFixed(1)} MiB vs ` +
          `full ${fullMiB.toFixed(1)} MiB (ratio ${(incMiB / fullMiB).toFixed(3)}; the full read ` +
          `includes the roster it keeps). Synced roster checked equal to the authority's.`,
      },
      rounds,
    )
  } finally {
    authority.postMessage({ op: 'stop' })
    await authority.terminate()
  }
}

export const run: Bench = async () => [...(await verifyAssertion()), await rosterSync()]
