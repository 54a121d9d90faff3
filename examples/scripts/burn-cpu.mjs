// Keeps one core busy until its parent goes away (`demo-under-load.ts` starts one per core). It
// checks about every 50 ms whether its parent is still there, so that it never outlives it, even
// when the parent is killed with SIGKILL and cannot clean up.
import process from 'node:process'

const parent = process.ppid
for (let i = 1; ; i++) {
  if (i % 20_000_000 === 0 && process.ppid !== parent) process.exit(0)
}
