import { AppError } from '@earshot/errors'

export const errorCodes = [
  'NLP_ERR_MODEL_MISSING',
  'NLP_ERR_MODEL_CORRUPT',
  'NLP_ERR_LEXICON',
  'NLP_ERR_DATA_FORMAT',
  'NLP_ERR_TRAINING',
] as const

export type ErrorCode = typeof errorCodes[number]

export class NlpError extends AppError<ErrorCode> {}

/** A model artifact is missing, unreadable or not what this code expects. */
export class NlpModelError extends NlpError {}

/** An evaluation or training file does not have the expected layout; names the file and line. */
export class NlpDataError extends NlpError {
  readonly file: string
  readonly line: number | undefined

  constructor (file: string, line: number | undefined, message: string) {
    super('NLP_ERR_DATA_FORMAT', `${file}${line === undefined ? '' : `:${line}`}: ${message}`)
    this.file = file
    this.line = line
  }
}
