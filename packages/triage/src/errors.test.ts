import { PolicyError } from './errors.js'

test('a policy error is not retriable, maps to 422 and lists every issue in its message', () => {
  const err = new PolicyError('brand.yaml', [
    { source: 'brand.yaml', line: 3, column: 9, path: 'timezone', message: 'bad' },
    { source: 'brand.yaml', line: 7, column: 1, path: 'rules', message: 'worse' },
  ])
  expect(err).toMatchObject({ code: 'TRIAGE_ERR_INVALID_POLICY', retriable: false, statusCode: 422, name: 'PolicyError' })
  expect(err.message).toBe('brand.yaml is invalid (2 errors):\nbrand.yaml:3:9 timezone: bad\nbrand.yaml:7:1 rules: worse')
})
