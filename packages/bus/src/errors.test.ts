import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { errorCodes } from './errors.js'

test('error codes are unique, prefixed BUS_ERR_ and listed in the README table', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8')
  expect(new Set(errorCodes).size).toBe(errorCodes.length)
  for (const code of errorCodes) {
    expect(code).toMatch(/^BUS_ERR_[A-Z_]+$/)
    expect(readme).toContain(`| \`${code}\` |`)
  }
})
