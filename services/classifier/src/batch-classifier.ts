import { type Classification, ContractError, decodeEvent, encodeClassifiedMention, type ErrorCode, type Mention, messageKeyFor, topics } from '@earshot/contracts'

/** What the service needs from the model: deterministic, so a redelivered mention classifies identically. */
export interface MentionClassifier {
  modelVersion: string
  classify: (mention: Mention) => Classification
}

/** How often each label was given in a batch, for the label-distribution metrics. */
export interface LabelCounts {
  sentiment: Record<string, number>
  urgency: Record<string, number>
  intents: Record<string, number>
}

/** A mentions.v1 message's outcome: its mentions.classified.v1 message, or why it is not a valid mention (for the DLQ). */
export type ClassifiedMessage =
  | { key: string, value: string }
  | { invalid: { code: ErrorCode, message: string } }

export interface ClassifiedBatch {
  /** One outcome per message, in the order of the messages. */
  messages: ClassifiedMessage[]
  labels: LabelCounts
}

/**
 * Decodes, checks against mentions.v1, classifies and encodes a batch of message values. An
 * invalid message is answered with its reason; a failure of the model rejects the whole batch.
 */
export interface MentionBatchClassifier {
  modelVersion: string
  classifyBatch: (values: ReadonlyArray<Uint8Array | null>) => Promise<ClassifiedBatch>
}

function count (counts: Record<string, number>, label: string): void {
  counts[label] = (counts[label] ?? 0) + 1
}

/** The work itself, on whichever thread calls it: the service's worker threads or the event loop. */
export function classifyMessages (classifier: MentionClassifier, values: ReadonlyArray<Uint8Array | null>): ClassifiedBatch {
  const labels: LabelCounts = { sentiment: {}, urgency: {}, intents: {} }
  const messages = values.map((value): ClassifiedMessage => {
    let mention: Mention
    try {
      mention = decodeEvent(topics.mentions, value)
    } catch (err) {
      if (err instanceof ContractError) return { invalid: { code: err.code, message: err.message } }
      throw err
    }
    const classification = classifier.classify(mention)
    count(labels.sentiment, classification.sentiment.label)
    count(labels.urgency, classification.urgency.level)
    for (const intent of classification.intents) count(labels.intents, intent.label)
    // The mention was checked against mentions.v1 when decoded: only the classification is checked again.
    return { key: messageKeyFor(mention), value: encodeClassifiedMention(mention, classification) }
  })
  return { messages, labels }
}

/** Classifies on the caller's thread: the all-in-one process and tests, or a replica given no worker threads. */
export function inProcessBatchClassifier (classifier: MentionClassifier): MentionBatchClassifier {
  return {
    modelVersion: classifier.modelVersion,
    classifyBatch: async (values) => classifyMessages(classifier, values),
  }
}

/** The DLQ error for a message the classifier found invalid (possibly in another thread, where only code and text survive). */
export function invalidMentionError (invalid: { code: ErrorCode, message: string }): ContractError {
  return new ContractError(invalid.code, topics.mentions, invalid.message)
}
