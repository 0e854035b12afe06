import type { Pool } from '@earshot/store'

export type Bucket = 'hour' | 'day'

/**
 * Tenant dashboards. First response is the ticket's `details.firstResponseAt` (set by acknowledge
 * and reply, from the console, the API or the router's auto-acknowledgement path).
 */
export function createMetricsRepository (pool: Pool) {
  return {
    async volume (tenantId: string, from: Date, to: Date, bucket: Bucket): Promise<Array<{ at: Date, mentions: number, positive: number, neutral: number, negative: number }>> {
      const { rows } = await pool.query<{ at: Date, mentions: string, positive: string, neutral: string, negative: string }>(
        `SELECT date_trunc($4, received_at) AS at, count(*) AS mentions,
           count(*) FILTER (WHERE event -> 'classification' -> 'sentiment' ->> 'label' = 'positive') AS positive,
           count(*) FILTER (WHERE event -> 'classification' -> 'sentiment' ->> 'label' = 'neutral') AS neutral,
           count(*) FILTER (WHERE event -> 'classification' -> 'sentiment' ->> 'label' = 'negative') AS negative
         FROM mentions WHERE tenant_id = $1 AND received_at >= $2 AND received_at < $3
         GROUP BY 1 ORDER BY 1`, [tenantId, from, to, bucket])
      return rows.map((r) => ({ at: r.at, mentions: Number(r.mentions), positive: Number(r.positive), neutral: Number(r.neutral), negative: Number(r.negative) }))
    },

    async firstResponse (tenantId: string, from: Date, to: Date): Promise<{ tickets: number, responded: number, p50Seconds: number | null, p90Seconds: number | null, withSla: number, metSla: number }> {
      const { rows } = await pool.query<{ tickets: string, responded: string, p50: number | null, p90: number | null, with_sla: string, met_sla: string }>(
        `WITH t AS (
           SELECT created_at, (details ->> 'firstResponseAt')::timestamptz AS responded_at, first_response_due_at AS due_at
           FROM tickets WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3)
         SELECT count(*) AS tickets, count(responded_at) AS responded,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM responded_at - created_at)) AS p50,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM responded_at - created_at)) AS p90,
           count(due_at) AS with_sla, count(*) FILTER (WHERE responded_at <= due_at) AS met_sla
         FROM t`, [tenantId, from, to])
      const r = rows[0]
      return {
        tickets: Number(r?.tickets ?? 0),
        responded: Number(r?.responded ?? 0),
        p50Seconds: r?.p50 === null || r?.p50 === undefined ? null : Number(r.p50),
        p90Seconds: r?.p90 === null || r?.p90 === undefined ? null : Number(r.p90),
        withSla: Number(r?.with_sla ?? 0),
        metSla: Number(r?.met_sla ?? 0),
      }
    },

    /** Positive mentions in the window, and those arriving on a ticket after our first response. */
    async gratitude (tenantId: string, from: Date, to: Date): Promise<{ positive: number, afterReply: number }> {
      const { rows } = await pool.query<{ positive: string, after_reply: string }>(
        `SELECT count(*) AS positive,
           count(*) FILTER (WHERE m.received_at > (t.details ->> 'firstResponseAt')::timestamptz) AS after_reply
         FROM mentions m LEFT JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
         WHERE m.tenant_id = $1 AND m.received_at >= $2 AND m.received_at < $3
           AND m.event -> 'classification' -> 'sentiment' ->> 'label' = 'positive'`, [tenantId, from, to])
      return { positive: Number(rows[0]?.positive ?? 0), afterReply: Number(rows[0]?.after_reply ?? 0) }
    },
  }
}

export type MetricsRepository = ReturnType<typeof createMetricsRepository>
