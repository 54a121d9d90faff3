/**
 * Reads at most `maxBytes` of a body as text (invalid UTF-8 replaced) and cancels the rest, so a
 * hostile peer cannot make the reader buffer or wait for an endless answer.
 * @internal
 */
export async function readPrefix(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<string> {
  if (body === null) return ''
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value.subarray(0, maxBytes - size))
      size += Math.min(value.byteLength, maxBytes - size)
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}
