import { ProtocolError } from '../errors.js'

/**
 * Reads a request or response body as UTF-8 text, stopping as soon as it exceeds `maxBytes`.
 * @throws {ProtocolError} `ERR_TOO_LARGE` past the cap; `ERR_JSON_INVALID` for invalid UTF-8.
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
    const { done, value } = await reader.read()
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
