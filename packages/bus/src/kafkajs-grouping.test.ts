import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { groupMessagesPerPartition } from './kafkajs-grouping.js'
import { createKeyPartitioner } from './murmur2.js'

// Jest's module registry loads kafkajs's own file here, which is the reference.
const kafkajsGrouping = require('kafkajs/src/producer/groupMessagesPerPartition.js') as (args: unknown) => unknown

test('groups messages by partition exactly as kafkajs does, order kept', () => {
  const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: 1 }))
  const messages = Array.from({ length: 2_000 }, (_, i) => ({ key: `tenant:${i % 37}`, value: String(i), ...(i % 11 === 0 ? { partition: 5 } : {}) }))
  const keyPartitioner = createKeyPartitioner()
  const partitioner = ({ topic, message }: { topic: string, message: { key: string, partition?: number } }): number => keyPartitioner({ topic, partitionMetadata, message })
  const args = { topic: 't', partitionMetadata, messages, partitioner }
  expect(groupMessagesPerPartition(args)).toEqual(kafkajsGrouping(args))
  expect(groupMessagesPerPartition({ ...args, partitionMetadata: [] })).toEqual({})
})

test('loading the bus puts the linear grouping in place of kafkajs\'s before kafkajs loads (in a plain Node process)', () => {
  const root = join(__dirname, '..', '..', '..')
  const script = [
    "const bus = require('@earshot/bus')",
    "const grouping = require('kafkajs/src/producer/groupMessagesPerPartition.js')",
    "const { groupMessagesPerPartition, linearGroupingInstalled } = require('./packages/bus/src/kafkajs-grouping.ts')",
    'process.stdout.write(JSON.stringify({ installed: linearGroupingInstalled, replaced: grouping === groupMessagesPerPartition, bus: typeof bus.createKafkaBus }))',
  ].join('\n')
  const out = execFileSync(process.execPath, ['--conditions=earshot-source', '--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' })
  expect(JSON.parse(out)).toEqual({ installed: true, replaced: true, bus: 'function' })
})
