import { waitFor } from './wait.js'

test('waitFor returns the first truthy value', async () => {
  let calls = 0
  const value = await waitFor(() => (++calls >= 3 ? calls : undefined), { intervalMs: 1 })
  expect(value).toBe(3)
})

test('waitFor fails after the deadline naming what it waited for and the last error', async () => {
  await expect(waitFor(() => { throw new Error('not yet') }, { timeoutMs: 30, intervalMs: 5, message: 'the broker' }))
    .rejects.toThrow(/timed out after 30 ms waiting for the broker; last error: not yet/)
})
