import { isProtocolError } from '../../src/index.js'

/** The protocol error code a promise rejects with, or `'accepted'` when it resolves. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    if (isProtocolError(err)) return err.code
    throw err
  }
  return 'accepted'
}
