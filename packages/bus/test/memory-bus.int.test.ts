import { MemoryBus } from '../src/index.js'
import { busContract } from './bus-contract.js'

busContract('in-memory adapter', {
  createBus: async () => new MemoryBus(),
  startStuckMember: async (bus, groupId, topic) => {
    if (!(bus instanceof MemoryBus)) throw new TypeError('expected a MemoryBus')
    let reported: (offsets: string[]) => void = () => {}
    const firstBatch = new Promise<string[]>((resolve) => { reported = resolve })
    const member = bus.consumer({
      groupId,
      topics: [topic],
      handler: async (batch) => {
        reported(batch.messages.map((m) => m.offset))
        await new Promise(() => {})
      },
    })
    await member.start()
    return { firstBatch, kill: async () => { await bus.crash(member) } }
  },
})
