import { finalise, fnvOffset, fnvString } from './hash.js'

/** `size` bits, addressed by index (taken modulo the size, which must be a power of two). */
export interface BitSet {
  add: (index: number) => void
  has: (index: number) => boolean
}

export function createBitSet (size: number): BitSet {
  const mask = size - 1
  const words = new Uint32Array(Math.max(1, size >>> 5))
  return {
    add: (index) => {
      const at = index & mask
      words[at >>> 5] = (words[at >>> 5] as number) | (1 << (at & 31))
    },
    has: (index) => {
      const at = index & mask
      return ((words[at >>> 5] as number) & (1 << (at & 31))) !== 0
    },
  }
}

/**
 * One bit per word of a set, at its hash: a clear bit means the word is certainly absent. A large
 * map costs a cache miss per look-up and most tokens are in no lexicon, so they stop at a bit in a
 * few kilobytes; a set bit still goes to the map, so results never change.
 */
export interface WordFilter {
  mayContain: (word: string) => boolean
}

/** `bitsPerWord` sets the size (a power of two at least that many bits per word): 16 lets about one absent word in sixteen through. */
export function createWordFilter (words: Iterable<string>, bitsPerWord = 16): WordFilter {
  const list = [...words]
  let size = 1024
  while (size < list.length * bitsPerWord) size *= 2
  const bits = createBitSet(size)
  for (const word of list) bits.add(finalise(fnvString(fnvOffset, word)))
  return { mayContain: (word) => bits.has(finalise(fnvString(fnvOffset, word))) }
}
