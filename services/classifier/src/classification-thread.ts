import { parentPort } from 'node:worker_threads'
import { createMentionClassifier } from '@earshot/nlp'
import { classifyMessages } from './batch-classifier.js'
import type { ThreadReply, ThreadRequest } from './classification-threads.js'

// One of the service's classification threads (see classification-threads.ts): it loads its own
// copy of the model and answers each batch of mentions.v1 message values with their outcomes.
if (parentPort === null) throw new Error('classification-thread runs as a worker thread of the classifier service')
const port = parentPort
const classifier = createMentionClassifier()

port.on('message', (request: ThreadRequest) => {
  let reply: ThreadReply
  try {
    const values: Array<Uint8Array | null> = []
    let start = 0
    for (const end of request.ends) {
      values.push(request.bytes.subarray(start, end))
      start = end
    }
    for (const i of request.absent) values[i] = null
    reply = { kind: 'classified', id: request.id, batch: classifyMessages(classifier, values) }
  } catch (err) {
    reply = { kind: 'failed', id: request.id, message: err instanceof Error ? err.stack ?? err.message : String(err) }
  }
  port.postMessage(reply)
})
port.postMessage({ kind: 'ready', modelVersion: classifier.modelVersion } satisfies ThreadReply)
