import { AppError, assertNever, errorCode, isRetriable } from './app-error.js'

describe('AppError', () => {
  test('carries a code, a cause and defaults to not retriable', () => {
    const cause = new Error('socket hang up')
    const err = new AppError('TEST_ERR_X', 'failed', { cause })
    expect(err.code).toBe('TEST_ERR_X')
    expect(err.cause).toBe(cause)
    expect(err.retriable).toBe(false)
    expect(err.name).toBe('AppError')
  })

  test('subclasses report their own name', () => {
    class BrokerDown extends AppError {}
    expect(new BrokerDown('X', 'down').name).toBe('BrokerDown')
  })
})

describe('isRetriable', () => {
  test('honours an explicit retriable flag', () => {
    expect(isRetriable(new AppError('X', 'y', { retriable: true }))).toBe(true)
    expect(isRetriable(new AppError('X', 'y', { retriable: false }))).toBe(false)
    expect(isRetriable({ retriable: false })).toBe(false)
  })

  test('never retries programmer errors', () => {
    expect(isRetriable(new TypeError('x is undefined'))).toBe(false)
    expect(isRetriable(new RangeError('bad'))).toBe(false)
  })

  test('treats unknown errors as transient', () => {
    expect(isRetriable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true)
  })
})

test('errorCode prefers the code property, then the error name', () => {
  expect(errorCode(new AppError('BUS_ERR_X', 'y'))).toBe('BUS_ERR_X')
  expect(errorCode(new TypeError('y'))).toBe('TypeError')
  expect(errorCode('text')).toBe('UNKNOWN')
})

test('assertNever throws naming the unhandled value', () => {
  expect(() => assertNever('surprise' as never, 'event type')).toThrow('unhandled event type: "surprise"')
})

test('errors from another realm are still read by name and message', () => {
  const foreign = { name: 'SyntaxError', message: 'Unexpected token' }
  expect(errorCode(foreign)).toBe('SyntaxError')
  expect(isRetriable(foreign)).toBe(false)
})
