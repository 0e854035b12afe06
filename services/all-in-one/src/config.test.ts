import { parseConfig } from '@earshot/config'
import { configSchema, environmentWithArguments } from './config'
import { ArgumentsError } from './errors'

test('command-line options override the environment and parse through the schema', () => {
  const env = environmentWithArguments(['--port', '0', '--rate=200', '--live', '--no-sample', '--data-dir', '/tmp/x'], { EARSHOT_RATE: '5', EARSHOT_PORT: '4000' })
  const config = parseConfig(configSchema, env)
  expect(config).toMatchObject({ EARSHOT_PORT: 0, EARSHOT_RATE: 200, EARSHOT_LIVE: true, EARSHOT_SAMPLE: false, EARSHOT_DATA_DIR: '/tmp/x' })
})

test('defaults give the documented demo: port 3000, ./.earshot, 20 mentions/s, sample on, live off', () => {
  expect(parseConfig(configSchema, {})).toMatchObject({ EARSHOT_PORT: 3000, EARSHOT_DATA_DIR: '.earshot', EARSHOT_RATE: 20, EARSHOT_SAMPLE: true, EARSHOT_LIVE: false })
})

test('an unknown option or a missing value is refused with its name', () => {
  expect(() => environmentWithArguments(['--speed', '3'], {})).toThrow(ArgumentsError)
  expect(() => environmentWithArguments(['--speed', '3'], {})).toThrow(/unknown option --speed/)
  expect(() => environmentWithArguments(['--rate'], {})).toThrow(/--rate needs a value/)
})

test('a rate of zero and a clock that is not ISO 8601 fail the schema', () => {
  expect(() => parseConfig(configSchema, { EARSHOT_RATE: '0' })).toThrow(/EARSHOT_RATE/)
  expect(() => parseConfig(configSchema, { EARSHOT_CLOCK: 'tomorrow' })).toThrow(/EARSHOT_CLOCK/)
})
