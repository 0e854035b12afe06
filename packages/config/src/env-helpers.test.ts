import { type z } from 'zod'
import { boolEnv, brokers, csv, duration, int, logLevel, port, url } from './env-helpers.js'

function accepts<S extends z.ZodType> (schema: S, raw: string): z.output<S> {
  return schema.parse(raw)
}

function rejectionOf (schema: z.ZodType, raw: string): string {
  const result = schema.safeParse(raw)
  if (result.success) throw new Error(`expected ${JSON.stringify(raw)} to be rejected`)
  return result.error.issues.map((issue) => issue.message).join('; ')
}

describe('csv', () => {
  test('splits on commas and trims each item', () => {
    expect(accepts(csv(), ' en, fr ,de')).toEqual(['en', 'fr', 'de'])
    expect(accepts(csv(), 'solo')).toEqual(['solo'])
  })

  test('rejects empty items, naming their position', () => {
    expect(rejectionOf(csv(), 'en,,fr')).toBe('item 2 of the comma-separated list is empty, e.g. a,b,c')
    expect(rejectionOf(csv(), 'en,')).toMatch(/item 2/)
  })
})

describe('brokers', () => {
  test('accepts host:port lists with hostnames, IPv4 and bracketed IPv6', () => {
    expect(accepts(brokers(), 'localhost:9092')).toEqual(['localhost:9092'])
    expect(accepts(brokers(), 'kafka-0.kafka.svc:9092, 10.0.0.7:19092,[::1]:9092'))
      .toEqual(['kafka-0.kafka.svc:9092', '10.0.0.7:19092', '[::1]:9092'])
  })

  test.each(['kafka', 'kafka:', ':9092', 'kafka:0', 'kafka:65536', 'kafka:9092,', 'http://kafka:9092', 'kafka:9092:1'])(
    'rejects %p with the host:port example', (raw) => {
      expect(rejectionOf(brokers(), raw)).toBe('expected host:port[,host:port…], e.g. localhost:9092')
    })
})

describe('duration', () => {
  test.each([
    ['250ms', 250], ['15s', 15_000], ['15m', 900_000], ['2h', 7_200_000], ['1d', 86_400_000],
    ['1500', 1500], ['0', 0], ['1.5s', 1500], [' 10s ', 10_000],
  ])('reads %p as %p milliseconds', (raw, ms) => {
    expect(accepts(duration(), raw)).toBe(ms)
  })

  test('names an unknown unit and the ones it accepts', () => {
    expect(rejectionOf(duration(), '15sec')).toBe('unknown duration unit "sec"; use ms, s, m, h or d, e.g. 15s')
    expect(rejectionOf(duration(), '1M')).toMatch(/unknown duration unit "M"/)
  })

  test.each(['soon', '-5s', '15 s', 's', '1e3'])('rejects %p with examples of valid durations', (raw) => {
    expect(rejectionOf(duration(), raw)).toBe('expected a duration such as 250ms, 15s, 15m, 2h or 1d (a bare number means milliseconds)')
  })

  test('rejects durations longer than a Node.js timer can wait', () => {
    expect(accepts(duration(), '24d')).toBe(2_073_600_000)
    expect(rejectionOf(duration(), '25d')).toMatch(/longest timer Node.js supports/)
  })
})

describe('boolEnv', () => {
  test.each([['true', true], ['TRUE', true], ['1', true], ['Yes', true], ['false', false], ['False', false], ['0', false], ['no', false]])(
    'reads %p as %p', (raw, value) => {
      expect(accepts(boolEnv(), raw)).toBe(value)
    })

  test.each(['on', 'off', 'y', '2', 'enabled', 'null'])('rejects %p instead of guessing from truthiness', (raw) => {
    expect(rejectionOf(boolEnv(), raw)).toBe('expected true/false, 1/0 or yes/no')
  })
})

describe('port', () => {
  test('accepts 0 to 65535', () => {
    expect(accepts(port(), '0')).toBe(0)
    expect(accepts(port(), '9092')).toBe(9092)
    expect(accepts(port(), '65535')).toBe(65535)
  })

  test.each(['65536', '-1', '80.5', 'http', '0x50', '1e3'])('rejects %p', (raw) => {
    expect(rejectionOf(port(), raw)).toBe('expected a TCP port from 0 to 65535, e.g. 8080')
  })
})

describe('int', () => {
  test('accepts whole numbers within bounds', () => {
    expect(accepts(int({ min: 1, max: 100 }), '100')).toBe(100)
    expect(accepts(int(), '-3')).toBe(-3)
  })

  test('states the bounds when rejecting', () => {
    expect(rejectionOf(int({ min: 1, max: 100 }), '0')).toBe('expected a whole number from 1 to 100')
    expect(rejectionOf(int({ min: 1 }), '2.5')).toBe('expected a whole number of at least 1')
  })
})

describe('url', () => {
  test('accepts any absolute URL when no protocol is required', () => {
    expect(accepts(url(), 'https://example.com/hook')).toBe('https://example.com/hook')
    expect(rejectionOf(url(), 'example.com')).toBe('expected an absolute URL, e.g. https://example.com')
  })

  test('restricts protocols however they are spelled', () => {
    const postgres = url(['postgres', 'postgresql:', 'POSTGRES://'])
    expect(accepts(postgres, 'postgres://user@localhost:5432/earshot')).toBe('postgres://user@localhost:5432/earshot')
    expect(accepts(postgres, 'postgresql://localhost/earshot')).toBe('postgresql://localhost/earshot')
  })

  test('names the protocol it got when it is the wrong one', () => {
    expect(rejectionOf(url(['redis', 'rediss']), 'postgres://localhost')).toBe('expected a redis:// or rediss:// URL, not postgres://')
    expect(rejectionOf(url(['redis']), 'localhost:6379')).toMatch(/^expected a redis:\/\/ URL/)
  })
})

describe('logLevel', () => {
  test('accepts pino levels in any case', () => {
    expect(accepts(logLevel(), 'debug')).toBe('debug')
    expect(accepts(logLevel(), 'WARN')).toBe('warn')
    expect(accepts(logLevel(), 'silent')).toBe('silent')
  })

  test('lists the levels when rejecting', () => {
    expect(rejectionOf(logLevel(), 'verbose')).toBe('expected one of fatal, error, warn, info, debug, trace or silent')
  })
})
