import { AppError } from '@earshot/errors'

export const errorCodes = [
  'BUS_ERR_PRODUCE',
  'BUS_ERR_UNKNOWN_TOPIC',
  'BUS_ERR_CLOSED',
  'BUS_ERR_INVALID_MESSAGE',
  'BUS_ERR_TOPIC_SETUP',
] as const

export type ErrorCode = typeof errorCodes[number]

export class BusError extends AppError<ErrorCode> {}

export class ProduceError extends BusError {
  readonly topic: string
  constructor (topic: string, message: string, options: { cause?: unknown, retriable?: boolean } = {}) {
    super('BUS_ERR_PRODUCE', message, options)
    this.topic = topic
  }
}
