import { ProtocolError } from '../errors.js'

/**
 * Reads a request or response body as UTF-8 text, stopping as soon as it exceeds `maxBytes`.
 * Bodies are counted as they are read, after any content coding was removed (the Fetch API and
 * `createSafeFetch` decode as they read), so a small body that inflates past the cap is refused
 * once its decoded bytes pass it (DLV-LIM-001).
 * @throws {ProtocolError} `ERR_TOO_LARGE` past the cap; `ERR_JSON_INVALID` for invalid UTF-8;
 *   `ERR_FETCH_FAILED` when the body cannot be read.
 * @internal
 */
export async function readBody(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<string> {
  if (body === null) return ''
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>
    try {
      chunk = await reader.read()
    } catch (err) {
      // The connection failed, or the body is not valid in its content coding.
      throw new ProtocolError('ERR_FETCH_FAILED', 'the body could not be read', { cause: err })
    }
    const { done, value } = chunk
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw new ProtocolError('ERR_TOO_LARGE', `body larger than ${maxBytes} bytes`)
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new ProtocolError('ERR_JSON_INVALID', 'body is not UTF-8')
  }
}
