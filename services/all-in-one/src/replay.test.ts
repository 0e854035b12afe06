import type { Mention } from '@earshot/contracts'
import { replayBatchSize, retimeMention } from './replay'
import { runningClock } from './clock'
import { parseReplayArguments } from './cli/replay'

const recorded: Mention = {
  schemaVersion: 1,
  id: 'x:1',
  tenantId: 'bunhaus',
  sourceId: 'x-mentions',
  platform: 'x',
  nativeId: '1',
  conversationId: 'x:1',
  author: { id: 'u1', handle: 'sam' },
  text: 'hello',
  createdAt: '2026-11-19T06:00:00.000Z',
  receivedAt: '2026-11-19T06:00:02.500Z',
}

test('a replayed mention keeps its id and its ingest delay, moved to now', () => {
  const retimed = retimeMention(recorded, new Date('2026-11-28T10:00:00.000Z'))
  expect(retimed).toEqual({ ...recorded, createdAt: '2026-11-28T09:59:57.500Z', receivedAt: '2026-11-28T10:00:00.000Z' })
})

test('batches are about a twentieth of the rate, never empty', () => {
  expect(replayBatchSize(1)).toBe(1)
  expect(replayBatchSize(20)).toBe(1)
  expect(replayBatchSize(200)).toBe(10)
  expect(replayBatchSize(1000)).toBe(50)
})

test('a pinned clock starts at the given instant and runs at real pace', () => {
  let real = 1_000_000
  const now = runningClock('2026-11-25T23:30:00.000Z', () => real)
  expect(now().toISOString()).toBe('2026-11-25T23:30:00.000Z')
  real += 1500
  expect(now().toISOString()).toBe('2026-11-25T23:30:01.500Z')
  expect(runningClock(undefined, () => 42)().getTime()).toBe(42)
})

test('the replay CLI needs a file and a rate, and knows two buses', () => {
  expect(parseReplayArguments(['week.jsonl', '--rate', '50', '--bus', 'memory'])).toEqual({ file: 'week.jsonl', rate: 50, bus: 'memory', limit: undefined, partitions: 6 })
  expect(parseReplayArguments(['week.jsonl', '--rate', '50']).bus).toBe('kafka')
  expect(() => parseReplayArguments(['--rate', '50'])).toThrow(/which file/)
  expect(() => parseReplayArguments(['week.jsonl'])).toThrow(/--rate is required/)
  expect(() => parseReplayArguments(['week.jsonl', '--rate', '5', '--bus', 'redis'])).toThrow(/kafka or memory/)
})
