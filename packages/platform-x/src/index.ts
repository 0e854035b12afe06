export { errorCodes, type ErrorCode, PlatformXError, ReplyFailedError, ReplyInDoubtError } from './errors.js'
export { createReplySender, type ReplyRequest, type ReplyResult, type ReplySender, type ReplySenderOptions } from './reply-sender.js'
export { createXClient, defaultXBaseUrl, networkCause, type XClient, type XClientOptions } from './x-client.js'
