import { createRedisCache } from './redis-cache.js'

describe('createRedisCache configuration', () => {
  test('refuses a REDIS_URL that is not a URL, naming the variable and an example', () => {
    expect(() => createRedisCache({ url: 'localhost:6379', prefix: 'earshot:' }))
      .toThrow(expect.objectContaining({ code: 'CACHE_ERR_INVALID_URL', message: expect.stringContaining('REDIS_URL=redis://') }))
  })

  test('refuses a REDIS_URL with another scheme without echoing its credentials', () => {
    let thrown: unknown
    try {
      createRedisCache({ url: 'http://user:s3cret@cache:6379', prefix: 'earshot:' })
    } catch (err) {
      thrown = err
    }
    expect(thrown).toMatchObject({ code: 'CACHE_ERR_INVALID_URL' })
    expect(String((thrown as Error).message)).not.toContain('s3cret')
  })

  test('refuses an empty prefix, since every key must be namespaced', () => {
    expect(() => createRedisCache({ url: 'redis://127.0.0.1:6379', prefix: '' }))
      .toThrow(expect.objectContaining({ code: 'CACHE_ERR_INVALID_ARGUMENT' }))
  })
})
