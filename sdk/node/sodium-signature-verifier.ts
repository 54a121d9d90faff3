import { KeyObject } from 'node:crypto'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { ResolvedKey, SignatureVerifier } from '@cta-interop/sdk'
import { nodeBase64urlDecoder } from './node-base64url-decoder.js'
import { nodeSignatureVerifier } from './node-signature-verifier.js'

/** Options of {@link sodiumSignatureVerifier}. */
export interface SodiumSignatureVerifierOptions {
  /**
   * Worker threads verifying Ed25519 signatures. Default: one fewer than
   * `os.availableParallelism()` (at least one), because the calling thread verifies too.
   */
  readonly threads?: number
  /** Most signatures sent to a worker in one message. Default 16. */
  readonly batch?: number
  /**
   * Whether the calling thread verifies queued signatures itself, one at a time between I/O
   * callbacks, while every worker already holds three batches. Default `true`: on two cores one
   * worker plus the calling thread verified a batch of events at 0.91 of the rate of raw
   * `node:crypto` on both cores (median of 7 rounds in `npm run bench`), two workers alone at
   * 0.78 (three threads sharing two cores).
   */
  readonly callerThread?: boolean
}

/** A {@link SignatureVerifier} whose Ed25519 checks run in a pool of worker threads. */
export type PooledSignatureVerifier = SignatureVerifier & {
  /**
   * What verifies Ed25519 signatures: `sodium-native` in worker threads, or `node:crypto` on the
   * thread pool when `sodium-native` could not be loaded.
   */
  readonly backend: 'sodium-native' | 'node:crypto'
  /** How many Ed25519 signatures were verified so far in the workers and on the calling thread. */
  stats(): { readonly workers: number; readonly caller: number }
  /** Stops the worker threads; later calls start them again. */
  close(): Promise<void>
}

interface Pending {
  readonly key: Uint8Array
  readonly input: Uint8Array
  readonly signature: Uint8Array
  readonly resolve: (ok: boolean) => void
  readonly reject: (error: unknown) => void
}

interface PoolWorker {
  readonly thread: Worker
  /** Batches sent and not answered, by id. */
  readonly batches: Map<number, Pending[]>
  /** Signatures in those batches. */
  pending: number
}

const positive = (value: number | undefined, name: string, fallback: number): number => {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`${name} must be a positive integer`)
  return value
}

type VerifyDetached = (signature: Uint8Array, input: Uint8Array, key: Uint8Array) => boolean

/** libsodium's detached Ed25519 verification, or `undefined` if `sodium-native` cannot be loaded. */
function loadSodium(): VerifyDetached | undefined {
  try {
    const sodium = createRequire(import.meta.url)('sodium-native') as Record<string, unknown>
    const verify = sodium['crypto_sign_verify_detached']
    return typeof verify === 'function' ? (verify as VerifyDetached) : undefined
  } catch {
    return undefined
  }
}

/** The 32 bytes of an Ed25519 public key, or `undefined` if it is not one. */
function rawEd25519Key(key: unknown): Uint8Array | undefined {
  const jwk =
    key instanceof CryptoKey
      ? (KeyObject.from(key).export({ format: 'jwk' }) as Record<string, unknown>)
      : (key as Record<string, unknown>)
  if (jwk['kty'] !== 'OKP' || jwk['crv'] !== 'Ed25519' || typeof jwk['x'] !== 'string') {
    return undefined
  }
  const bytes = nodeBase64urlDecoder().bytes(jwk['x'])
  return bytes?.length === 32 ? bytes : undefined
}

/**
 * A signature verifier for `verifyEvent`, `verifyEvents`, the inbox and `verifyGroupAssertion`
 * that checks Ed25519 signatures with libsodium (`sodium-native`, an optional peer dependency) in
 * a pool of worker threads, one fewer than the cores by default. On this project's 2-core
 * benchmark machine libsodium verifies Ed25519 about 1.6 times as fast as `node:crypto`, which is
 * what lets a batch of events, with all the other checks, verify at nearly the rate of raw
 * `node:crypto` on both cores. Signatures are sent to the workers in batches (one transferred
 * buffer per batch); when every worker already holds three batches, the calling thread verifies
 * queued signatures itself, one at a time between I/O callbacks (`callerThread`), so that a
 * single verification still goes to a worker and a flood keeps every core busy. The workers do
 * not keep the process alive while idle.
 *
 * Without `sodium-native` (not installed, or no binary for this platform) it falls back to
 * {@link nodeSignatureVerifier} and says so in `backend`. ES256 signatures always go to
 * `node:crypto`. libsodium is stricter than OpenSSL on Ed25519 (it refuses small-order and
 * non-canonical points), which only refuses signatures no honest signer makes; a wrong signature
 * or an unusable key verifies nothing (`false`), as with every verifier. Like
 * {@link nodeSignatureVerifier}, it brings {@link nodeBase64urlDecoder} as its `base64url`.
 *
 * @param options `threads` (default `os.availableParallelism() - 1`, at least 1), `batch`
 *   (default 16), `callerThread` (default `true`).
 * @returns A {@link PooledSignatureVerifier}; call `close()` to stop its workers.
 * @throws {TypeError} When `threads` or `batch` is not a positive integer. A verification whose
 *   worker thread dies rejects with the worker's error (not a `ProtocolError`).
 * @example
 * ```ts
 * import { verifyEvents } from '@cta-interop/sdk'
 * import { sodiumSignatureVerifier } from '@cta-interop/sdk/node'
 * const verifySignature = sodiumSignatureVerifier()
 * const outcomes = await verifyEvents(page.items, { resolveKey, dedupe, verifySignature })
 * await verifySignature.close()
 * ```
 * @see {@link https://w3id.org/cta/spec/events#EVT-SIG-001 EVT-SIG-001}
 */
export function sodiumSignatureVerifier(
  options: SodiumSignatureVerifierOptions = {},
): PooledSignatureVerifier {
  const threads = positive(options.threads, 'threads', Math.max(1, availableParallelism() - 1))
  const batchSize = positive(options.batch, 'batch', 16)
  const callerThread = options.callerThread ?? true
  const fallback = nodeSignatureVerifier()
  const base64url = nodeBase64urlDecoder()
  const verifyDetached = loadSodium()
  if (verifyDetached === undefined) {
    return Object.assign(
      (key: ResolvedKey, input: Uint8Array, signature: Uint8Array) =>
        fallback(key, input, signature),
      {
        base64url,
        backend: 'node:crypto' as const,
        stats: () => ({ workers: 0, caller: 0 }),
        close: () => Promise.resolve(),
      },
    )
  }

  const keys = new WeakMap<object, Uint8Array | null>()
  const workers: PoolWorker[] = []
  /** Signatures asked for and not yet sent or verified: `queue[head]` onwards. */
  let queue: Pending[] = []
  let head = 0
  let scheduled = false
  let nextId = 0
  const counts = { workers: 0, caller: 0 }
  /** Signatures a worker may hold before the calling thread verifies the next one itself. */
  const full = 3 * batchSize

  const spawn = (): PoolWorker => {
    const thread = new Worker(new URL('./sodium-worker.js', import.meta.url))
    thread.unref()
    const worker: PoolWorker = { thread, batches: new Map(), pending: 0 }
    thread.on('message', ({ id, results }: { id: number; results: Uint8Array }) => {
      const batch = worker.batches.get(id)
      if (batch === undefined) return
      worker.batches.delete(id)
      worker.pending -= batch.length
      counts.workers += batch.length
      if (worker.batches.size === 0) thread.unref()
      schedule()
      for (let i = 0; i < batch.length; i++) batch[i]?.resolve(results[i] === 1)
    })
    const fail = (error: unknown): void => {
      const index = workers.indexOf(worker)
      if (index >= 0) workers.splice(index, 1)
      const lost = [...worker.batches.values()].flat()
      worker.batches.clear()
      worker.pending = 0
      for (const item of lost) item.reject(error)
    }
    thread.on('error', fail)
    thread.on('exit', (code) => {
      fail(new Error(`a sodium-native worker exited with code ${code}`))
    })
    workers.push(worker)
    return worker
  }

  const send = (worker: PoolWorker, items: Pending[]): void => {
    let size = 0
    for (const item of items) size += 100 + item.input.length
    const buffer = new ArrayBuffer(size)
    const bytes = new Uint8Array(buffer)
    const view = new DataView(buffer)
    let at = 0
    for (const item of items) {
      view.setUint32(at, item.input.length, true)
      bytes.set(item.key, at + 4)
      bytes.set(item.signature, at + 36)
      bytes.set(item.input, at + 100)
      at += 100 + item.input.length
    }
    const id = nextId++
    if (worker.batches.size === 0) worker.thread.ref()
    worker.batches.set(id, items)
    worker.pending += items.length
    worker.thread.postMessage({ id, buffer, count: items.length }, [buffer])
  }

  const schedule = (): void => {
    if (!scheduled && head < queue.length) {
      scheduled = true
      setImmediate(pump)
    }
  }

  // Everything asked for until the event loop's check phase goes out together, in batches to the
  // least busy workers while one holds fewer than `full`; then, if signatures are left, this
  // thread verifies one and comes back after the next round of I/O (a worker's answer included).
  const pump = (): void => {
    scheduled = false
    while (workers.length < threads) spawn()
    while (head < queue.length) {
      let target = workers[0] as PoolWorker
      for (const worker of workers) if (worker.pending < target.pending) target = worker
      if (callerThread && target.pending >= full) break
      const items = queue.slice(head, head + batchSize)
      head += items.length
      send(target, items)
    }
    const item = queue[head]
    if (item !== undefined) {
      head++
      counts.caller++
      try {
        item.resolve(verifyDetached(item.signature, item.input, item.key))
      } catch (error) {
        item.reject(error)
      }
    }
    if (head >= queue.length) {
      queue = []
      head = 0
    } else {
      if (head > 1024) {
        queue = queue.slice(head) // under a steady flood the queue may never empty
        head = 0
      }
      schedule()
    }
  }

  const check = (resolved: ResolvedKey, input: Uint8Array, signature: Uint8Array) => {
    if (resolved.alg !== 'EdDSA') return fallback(resolved, input, signature)
    let key = keys.get(resolved.key)
    if (key === undefined) {
      try {
        key = rawEd25519Key(resolved.key) ?? null
      } catch {
        key = null
      }
      keys.set(resolved.key, key)
    }
    if (key === null || signature.length !== 64) return Promise.resolve(false)
    const publicKey = key
    return new Promise<boolean>((resolve, reject) => {
      queue.push({ key: publicKey, input, signature, resolve, reject })
      schedule()
    })
  }

  const close = async (): Promise<void> => {
    const stopping = workers.splice(0)
    await Promise.all(stopping.map((worker) => worker.thread.terminate()))
  }
  const stats = () => ({ ...counts })
  return Object.assign(check, { base64url, backend: 'sodium-native' as const, stats, close })
}
