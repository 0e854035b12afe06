import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { authenticate } from '../auth/authenticate.js'
import { authorize } from '../auth/principal.js'
import { badRequest } from '../errors.js'
import type { MetricsRepository } from '../repositories/metrics.js'
import { T } from '../schema.js'
import { errorReplies, tenantParams } from './common.js'

const share = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole)

export const metricsRoutes: FastifyPluginAsyncTypebox<{ metrics: MetricsRepository, now: () => Date }> = async (app, { metrics, now }) => {
  app.get('/tenants/:tenantId/metrics', {
    preHandler: authenticate,
    schema: {
      tags: ['metrics'],
      summary: 'Volume and sentiment over time, first-response p50/p90, SLA attainment and the gratitude index (default: the last 7 days by day)',
      params: tenantParams,
      querystring: T.Object({
        from: T.Optional(T.String({ format: 'date-time' })),
        to: T.Optional(T.String({ format: 'date-time' })),
        bucket: T.Optional(T.StringEnum(['hour', 'day'] as const)),
      }),
      response: {
        200: T.Object({
          from: T.String(),
          to: T.String(),
          bucket: T.String(),
          volume: T.Array(T.Object({ at: T.String(), mentions: T.Integer(), sentiment: T.Object({ positive: T.Integer(), neutral: T.Integer(), negative: T.Integer() }) })),
          firstResponse: T.Object({ tickets: T.Integer(), responded: T.Integer(), p50Seconds: T.Union([T.Number(), T.Null()]), p90Seconds: T.Union([T.Number(), T.Null()]) }),
          slaAttainment: T.Object({ tickets: T.Integer(), met: T.Integer(), share: T.Union([T.Number(), T.Null()]) }),
          gratitudeIndex: T.Object({ positiveMentions: T.Integer(), afterReply: T.Integer(), share: T.Union([T.Number(), T.Null()]) }),
        }),
        ...errorReplies,
      },
    },
  }, async (request) => {
    const { tenantId } = request.params
    authorize(request, tenantId, 'tickets.read')
    const to = request.query.to === undefined ? now() : new Date(request.query.to)
    const from = request.query.from === undefined ? new Date(to.getTime() - 7 * 24 * 3600_000) : new Date(request.query.from)
    if (from >= to) throw badRequest('querystring/from must be before to', 'from')
    const bucket = request.query.bucket ?? 'day'
    if (bucket === 'hour' && to.getTime() - from.getTime() > 31 * 24 * 3600_000) throw badRequest('querystring/bucket hour covers at most 31 days', 'bucket')
    const [volume, response, gratitude] = await Promise.all([metrics.volume(tenantId, from, to, bucket), metrics.firstResponse(tenantId, from, to), metrics.gratitude(tenantId, from, to)])
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      bucket,
      volume: volume.map((v) => ({ at: v.at.toISOString(), mentions: v.mentions, sentiment: { positive: v.positive, neutral: v.neutral, negative: v.negative } })),
      firstResponse: { tickets: response.tickets, responded: response.responded, p50Seconds: response.p50Seconds, p90Seconds: response.p90Seconds },
      slaAttainment: { tickets: response.withSla, met: response.metSla, share: share(response.metSla, response.withSla) },
      gratitudeIndex: { positiveMentions: gratitude.positive, afterReply: gratitude.afterReply, share: share(gratitude.afterReply, gratitude.positive) },
    }
  })
}
