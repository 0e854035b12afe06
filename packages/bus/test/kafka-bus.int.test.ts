import { fork } from 'node:child_process'
import { join } from 'node:path'
import { testEnvironment } from '@earshot/testing'
import { createKafkaBus } from '../src/index.js'
import { busContract } from './bus-contract.js'

busContract('Kafka adapter (kafkajs, real broker)', {
  createBus: async () => createKafkaBus({ brokers: testEnvironment().kafkaBrokers, clientId: 'bus-contract' }),
  startStuckMember: async (_bus, groupId, topic) => {
    const child = fork(join(__dirname, 'fixtures', 'stuck-member.ts'), [testEnvironment().kafkaBrokers.join(','), groupId, topic, '6000'], {
      execArgv: ['--conditions=earshot-source', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    const firstBatch = new Promise<string[]>((resolve, reject) => {
      child.on('message', (message: { type: string, offsets?: string[], message?: string }) => {
        if (message.type === 'batch') resolve(message.offsets ?? [])
        if (message.type === 'error') reject(new Error(message.message))
      })
      child.once('exit', (code, signal) => reject(new Error(`stuck member exited (${code ?? signal}) before its first batch`)))
    })
    return {
      firstBatch,
      kill: async () => {
        child.kill('SIGKILL')
        await exited
      },
    }
  },
})
