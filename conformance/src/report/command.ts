/**
 * `cta-conformance report …`: verify, sign and re-render saved reports, and {@link writeReports},
 * which writes a run's reporters (and signs its `report.json` on request).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { JWK } from 'jose'
import { FORMATS, render, type Format } from './render.js'
import { untestedOf, type Report } from './report.js'
import {
  REPORT_JWS_TYP,
  ReportError,
  isReportError,
  parseReport,
  signReport,
  verifyReport,
} from './sign.js'

/** Usage of `cta-conformance report`. */
export const REPORT_USAGE = `Usage: cta-conformance report <command> <report.json> [options]

Commands:
  verify <report.json> --jws <report.jws> --jwks <jwks.json>
                               Verify a signed report: the detached signature (the key is
                               looked up by kid in <jwks.json> only), the report schema, and
                               suite.vectorsDigest against the installed vectors
  sign <report.json> --key <private-jwk.json> [--out <report.jws>]
                               Sign the exact bytes of a report: a detached JWS
                               (typ ${REPORT_JWS_TYP}, EdDSA or ES256 from the key);
                               default out: the report's path with .jws for .json; - for stdout
  render <report.json> --reporter <format>:<path>
                               Re-render a saved report: ${FORMATS.join(', ')}; path - for
                               stdout (repeatable)
  help                         Show this help

Exit codes: 0 verified (sign, render: written), 1 verification failed (its error code is
printed), 2 usage or configuration error.`

/** Where the CLI writes. */
export interface ReportIo {
  stdout(text: string): void
  stderr(text: string): void
}

/** One `--reporter <format>:<path>`. */
export interface Reporter {
  readonly format: Format
  /** A file path, or `-` for stdout. */
  readonly path: string
}

/** Options of {@link writeReports}. */
export interface WriteReportsOptions {
  /** The path of a private JWK file: sign every `json` reporter written to a file. */
  readonly signWith?: string
}

const usage = (message: string): never => {
  throw new ReportError('ERR_REPORT_USAGE', message)
}

/**
 * Parses `--reporter <format>:<path>` (a bare format means stdout).
 * @throws {ReportError} `ERR_REPORT_USAGE` for an unknown format or an empty path.
 */
export function parseReporter(value: string): Reporter {
  const colon = value.indexOf(':')
  const format = colon < 0 ? value : value.slice(0, colon)
  const path = colon < 0 ? '-' : value.slice(colon + 1)
  if (!(FORMATS as readonly string[]).includes(format)) {
    usage(`unknown reporter "${format}"; expected one of ${FORMATS.join(', ')} (format:path)`)
  }
  if (path === '') usage(`--reporter ${value}: a path is missing`)
  return { format: format as Format, path }
}

/** Where the signature of a `report.json` goes: `.json` replaced by `.jws`, or `.jws` appended. */
export function jwsPathFor(jsonPath: string): string {
  return `${jsonPath.replace(/\.json$/i, '')}.jws`
}

async function readBytes(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (err) {
    return usage(`cannot read ${what} ${path}: ${err instanceof Error ? err.message : String(err)}`)
  }
}

async function readJson(path: string, what: string): Promise<unknown> {
  const bytes = await readBytes(path, what)
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch {
    return usage(`${what} ${path} is not JSON`)
  }
}

async function writeOut(path: string, text: string, io: ReportIo): Promise<void> {
  if (path === '-') {
    io.stdout(text)
    return
  }
  await mkdir(dirname(resolve(path)), { recursive: true })
  await writeFile(path, text)
}

/**
 * Writes each reporter's rendering of a report (path `-` is stdout; directories are created).
 * With `signWith`, every `json` reporter written to a file also gets its detached JWS next to it
 * (`report.json` → `report.jws`), signed over the exact text written. Everything is rendered and
 * signed before anything is written, so a bad key writes nothing.
 * @param report The canonical report.
 * @param reporters Formats and paths, as given by `--reporter`.
 * @param io Where `-` writes.
 * @param options `signWith`: the path of a private JWK file.
 * @returns The files written, signatures included.
 * @throws {ReportError} `ERR_REPORT_USAGE` (unreadable key file, or `signWith` without a `json`
 *   reporter to a file), `ERR_REPORT_KEY_INVALID`.
 */
export async function writeReports(
  report: Report,
  reporters: readonly Reporter[],
  io: ReportIo,
  options: WriteReportsOptions = {},
): Promise<string[]> {
  const outputs = reporters.map(({ format, path }) => ({
    format,
    path,
    text: render(report, format),
  }))
  const signatures: { path: string; text: string }[] = []
  if (options.signWith !== undefined) {
    const jwk = (await readJson(options.signWith, 'signing key')) as JWK
    const signed = outputs.filter((o) => o.format === 'json' && o.path !== '-')
    if (signed.length === 0) {
      usage('signing needs a json reporter written to a file (--reporter json:<path>)')
    }
    for (const { path, text } of signed) {
      const jws = await signReport(text, jwk)
      signatures.push({ path: jwsPathFor(path), text: `${jws}\n` })
    }
  }
  const files: string[] = []
  for (const { path, text } of [...outputs, ...signatures]) {
    await writeOut(path, text, io)
    if (path !== '-') files.push(path)
  }
  return files
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        jws: { type: 'string' },
        jwks: { type: 'string' },
        key: { type: 'string' },
        out: { type: 'string' },
        reporter: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err))
  }
}

const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  verify: ['jws', 'jwks'],
  sign: ['key', 'out'],
  render: ['reporter'],
}

async function dispatch(args: readonly string[], io: ReportIo): Promise<number> {
  const { values, positionals } = parse(args)
  const [command = 'help', file, ...rest] = positionals
  if (command === 'help' || values.help === true) {
    io.stdout(`${REPORT_USAGE}\n`)
    return 0
  }
  const allowed = Object.hasOwn(ALLOWED, command) ? ALLOWED[command] : undefined
  if (allowed === undefined) return usage(`unknown report command "${command}"`)
  if (file === undefined) return usage(`report ${command} needs a report.json path`)
  if (rest.length > 0) usage(`unexpected argument "${rest.join(' ')}"`)
  const extra = Object.keys(values).find((name) => !allowed.includes(name))
  if (extra !== undefined) usage(`report ${command} takes no --${extra}`)

  if (command === 'verify') {
    if (values.jws === undefined || values.jwks === undefined) {
      return usage('report verify needs --jws <report.jws> and --jwks <jwks.json>')
    }
    const report = await readBytes(file, 'report')
    const jws = (await readBytes(values.jws, 'signature')).toString('utf8')
    const jwks = (await readJson(values.jwks, 'JWKS')) as { keys: JWK[] }
    let verified
    try {
      verified = await verifyReport({ report, jws, jwks })
    } catch (err) {
      if (isReportError(err, 'ERR_REPORT_JWKS_INVALID'))
        return usage(`${values.jwks}: ${err.message}`)
      if (!isReportError(err)) throw err
      io.stderr(`report invalid: ${err.code}: ${err.message}\n`)
      return 1
    }
    const r = verified.report
    io.stdout(
      [
        `verified: ${file}`,
        `  signed by kid ${verified.kid} (${verified.alg}), ${REPORT_JWS_TYP}`,
        `  schema: ok; vectors digest: ${verified.digestOk === true ? `ok (${r.suite.vectorsDigest})` : 'not applicable'}`,
        `  ${r.implementation.name} ${r.implementation.version}, suite ${r.suite.version}, ${r.startedAt}: ${r.conformant ? 'conformant' : 'not conformant'}`,
        ...r.verdicts.map(
          (v) =>
            `  ${v.profile.padEnd(24)} ${v.verdict}${v.claimed && v.verdict !== 'not-conformant' && untestedOf(v).length > 0 ? ` (not tested: ${untestedOf(v).join(', ')})` : ''}`,
        ),
        '',
      ].join('\n'),
    )
    return 0
  }

  if (command === 'sign') {
    if (values.key === undefined) return usage('report sign needs --key <private-jwk.json>')
    const bytes = await readBytes(file, 'report')
    try {
      await parseReport(bytes)
    } catch (err) {
      if (isReportError(err)) usage(`${file}: ${err.message}`)
      throw err
    }
    const jwk = (await readJson(values.key, 'signing key')) as JWK
    const jws = await signReport(bytes, jwk)
    const out = values.out ?? jwsPathFor(file)
    await writeOut(out, `${jws}\n`, io)
    if (out !== '-') io.stdout(`signed ${file}: ${out}\n`)
    return 0
  }

  const reporters = (values.reporter ?? []).map(parseReporter)
  if (reporters.length === 0) usage('report render needs --reporter <format>:<path>')
  let report: Report
  try {
    report = await parseReport(await readBytes(file, 'report'))
  } catch (err) {
    if (isReportError(err)) return usage(`${file}: ${err.message}`)
    throw err
  }
  await writeReports(report, reporters, io)
  return 0
}

/**
 * Runs `cta-conformance report <verify|sign|render|help> …` and returns the exit code: `0`
 * verified (sign, render: written), `1` verification failed (the error code is printed on
 * stderr), `2` usage or configuration error.
 * @param args The arguments after `report`.
 * @param io Where to write.
 */
export async function runReportCommand(args: readonly string[], io: ReportIo): Promise<number> {
  try {
    return await dispatch(args, io)
  } catch (err) {
    if (isReportError(err)) {
      io.stderr(
        `cta-conformance report: ${err.code === 'ERR_REPORT_USAGE' ? '' : `${err.code}: `}${err.message}\n`,
      )
      if (err.code === 'ERR_REPORT_USAGE') io.stderr(`\n${REPORT_USAGE}\n`)
      return 2
    }
    io.stderr(
      `cta-conformance report: error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    )
    return 2
  }
}
