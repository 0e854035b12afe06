import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { errorCodes } from './errors.js'

test('error codes are unique, prefixed OBS_ERR_ and listed in the README error table', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8')
  expect(new Set(errorCodes).size).toBe(errorCodes.length)
  for (const code of errorCodes) {
    expect(code).toMatch(/^OBS_ERR_[A-Z_]+$/)
    expect(readme).toContain(`| \`${code}\``)
  }
})
