import { isProtocolError } from '../../errors.js'

/**
 * The code of a refusal to connect, wherever the fetch put it: a ProtocolError from the URL guard,
 * or the `code` that `createSafeFetch` sets on its error (possibly as the `cause` of a TypeError).
 * @internal
 */
export function addressRefusal(err: unknown): boolean {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    if (isProtocolError(e)) return e.code === 'ERR_ADDRESS_NOT_ALLOWED'
    if ((e as { code?: unknown }).code === 'ERR_ADDRESS_NOT_ALLOWED') return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}
