import { readFileSync } from 'node:fs'
import path from 'node:path'
import { errorCodes } from './errors.js'

test('error codes are unique and prefixed DB_ERR_', () => {
  expect(new Set(errorCodes).size).toBe(errorCodes.length)
  for (const code of errorCodes) expect(code).toMatch(/^DB_ERR_[A-Z_]+$/)
})

test('every error code is listed in the README error table', () => {
  const readme = readFileSync(path.resolve(__dirname, '../README.md'), 'utf8')
  for (const code of errorCodes) expect(readme).toContain(`| \`${code}\` |`)
})
