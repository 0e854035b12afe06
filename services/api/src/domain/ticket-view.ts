const closedStatuses = new Set(['resolved', 'closed'])

type Json = Record<string, unknown>
const obj = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Json : undefined)
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/**
 * The nearest SLA deadline still pending: first response until someone responded, next response
 * and resolution while the ticket is open; null once closed or without deadlines.
 */
export function pendingDueAt (status: string, sla: Json, details: Json): string | null {
  if (closedStatuses.has(status)) return null
  const candidates = [
    typeof details.firstResponseAt === 'string' ? undefined : str(sla.firstResponseDueAt),
    str(sla.nextResponseDueAt),
    str(sla.resolutionDueAt),
  ].filter((at): at is string => at !== undefined && !Number.isNaN(Date.parse(at)))
  if (candidates.length === 0) return null
  return candidates.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b))
}

export interface MentionSummary {
  sentiment: string | null
  intents: Array<{ label: string, confidence: number }>
  author: { handle: string | null, displayName: string | null }
  preview: string
}

/** What the queue shows of a ticket's first mention (a classified mentions.v1 event). */
export function summariseMention (event: Json | null): MentionSummary {
  const classification = obj(event?.classification)
  const author = obj(event?.author)
  const intents = Array.isArray(classification?.intents) ? classification.intents : []
  return {
    sentiment: str(obj(classification?.sentiment)?.label) ?? null,
    intents: intents.map(obj).filter((i): i is Json => i !== undefined && typeof i.label === 'string' && typeof i.confidence === 'number')
      .map((i) => ({ label: i.label as string, confidence: i.confidence as number })),
    author: { handle: str(author?.handle) ?? null, displayName: str(author?.name) ?? null },
    preview: (str(event?.text) ?? '').slice(0, 280),
  }
}

export function acknowledgementOf (details: Json): { mode: string, text: string | null, state: string | null } | undefined {
  const ack = obj(details.acknowledgement)
  const mode = str(ack?.mode)
  if (ack === undefined || mode === undefined) return undefined
  return { mode, text: str(ack.text) ?? null, state: str(ack.state) ?? null }
}

export function incidentIdOf (details: Json): string | undefined {
  return str(details.incidentId)
}
