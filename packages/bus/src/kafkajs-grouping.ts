import Module from 'node:module'

// kafkajs 2.2.4, its last release, groups a send's messages by partition by copying the partition's
// array once per message (`[...current, message]`): quadratic in the messages per partition, and the
// bus's lingered sends carry hundreds. It was a third of a busy classifier's allocations (the fix,
// tulios/kafkajs#1576, was never merged). The same grouping, linear, takes the module's place in
// Node's module cache before kafkajs loads it; kafka-bus.ts imports this file before kafkajs.

interface GroupingArgs<M> {
  topic: string
  partitionMetadata: readonly unknown[]
  messages: readonly M[]
  partitioner: (args: { topic: string, partitionMetadata: readonly unknown[], message: M }) => number
}

/** kafkajs's groupMessagesPerPartition, same result (partition → its messages in order), in one pass. */
export function groupMessagesPerPartition<M> ({ topic, partitionMetadata, messages, partitioner }: GroupingArgs<M>): Record<number, M[]> {
  const groups: Record<number, M[]> = {}
  if (partitionMetadata.length === 0) return groups
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message })
    const group = groups[partition]
    if (group === undefined) groups[partition] = [message]
    else group.push(message)
  }
  return groups
}

const groupingModule = 'kafkajs/src/producer/groupMessagesPerPartition.js'
const senderModule = 'kafkajs/src/producer/sendMessages.js'

/**
 * Puts the linear grouping in place of kafkajs's. Returns false where it cannot: kafkajs's producer
 * was loaded already, or a module registry other than Node's (Jest's) is in use; kafkajs's own
 * grouping, slower but equal, then stays.
 */
export function installLinearGrouping (): boolean {
  if (typeof require === 'undefined' || typeof require.resolve !== 'function' || typeof require.cache !== 'object') return false
  let target: string
  let sender: string
  try {
    target = require.resolve(groupingModule)
    sender = require.resolve(senderModule)
  } catch {
    return false
  }
  const cached = require.cache[target]
  if (cached !== undefined) return cached.exports === groupMessagesPerPartition
  if (require.cache[sender] !== undefined) return false
  const replacement = new Module(target)
  replacement.filename = target
  replacement.loaded = true
  replacement.exports = groupMessagesPerPartition
  require.cache[target] = replacement
  return true
}

export const linearGroupingInstalled = installLinearGrouping()
