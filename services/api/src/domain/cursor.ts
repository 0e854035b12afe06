/** Opaque page cursors: the last item's sort key as base64url JSON. Clients pass them back untouched. */
export function encodeCursor (key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/** The sort key, or undefined when the cursor is not one of ours (the route answers 400 naming `cursor`). */
export function decodeCursor (cursor: string, shape: ReadonlyArray<'string' | 'number' | 'string|null'>): unknown[] | undefined {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (!Array.isArray(value) || value.length !== shape.length) return undefined
  const ok = shape.every((type, i) => {
    const item: unknown = value[i]
    if (type === 'string|null') return item === null || typeof item === 'string'
    if (type === 'number') return typeof item === 'number' && Number.isFinite(item)
    return typeof item === 'string'
  })
  return ok ? value : undefined
}
