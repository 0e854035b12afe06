import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Logger } from '@earshot/observability'
import type { ClassifiedBatch, MentionBatchClassifier } from './batch-classifier.js'

/** A batch for a thread: the message values back to back, `ends[i]` where value i ends. Both buffers are transferred, not copied. */
export interface ThreadRequest {
  id: number
  bytes: Uint8Array
  ends: Uint32Array
  /** Messages without a value (null, not empty). */
  absent: number[]
}

export type ThreadReply =
  | { kind: 'ready', modelVersion: string }
  | { kind: 'classified', id: number, batch: ClassifiedBatch }
  | { kind: 'failed', id: number, message: string }

interface Pending {
  resolve: (batch: ClassifiedBatch) => void
  reject: (err: Error) => void
}

interface Thread {
  worker: Worker
  pending: Map<number, Pending>
  alive: boolean
}

export interface ClassificationThreads extends MentionBatchClassifier {
  /** Batches handed to a thread and not yet answered. */
  inFlight: () => number
  /** Threads with the model loaded and answering; fewer than asked for while a dead one is replaced. */
  running: () => number
  close: () => Promise<void>
}

// Compiled, the thread is dist/classification-thread.js. From source (tsx, Jest) it is the .ts beside
// this file, loaded through tsx's require hook with the source condition, since a worker does not
// inherit the parent's loader hooks.
const compiledEntry = join(__dirname, 'classification-thread.js')
const defaultEntry = existsSync(compiledEntry) ? compiledEntry : join(__dirname, 'classification-thread.ts')

function newWorker (entry: string): Worker {
  if (!entry.endsWith('.ts')) return new Worker(entry)
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)})`, { eval: true, execArgv: ['--conditions=earshot-source'] })
}

export interface ClassificationThreadsOptions {
  threads: number
  logger: Logger
  /** The thread's script; tests give one that misbehaves. */
  entry?: string
}

/**
 * Classification in worker threads, each with its own copy of the model. The event loop then only
 * fetches, produces and commits while the threads decode and classify, so one replica uses a second
 * core when it has one (about half of a mention's CPU time is classification). A batch goes to the
 * thread with the fewest batches in hand; a thread that dies fails its batches (the consumer
 * retries them) and is replaced.
 */
export async function startClassificationThreads (options: ClassificationThreadsOptions): Promise<ClassificationThreads> {
  if (!Number.isInteger(options.threads) || options.threads < 1) throw new Error(`threads must be a positive integer, got ${options.threads}`)
  const log = options.logger.child({ component: 'classification-threads' })
  let closing = false
  let nextId = 0
  let modelVersion = ''

  function spawn (): Promise<Thread> {
    const worker = newWorker(options.entry ?? defaultEntry)
    const thread: Thread = { worker, pending: new Map(), alive: true }
    return new Promise((resolve, reject) => {
      let ready = false
      worker.on('message', (reply: ThreadReply) => {
        if (reply.kind === 'ready') {
          ready = true
          modelVersion = reply.modelVersion
          resolve(thread)
          return
        }
        const pending = thread.pending.get(reply.id)
        if (pending === undefined) return
        thread.pending.delete(reply.id)
        if (reply.kind === 'classified') pending.resolve(reply.batch)
        else pending.reject(new Error(`a classification thread failed on a batch: ${reply.message}`))
      })
      worker.on('error', (err) => {
        if (!ready) reject(new Error(`a classification thread failed to start: ${err.message}`, { cause: err }))
        else log.error({ err }, 'a classification thread failed')
      })
      worker.on('exit', (code) => {
        thread.alive = false
        for (const pending of thread.pending.values()) pending.reject(new Error(`a classification thread exited (code ${code}) before answering`))
        thread.pending.clear()
        if (!ready) { reject(new Error(`a classification thread exited (code ${code}) while loading the model`)); return }
        if (closing) return
        const index = threads.indexOf(thread)
        log.warn({ code }, 'a classification thread exited; starting another')
        spawn().then(async (replacement) => { if (closing) await replacement.worker.terminate(); else threads[index] = replacement }, (err: unknown) => log.error({ err }, 'a classification thread could not be replaced'))
      })
    })
  }

  const threads: Thread[] = []
  try {
    threads.push(...await Promise.all(Array.from({ length: options.threads }, spawn)))
  } catch (err) {
    closing = true
    await Promise.all(threads.map(async (thread) => await thread.worker.terminate()))
    throw err
  }

  return {
    get modelVersion () { return modelVersion },
    async classifyBatch (values) {
      if (closing) throw new Error('the classification threads are closed')
      // One buffer for the batch, transferred: a message value is a view of the whole fetch response, which posting would copy.
      let total = 0
      for (const value of values) total += value?.length ?? 0
      const bytes = new Uint8Array(total)
      const ends = new Uint32Array(values.length)
      const absent: number[] = []
      let at = 0
      values.forEach((value, i) => {
        if (value === null) absent.push(i)
        else { bytes.set(value, at); at += value.length }
        ends[i] = at
      })
      const thread = threads.filter((candidate) => candidate.alive).reduce<Thread | undefined>((least, candidate) => least === undefined || candidate.pending.size < least.pending.size ? candidate : least, undefined)
      // Every thread died and is being replaced: the consumer retries the batch after a pause.
      if (thread === undefined) throw new Error('no classification thread is running; the replacements are loading the model')
      const id = nextId++
      return await new Promise<ClassifiedBatch>((resolve, reject) => {
        thread.pending.set(id, { resolve, reject })
        thread.worker.postMessage({ id, bytes, ends, absent } satisfies ThreadRequest, [bytes.buffer, ends.buffer])
      })
    },
    inFlight: () => threads.reduce((sum, thread) => sum + thread.pending.size, 0),
    running: () => threads.filter((thread) => thread.alive).length,
    async close () {
      closing = true
      await Promise.all(threads.map(async (thread) => await thread.worker.terminate()))
    },
  }
}
