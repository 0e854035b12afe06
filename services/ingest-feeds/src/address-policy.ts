import { isIP } from 'node:net'

/** Why an address may not be fetched; `undefined` from `refusedRange` means it is a public unicast address. */
export type RefusedRange =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared-cgnat'
  | 'multicast'
  | 'reserved'
  | 'unparseable'

interface Ipv4Range { base: number, bits: number, range: RefusedRange }

function ipv4 (text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined
    const octet = Number(part)
    if (octet > 255) return undefined
    value = value * 256 + octet
  }
  return value
}

function cidr4 (text: string, range: RefusedRange): Ipv4Range {
  const [base = '', bits = ''] = text.split('/')
  return { base: ipv4(base) ?? 0, bits: Number(bits), range }
}

/** IPv4 ranges a tenant-supplied URL must never reach (RFC 6890 special-purpose blocks that matter for SSRF). */
const refusedIpv4: readonly Ipv4Range[] = [
  cidr4('0.0.0.0/8', 'unspecified'),
  cidr4('10.0.0.0/8', 'private'),
  cidr4('100.64.0.0/10', 'shared-cgnat'),
  cidr4('127.0.0.0/8', 'loopback'),
  cidr4('169.254.0.0/16', 'link-local'),
  cidr4('172.16.0.0/12', 'private'),
  cidr4('192.0.0.0/24', 'reserved'),
  cidr4('192.168.0.0/16', 'private'),
  cidr4('198.18.0.0/15', 'reserved'),
  cidr4('224.0.0.0/4', 'multicast'),
  cidr4('240.0.0.0/4', 'reserved'),
]

function inRange (address: number, { base, bits }: Ipv4Range): boolean {
  const size = 2 ** (32 - bits)
  return Math.floor(address / size) === Math.floor(base / size)
}

function refusedIpv4Range (address: number): RefusedRange | undefined {
  return refusedIpv4.find((range) => inRange(address, range))?.range
}

/** Eight 16-bit groups, or undefined. Accepts "::" compression, a dotted IPv4 tail and a "%zone" suffix. */
function ipv6 (text: string): number[] | undefined {
  let rest = text.replace(/%.*$/, '')
  const tail = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(rest)
  if (tail !== null) {
    const v4 = ipv4(tail[1] ?? '')
    if (v4 === undefined) return undefined
    rest = `${rest.slice(0, tail.index)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`
  }
  const halves = rest.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string): number[] | undefined => {
    if (part === '') return []
    const out: number[] = []
    for (const group of part.split(':')) {
      if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined
      out.push(parseInt(group, 16))
    }
    return out
  }
  const head = parse(halves[0] ?? '')
  const end = halves.length === 2 ? parse(halves[1] ?? '') : []
  if (head === undefined || end === undefined) return undefined
  const known = head.length + end.length
  if (halves.length === 2) return known > 7 ? undefined : [...head, ...new Array<number>(8 - known).fill(0), ...end]
  return known === 8 ? head : undefined
}

function embeddedIpv4 (high: number, low: number): number {
  return high * 65536 + low
}

function refusedIpv6Range (g: number[]): RefusedRange | undefined {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g
  const zeroTo4 = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0
  if (zeroTo4 && g5 === 0) {
    if (g6 === 0 && g7 === 0) return 'unspecified'
    if (g6 === 0 && g7 === 1) return 'loopback'
    // ::a.b.c.d (deprecated IPv4-compatible): judge the IPv4 address inside.
    return refusedIpv4Range(embeddedIpv4(g6, g7)) ?? 'reserved'
  }
  // ::ffff:a.b.c.d (IPv4-mapped) and ::ffff:0:a.b.c.d (IPv4-translated) reach the IPv4 address inside.
  if (zeroTo4 && g5 === 0xffff) return refusedIpv4Range(embeddedIpv4(g6, g7))
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) return refusedIpv4Range(embeddedIpv4(g6, g7))
  // 64:ff9b::/96 (NAT64 well-known prefix) and 2002::/16 (6to4) carry an IPv4 destination too.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return refusedIpv4Range(embeddedIpv4(g6, g7))
  if (g0 === 0x2002) return refusedIpv4Range(embeddedIpv4(g1, g2))
  if ((g0 & 0xfe00) === 0xfc00) return 'private'
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local'
  if ((g0 & 0xffc0) === 0xfec0) return 'private'
  if ((g0 & 0xff00) === 0xff00) return 'multicast'
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return 'reserved'
  return undefined
}

/**
 * The special range an IP address falls in (loopback, private, link-local, CGNAT, unspecified,
 * multicast, reserved), including IPv6 forms that carry an IPv4 address (mapped, compatible,
 * NAT64, 6to4); undefined for a public unicast address. Anything that does not parse is refused.
 */
export function refusedRange (address: string): RefusedRange | undefined {
  const family = isIP(address.replace(/%.*$/, ''))
  if (family === 4) {
    const value = ipv4(address)
    return value === undefined ? 'unparseable' : refusedIpv4Range(value)
  }
  if (family === 6) {
    const groups = ipv6(address)
    return groups === undefined ? 'unparseable' : refusedIpv6Range(groups)
  }
  return 'unparseable'
}
