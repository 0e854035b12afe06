import { parseConfig } from '@earshot/config'
import { configSchema } from './config.js'

const required = {
  KAFKA_BROKERS: 'localhost:9092',
  REDIS_URL: 'redis://localhost:6379',
  YOUTUBE_API_KEY: 'AIza-test-key',
  INGEST_SOURCES_FILE: './sources.json',
}

test('defaults everything but connections, the API key and the sources file', () => {
  expect(parseConfig(configSchema, required)).toMatchObject({
    KAFKA_CLIENT_ID: 'earshot-ingest-youtube',
    YOUTUBE_API_BASE_URL: 'https://www.googleapis.com',
    YOUTUBE_REQUEST_TIMEOUT: 15_000,
    YOUTUBE_PAGE_SIZE: 100,
    YOUTUBE_MAX_PAGES: 50,
    YOUTUBE_SOURCE_DAILY_UNITS: 2000,
  })
})

test('a missing API key fails naming the variable and what to set', () => {
  const { YOUTUBE_API_KEY: _key, ...rest } = required
  expect(() => parseConfig(configSchema, rest)).toThrow(/YOUTUBE_API_KEY: required — set it to an API key of a Google Cloud project with the YouTube Data API v3 enabled/)
})

test('rejects a page size above 100 and a budget of nothing', () => {
  expect(() => parseConfig(configSchema, { ...required, YOUTUBE_PAGE_SIZE: '500', YOUTUBE_SOURCE_DAILY_UNITS: '0' }))
    .toThrow(/YOUTUBE_PAGE_SIZE: expected a whole number from 1 to 100[\s\S]*YOUTUBE_SOURCE_DAILY_UNITS: expected a whole number/)
})
