/**
 * Kafka's murmur2 (the Java client's `Utils.murmur2`, seed 0x9747b28c) and its default partition
 * choice for keyed messages, so the in-memory bus places keys exactly as Kafka does and tooling in
 * any language agrees on which partition holds a conversation.
 */
function byte (data: Buffer, index: number): number {
  return (data[index] ?? 0) & 0xff
}

export function murmur2 (data: Buffer): number {
  const length = data.length
  const m = 0x5bd1e995
  const r = 24
  let h = (0x9747b28c ^ length) | 0
  const blocks = length >> 2
  for (let i = 0; i < blocks; i++) {
    const i4 = i * 4
    let k = byte(data, i4) | (byte(data, i4 + 1) << 8) | (byte(data, i4 + 2) << 16) | (byte(data, i4 + 3) << 24)
    k = Math.imul(k, m)
    k ^= k >>> r
    k = Math.imul(k, m)
    h = Math.imul(h, m)
    h ^= k
  }
  const tail = blocks * 4
  const rest = length & 3
  if (rest >= 3) h ^= byte(data, tail + 2) << 16
  if (rest >= 2) h ^= byte(data, tail + 1) << 8
  if (rest >= 1) {
    h ^= byte(data, tail)
    h = Math.imul(h, m)
  }
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h | 0
}

export function partitionForKey (key: string | Buffer, partitions: number): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key
  return (murmur2(bytes) & 0x7fffffff) % partitions
}
