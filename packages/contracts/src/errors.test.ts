import { ContractError } from './errors.js'

test('contract errors are never retriable and carry their topic', () => {
  const err = new ContractError('CONTRACT_ERR_INVALID_EVENT', 'tickets.v1', 'bad', { issues: [{ path: 'type', message: 'x' }] })
  expect(err).toMatchObject({ code: 'CONTRACT_ERR_INVALID_EVENT', retriable: false, topic: 'tickets.v1', name: 'ContractError' })
  expect(new ContractError('CONTRACT_ERR_UNKNOWN_TOPIC', 'nope', 'unknown').issues).toEqual([])
})
