import { randomBytes } from 'node:crypto'
import { Partitioners } from 'kafkajs'
import { createKeyPartitioner, partitionForKey } from './murmur2.js'

// kafkajs's DefaultPartitioner is the Java client's murmur2 placement: the reference the in-memory
// bus must agree with, so a key sits on the same partition whichever adapter carries it.
test('places keys of every length exactly as the Kafka (Java-compatible) partitioner does', () => {
  const kafka = Partitioners.DefaultPartitioner()
  for (let length = 0; length < 64; length++) {
    const partitions = 1 + (length % 16)
    const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }))
    for (let i = 0; i < 20; i++) {
      const key = randomBytes(length)
      expect(partitionForKey(key, partitions)).toBe(kafka({ topic: 't', partitionMetadata, message: { key, value: null } }))
    }
  }
})

test('a key always lands on the same partition, within range', () => {
  const first = partitionForKey('tenant-a:conversation-1', 12)
  expect(partitionForKey('tenant-a:conversation-1', 12)).toBe(first)
  expect(first).toBeGreaterThanOrEqual(0)
  expect(first).toBeLessThan(12)
})

test('keys spread over partitions', () => {
  const counts = new Array<number>(8).fill(0)
  for (let i = 0; i < 8000; i++) counts[partitionForKey(`t:c${i}`, 8)]! += 1
  for (const count of counts) expect(count).toBeGreaterThan(800)
})

test('the producer\'s partitioner places string keys, explicit partitions and keyless messages as kafkajs\'s DefaultPartitioner does', () => {
  const kafka = Partitioners.DefaultPartitioner()
  const ours = createKeyPartitioner()
  const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: partitionId === 2 ? -1 : 1, replicas: [1], isr: [1], partitionErrorCode: 0 }))
  const keys = ['tenant-a:x:1', 'tenant-b:mastodon:109', 'ünïcødé:conversation', 'k'.repeat(700), '', 'emoji 🚆:c']
  for (const key of keys) {
    expect(ours({ topic: 't', partitionMetadata, message: { key } })).toBe(kafka({ topic: 't', partitionMetadata, message: { key, value: null } }))
  }
  expect(ours({ topic: 't', partitionMetadata, message: { key: 'a', partition: 4 } })).toBe(4)
  // Without a key: round-robin over the partitions that have a leader.
  const keyless = Array.from({ length: 10 }, () => ours({ topic: 't', partitionMetadata, message: {} }))
  expect(new Set(keyless)).toEqual(new Set([0, 1, 3, 4, 5]))
})
