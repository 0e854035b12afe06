import { createHash } from 'node:crypto'
import type { ClassifiedMention } from '@earshot/contracts'
import type { Policy } from '@earshot/triage'

export const spikeKinds = ['negative', 'outage'] as const
export type SpikeKind = typeof spikeKinds[number]

/** The policy's `spikes:` block, durations in milliseconds. */
export interface SpikeSettings {
  windowMs: number
  /** The current window is a spike above baseline × factor… */
  factor: number
  /** …and at least this many mentions (a quiet tenant's 1 → 5 is not an incident). */
  minCount: number
  /** The baseline is the mean rate of this many windows before the current one. */
  baselineWindows: number
  /** An episode ends after this long without a spiking window; the next spike opens a new incident. */
  quietMs: number
}

export const defaultSpikeSettings: SpikeSettings = { windowMs: 10 * 60_000, factor: 4, minCount: 20, baselineWindows: 6, quietMs: 30 * 60_000 }

/** The policy's `spikes:` block (defaults filled in by the schema) as detector settings. */
export function spikeSettingsOf (policy: Policy): SpikeSettings {
  const { spikes } = policy.document
  return { windowMs: spikes.window, factor: spikes.factor, minCount: spikes.min_count, baselineWindows: spikes.baseline_windows, quietMs: spikes.quiet }
}

const outageConfidence = 0.5

/** Which spike signals a mention counts towards. */
export function spikeSignals (mention: ClassifiedMention): SpikeKind[] {
  const kinds: SpikeKind[] = []
  if (mention.classification.sentiment.label === 'negative') kinds.push('negative')
  if (mention.classification.intents.some((intent) => intent.label === 'outage_report' && intent.confidence >= outageConfidence)) kinds.push('outage')
  return kinds
}

export interface SpikeVerdict {
  spike: boolean
  current: number
  /** Mean count per window over the baseline windows. */
  baseline: number
  threshold: number
}

/** `longCount` covers the current window and the baseline windows before it. */
export function judgeSpike (current: number, longCount: number, settings: SpikeSettings): SpikeVerdict {
  const baseline = Math.max(0, longCount - current) / settings.baselineWindows
  const threshold = Math.max(settings.minCount, baseline * settings.factor)
  return { spike: current >= settings.minCount && current > baseline * settings.factor, current, baseline, threshold }
}

export interface SpikeEpisode {
  incidentId: string
  kind: SpikeKind
  startedAt: string
  lastSpikeAt: string
}

/** Deterministic: every replica that sees the same episode start names the same incident. */
export function incidentIdFor (tenantId: string, kind: SpikeKind, startedAt: string): string {
  return `inc_${createHash('sha256').update(`${tenantId}\u0000${kind}\u0000${startedAt}`).digest('hex').slice(0, 24)}`
}

/**
 * The episode after a window is judged. A spike within `quietMs` of the last one continues the
 * episode; otherwise it starts a new one at the start of the current window (aligned, so replicas
 * agree). Without a spike an episode stays open until it has been quiet for `quietMs`.
 */
export function nextEpisode (previous: SpikeEpisode | undefined, tenantId: string, kind: SpikeKind, spike: boolean, at: Date, settings: SpikeSettings): SpikeEpisode | undefined {
  const live = previous !== undefined && at.getTime() - Date.parse(previous.lastSpikeAt) <= settings.quietMs ? previous : undefined
  if (!spike) return live
  if (live !== undefined) return { ...live, lastSpikeAt: at.toISOString() }
  const startedAt = new Date(Math.floor(at.getTime() / settings.windowMs) * settings.windowMs).toISOString()
  return { incidentId: incidentIdFor(tenantId, kind, startedAt), kind, startedAt, lastSpikeAt: at.toISOString() }
}

const broadcasts: Record<SpikeKind, string> = {
  outage: 'We know some of you are having problems right now and our team is working on it. We\'ll post updates here as soon as we have them, so there\'s no need to message us individually.',
  negative: 'We\'ve seen a lot of you raise concerns in the last few minutes. We\'re looking into it now and will update everyone here shortly.',
}

/** A holding message the brand can post once instead of answering each mention. */
export function suggestedBroadcast (kind: SpikeKind): string {
  return broadcasts[kind]
}
