import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

// One check for every package's src/errors.ts (STYLE §9): codes are unique across the repository,
// each package uses one prefix of its own, and every code is listed in the package README's table.
const root = join(__dirname, '..', '..')
const owners = ['packages', 'services'].flatMap((kind) => {
  const dir = join(root, kind)
  if (!existsSync(dir)) return []
  return readdirSync(dir).map((name) => join(dir, name)).filter((pkg) => existsSync(join(pkg, 'src', 'errors.ts')))
})

function codesOf (pkg: string): readonly string[] {
  const module = require(join(pkg, 'src', 'errors.ts')) as { errorCodes?: readonly string[] }
  if (module.errorCodes === undefined) throw new Error(`${pkg}/src/errors.ts does not export errorCodes`)
  return module.errorCodes
}

test('at least the foundation packages declare error codes', () => {
  expect(owners.length).toBeGreaterThanOrEqual(6)
})

test.each(owners.map((pkg) => [pkg.slice(root.length + 1), pkg]))('%s: one prefix, every code in the README error table', (_name, pkg) => {
  const codes = codesOf(pkg)
  const readme = readFileSync(join(pkg, 'README.md'), 'utf8')
  const prefixes = new Set(codes.map((code) => /^([A-Z]+)_ERR_[A-Z0-9_]+$/.exec(code)?.[1]))
  expect([...prefixes]).toHaveLength(1)
  expect(prefixes.has(undefined)).toBe(false)
  for (const code of codes) expect(readme).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|`))
})

test('no code or prefix is used twice across the repository', () => {
  const seen = new Map<string, string>()
  const prefixOwner = new Map<string, string>()
  for (const pkg of owners) {
    for (const code of codesOf(pkg)) {
      expect(seen.get(code)).toBeUndefined()
      seen.set(code, pkg)
      const prefix = code.split('_ERR_')[0] ?? ''
      const owner = prefixOwner.get(prefix)
      if (owner !== undefined) expect(owner).toBe(pkg)
      prefixOwner.set(prefix, pkg)
    }
  }
})
