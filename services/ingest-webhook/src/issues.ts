import type { z } from 'zod'

/** `entry[0].changes[1].value`; '' for the root. */
export function formatPath (path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`
    return text === '' ? String(segment) : `${text}.${String(segment)}`
  }, '')
}

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

function valueAt (root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<PropertyKey, unknown>)[segment]
  }
  return value
}

/** Zod issues as `path: reason` lines, the path prefixed (e.g. the change's own path in a delivery). */
export function describeIssues (issues: readonly z.core.$ZodIssue[], input: unknown, prefix: readonly PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${formatPath([...prefix, ...issue.path, key])}: unknown field`)
    }
    const where = formatPath([...prefix, ...issue.path]) || '(body)'
    if (issue.code === 'invalid_type') {
      const received = valueAt(input, issue.path)
      return [`${where}: expected ${issue.expected}, received ${received === undefined ? 'nothing (required)' : describe(received)}`]
    }
    return [`${where}: ${issue.message}`]
  })
}
