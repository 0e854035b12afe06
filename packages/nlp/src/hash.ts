// String hashing shared by the hashed features and the word filters.

export const fnvOffset = 0x811c9dc5
export const fnvPrime = 0x01000193

/** FNV-1a over `text` from `start` (so a prefixed token's remainder hashes without a substring). */
export function fnvString (seed: number, text: string, start = 0): number {
  let hash = seed
  for (let i = start; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), fnvPrime)
  return hash
}

// FNV's low bits are weak on short keys; murmur3's finaliser spreads them before masking.
export function finalise (hash: number): number {
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  return hash ^ (hash >>> 16)
}
