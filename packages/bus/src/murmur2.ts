/**
 * Kafka's murmur2 (the Java client's `Utils.murmur2`, seed 0x9747b28c) and its default partition
 * choice for keyed messages, so the in-memory bus places keys exactly as Kafka does and tooling in
 * any language agrees on which partition holds a conversation.
 */
function byte (data: Buffer, index: number): number {
  return (data[index] ?? 0) & 0xff
}

/** murmur2 of the first `length` bytes of `data` (all of them by default). */
export function murmur2 (data: Buffer, length = data.length): number {
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

// A string key is hashed from its UTF-8 bytes written here instead of a new Buffer per message
// (kafkajs's own murmur2 also builds a Long per four bytes: a sixth of a busy producer's garbage).
let scratch = Buffer.allocUnsafe(1024)

export function partitionForKey (key: string | Buffer, partitions: number): number {
  if (typeof key !== 'string') return (murmur2(key) & 0x7fffffff) % partitions
  if (key.length * 3 > scratch.length) scratch = Buffer.allocUnsafe(key.length * 3)
  const length = scratch.write(key, 'utf8')
  return (murmur2(scratch, length) & 0x7fffffff) % partitions
}

interface PartitionerArgs {
  topic: string
  partitionMetadata: ReadonlyArray<{ partitionId: number, leader: number }>
  message: { partition?: number | null, key?: Buffer | string | null }
}

/**
 * kafkajs's DefaultPartitioner, same placement (a given partition, else the key's murmur2, else
 * round-robin over partitions with a leader), without its per-message allocations.
 */
export function createKeyPartitioner (): (args: PartitionerArgs) => number {
  const counters = new Map<string, number>()
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition
    if (message.key !== null && message.key !== undefined) return partitionForKey(message.key, partitionMetadata.length)
    const next = ((counters.get(topic) ?? Math.floor(Math.random() * 0x7fffffff)) + 1) & 0x7fffffff
    counters.set(topic, next)
    const available = partitionMetadata.filter((p) => p.leader >= 0)
    if (available.length > 0) return (available[next % available.length] as { partitionId: number }).partitionId
    return next % partitionMetadata.length
  }
}
