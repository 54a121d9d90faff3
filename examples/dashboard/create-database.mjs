// Creates the dashboard's PGlite data directory in a worker thread. A new directory needs initdb:
// PostgreSQL's bootstrap, run in WebAssembly, takes several seconds of CPU (much longer on a busy
// machine) and would block the event loop of the process that asked: no progress could be printed
// and no request answered meanwhile. Opening the created directory afterwards takes about a second.
import { parentPort, workerData } from 'node:worker_threads'
import { PGlite } from '@electric-sql/pglite'

const db = new PGlite(workerData.dataDir)
await db.waitReady
await db.close()
parentPort?.postMessage('created')
