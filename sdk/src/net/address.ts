/**
 * Tells whether an IP address (v4 or v6, as text) is one a server must not be tricked into
 * calling: loopback, private, link-local, carrier-grade NAT, multicast, unspecified, reserved or
 * documentation space. IPv6 is public only inside global unicast (`2000::/3`), outside its special
 * blocks. IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:0:0/96`, IPv4-translated
 * `::ffff:0:0:0/96`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are classified by that IPv4 address.
 *
 * @param address An IP address as text, e.g. `10.0.0.1` or `fe80::1` (brackets and a `%zone` are
 *   ignored).
 * @returns `true` for a non-public address; `false` for a public one or for text that is not an IP.
 * @example
 * ```ts
 * isNonPublicAddress('169.254.169.254') // true: cloud metadata
 * isNonPublicAddress('2002:7f00:1::1') // true: 6to4 for 127.0.0.1
 * ```
 * @see {@link https://w3id.org/cta/spec/security#SEC-SSRF-003 Spec: SEC-SSRF-003}
 */
export function isNonPublicAddress(address: string): boolean {
  const v4 = parseIPv4(address)
  if (v4 !== undefined) return isNonPublicIPv4(v4)
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address
  const zone = bare.indexOf('%')
  const v6 = parseIPv6(zone < 0 ? bare : bare.slice(0, zone))
  if (v6 === undefined) return false
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = v6
  const low32 = [g >> 8, g & 255, h >> 8, h & 255]
  if (a === 0 && b === 0 && c === 0 && d === 0) {
    // ::ffff:a.b.c.d (IPv4-mapped) and ::ffff:0:a.b.c.d (IPv4-translated, RFC 6052/SIIT)
    if ((e === 0 && f === 0xffff) || (e === 0xffff && f === 0)) return isNonPublicIPv4(low32)
    return true // ::, ::1, deprecated IPv4-compatible ::a.b.c.d, and the rest of ::/64
  }
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) {
    return isNonPublicIPv4(low32) // NAT64 well-known prefix 64:ff9b::/96
  }
  if (a === 0x2002) return isNonPublicIPv4([b >> 8, b & 255, c >> 8, c & 255]) // 6to4
  if ((a & 0xe000) !== 0x2000) return true // outside global unicast 2000::/3: ULA, link-local, multicast, reserved, 64:ff9b:1::/48
  if (a === 0x2001 && b === 0) return true // Teredo 2001::/32 (client address obscured)
  if (a === 0x2001 && b === 2 && c === 0) return true // benchmarking 2001:2::/48
  if (a === 0x2001 && (b & 0xfff0) === 0x10) return true // ORCHID 2001:10::/28
  if (a === 0x2001 && b === 0x0db8) return true // documentation 2001:db8::/32
  if ((a & 0xfff0) === 0x3ff0) return true // documentation 3fff::/20
  return false
}

function isNonPublicIPv4([a = 0, b = 0, c = 0]: readonly number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) ||
    (a === 192 && b === 88 && c === 99) ||
    (a === 198 && (b === 18 || b === 19)) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113) ||
    a >= 224
  )
}

function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  const out: number[] = []
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined
    const n = Number(part)
    if (n > 255) return undefined
    out.push(n)
  }
  return out
}

function parseIPv6(text: string): number[] | undefined {
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined
  let groups: string[]
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const tail = (s: string | undefined): string[] =>
    s === undefined || s === '' ? [] : s.split(':')
  const expand = (list: string[]): string[] | undefined => {
    const last = list.at(-1)
    if (last?.includes('.') === true) {
      const v4 = parseIPv4(last)
      if (v4 === undefined) return undefined
      const [a = 0, b = 0, c = 0, d = 0] = v4
      return [...list.slice(0, -1), ((a << 8) | b).toString(16), ((c << 8) | d).toString(16)]
    }
    return list
  }
  if (halves.length === 2) {
    const left = expand(tail(halves[0]))
    const right = expand(tail(halves[1]))
    if (left === undefined || right === undefined || left.length + right.length > 7)
      return undefined
    groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  } else {
    const all = expand(tail(halves[0]))
    if (all === undefined || all.length !== 8) return undefined
    groups = all
  }
  const out: number[] = []
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined
    out.push(parseInt(g, 16))
  }
  return out
}
