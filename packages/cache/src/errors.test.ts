import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { errorCodes } from './errors.js'

describe('cache error codes', () => {
  test('are unique and prefixed CACHE_ERR_', () => {
    expect(new Set(errorCodes).size).toBe(errorCodes.length)
    for (const code of errorCodes) expect(code).toMatch(/^CACHE_ERR_[A-Z_]+$/)
  })

  test('are each listed in the README error table', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8')
    for (const code of errorCodes) expect(readme).toContain(`| \`${code}\` |`)
  })
})
