// The worker thread of `sodiumSignatureVerifier` (sodium-signature-verifier.ts): verifies batches
// of Ed25519 signatures with libsodium. Plain JavaScript, so that the same file runs from the
// source tree and from dist/ (tsup copies it there as an entry of its own).
//
// A batch is one transferred ArrayBuffer holding, per signature: the signing input's length
// (uint32, little-endian), the 32-byte public key, the 64-byte signature, the signing input. The
// answer is one byte per signature: 1 if it verifies, 0 if not.
import { Buffer } from 'node:buffer'
import { createRequire } from 'node:module'
import { parentPort } from 'node:worker_threads'

const sodium = createRequire(import.meta.url)('sodium-native')

parentPort.on('message', ({ id, buffer, count }) => {
  const bytes = Buffer.from(buffer)
  const view = new DataView(buffer)
  const results = new Uint8Array(count)
  let at = 0
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(at, true)
    const key = bytes.subarray(at + 4, at + 36)
    const signature = bytes.subarray(at + 36, at + 100)
    const input = bytes.subarray(at + 100, at + 100 + length)
    at += 100 + length
    results[i] = sodium.crypto_sign_verify_detached(signature, input, key) ? 1 : 0
  }
  parentPort.postMessage({ id, results }, [results.buffer])
})
