// inbox-http: events accepted per second by the SDK's inbox over loopback (full verification,
// schema, dedupe), against a bare node:http server that only verifies the same signatures with
// node:crypto. Each server runs in its own process; the client sends with 32 keep-alive sockets.
import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import { NOW, SOURCE, signedCorpus } from './lib/events.js'
import { result, type Bench } from './lib/measure.js'

const EVENTS = 6000
const SOCKETS = 32

async function startServer(
  script: string,
  env: Record<string, string>,
): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url))],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => {
      resolve(Number(d.toString().trim()))
    })
    child.once('exit', (code) => {
      reject(new Error(`${script} exited with ${String(code)}`))
    })
  })
  return { port, child }
}

async function blast(port: number, bodies: string[]): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: SOCKETS })
  let next = 0
  let accepted = 0
  const send = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/inbox',
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/jose',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume()
          res.on('end', () => {
            resolve(res.statusCode ?? 0)
          })
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  const start = performance.now()
  await Promise.all(
    Array.from({ length: SOCKETS }, async () => {
      while (next < bodies.length) {
        const status = await send(bodies[next++] as string)
        if (status === 202) accepted++
      }
    }),
  )
  const elapsed = performance.now() - start
  agent.destroy()
  if (accepted !== bodies.length) throw new Error(`only ${accepted} of ${bodies.length} accepted`)
  return (accepted / elapsed) * 1000
}

export const run: Bench = async () => {
  const corpus = await signedCorpus(EVENTS)
  const env = {
    BENCH_JWK: JSON.stringify(corpus.key.publicJwk),
    BENCH_SOURCE: SOURCE,
    BENCH_NOW: NOW.toISOString(),
  }
  const bare = await startServer('./servers/bare-verify.ts', env)
  const inbox = await startServer('./servers/sdk-inbox.ts', env)
  try {
    // Warm up both (JIT, key import), then measure; the inbox gets fresh events each run.
    const warm = corpus.jws.slice(0, 500)
    await blast(bare.port, warm)
    await blast(inbox.port, warm)
    const rest = corpus.jws.slice(500)
    const baseline = await blast(bare.port, rest)
    const value = await blast(inbox.port, rest)
    return [
      result({
        name: 'inbox-http',
        value,
        unit: 'events/s accepted',
        baseline: 'bare node:http server doing raw node:crypto Ed25519 verification',
        baselineValue: baseline,
        target: 0.7,
        higherIsBetter: true,
        notes: `${rest.length} events, ${SOCKETS} keep-alive sockets, loopback; inbox with full checks, in-memory dedupe and the node:crypto verifier`,
      }),
    ]
  } finally {
    bare.child.kill('SIGTERM')
    inbox.child.kill('SIGTERM')
  }
}
