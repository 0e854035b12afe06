import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ContractError, errorCodes } from './errors.js'

test('error codes are unique, prefixed CONTRACT_ERR_ and listed in the README error table', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8')
  expect(new Set(errorCodes).size).toBe(errorCodes.length)
  for (const code of errorCodes) {
    expect(code).toMatch(/^CONTRACT_ERR_[A-Z_]+$/)
    expect(readme).toContain(`| \`${code}\` |`)
  }
})

test('contract errors are never retriable and carry their topic', () => {
  const err = new ContractError('CONTRACT_ERR_INVALID_EVENT', 'tickets.v1', 'bad', { issues: [{ path: 'type', message: 'x' }] })
  expect(err).toMatchObject({ code: 'CONTRACT_ERR_INVALID_EVENT', retriable: false, topic: 'tickets.v1', name: 'ContractError' })
  expect(new ContractError('CONTRACT_ERR_UNKNOWN_TOPIC', 'nope', 'unknown').issues).toEqual([])
})
