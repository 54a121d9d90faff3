#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the suite works right after `npm install`.
import process from 'node:process'
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/cli.ts')
process.exitCode = await main(process.argv.slice(2))
