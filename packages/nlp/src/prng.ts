/** mulberry32: a tiny seeded PRNG, so training is reproducible bit for bit. Returns floats in [0, 1). */
export function createPrng (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Fisher–Yates in place with the given PRNG. */
export function shuffleInPlace<T> (items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const item = items[i] as T
    items[i] = items[j] as T
    items[j] = item
  }
  return items
}
