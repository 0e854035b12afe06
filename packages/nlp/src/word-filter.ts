/**
 * One bit per word of a set, at its hash: a clear bit means the word is certainly absent. A large
 * map costs a cache miss per look-up and most tokens are in no lexicon, so they stop at a bit in a
 * few kilobytes; a set bit still goes to the map, so results never change.
 */
export interface WordFilter {
  mayContain: (word: string) => boolean
}

function hashOf (word: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 0x01000193)
  // murmur3's finaliser: FNV's low bits are weak on short words.
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  return hash ^ (hash >>> 16)
}

/** `bitsPerWord` sets the size (a power of two at least that many bits per word): 16 lets about one absent word in sixteen through. */
export function createWordFilter (words: Iterable<string>, bitsPerWord = 16): WordFilter {
  const list = [...words]
  let size = 1024
  while (size < list.length * bitsPerWord) size *= 2
  const mask = size - 1
  const bits = new Uint32Array(size >>> 5)
  for (const word of list) {
    const at = hashOf(word) & mask
    bits[at >>> 5] = (bits[at >>> 5] as number) | (1 << (at & 31))
  }
  return {
    mayContain: (word) => {
      const at = hashOf(word) & mask
      return ((bits[at >>> 5] as number) & (1 << (at & 31))) !== 0
    },
  }
}
