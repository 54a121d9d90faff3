/** Exit codes of `cta`, as `cta --help` and the SDK's README list them. */
export const EXIT = {
  /** Everything checked passed, or the command did what it was asked. */
  ok: 0,
  /** A check failed, or the peer refused (a coded error). */
  failed: 1,
  /** Wrong arguments, or a file that cannot be read. */
  usage: 2,
  /** The network or the peer could not be reached now (`ERR_FETCH_FAILED`): try again. */
  unavailable: 3,
} as const

/** A failure of the command itself, with its code (`ERR_*`) and exit code. */
export class CliError extends Error {
  override name = 'CliError'
  /**
   * @param code A stable code: `ERR_USAGE`, `ERR_FILE_UNREADABLE`, or a protocol code.
   * @param message What went wrong, for people.
   * @param exitCode The process exit code.
   */
  readonly code: string
  readonly exitCode: number
  constructor(code: string, message: string, exitCode: number = EXIT.usage) {
    super(message)
    this.code = code
    this.exitCode = exitCode
  }
}
