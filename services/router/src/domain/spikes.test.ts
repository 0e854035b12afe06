import { sampleClassification, sampleClassifiedMention } from '@earshot/contracts'
import { loadPolicy } from '@earshot/triage'
import { defaultSpikeSettings, incidentIdFor, judgeSpike, nextEpisode, spikeSettingsOf, spikeSignals, suggestedBroadcast } from './spikes.js'

const settings = { ...defaultSpikeSettings, windowMs: 600_000, factor: 4, minCount: 20, baselineWindows: 6, quietMs: 1_800_000 }

describe('spike signals', () => {
  test.each([
    ['negative complaint', sampleClassification(), ['negative']],
    ['negative outage report', sampleClassification({ intents: [{ label: 'outage_report', confidence: 0.7 }] }), ['negative', 'outage']],
    ['neutral outage report', sampleClassification({ sentiment: { label: 'neutral', score: 0.6 }, intents: [{ label: 'outage_report', confidence: 0.5 }] }), ['outage']],
    ['weak outage guess, positive', sampleClassification({ sentiment: { label: 'positive', score: 0.9 }, intents: [{ label: 'outage_report', confidence: 0.3 }] }), []],
  ])('%s counts towards %j', (_name, classification, kinds) => {
    expect(spikeSignals(sampleClassifiedMention({ classification }))).toEqual(kinds)
  })
})

describe('judging a window against its baseline', () => {
  test.each([
    // current, long (current + 6 baseline windows), spike
    [20, 20, true], // nothing before: the minimum count decides
    [19, 19, false], // below the minimum count
    [100, 100 + 6 * 20, true], // 100 > 20 × 4
    [80, 80 + 6 * 20, false], // exactly baseline × factor is not above it
    [40, 40 + 6 * 30, false], // busy tenant: 40 is normal
  ])('current %i with long-window count %i → spike %s', (current, long, spike) => {
    expect(judgeSpike(current, long, settings).spike).toBe(spike)
  })

  test('reports the baseline per window and the threshold it had to beat', () => {
    expect(judgeSpike(100, 220, settings)).toEqual({ spike: true, current: 100, baseline: 20, threshold: 80 })
  })
})

describe('episodes', () => {
  const at = new Date('2026-03-02T08:07:30Z')

  test('a first spike starts an episode at the start of its window, with an id every replica derives alike', () => {
    const episode = nextEpisode(undefined, 'acme-rail', 'outage', true, at, settings)
    expect(episode).toEqual({ incidentId: incidentIdFor('acme-rail', 'outage', '2026-03-02T08:00:00.000Z'), kind: 'outage', startedAt: '2026-03-02T08:00:00.000Z', lastSpikeAt: at.toISOString() })
    expect(episode!.incidentId).toMatch(/^inc_[0-9a-f]{24}$/)
    expect(incidentIdFor('acme-rail', 'negative', '2026-03-02T08:00:00.000Z')).not.toBe(episode!.incidentId)
  })

  test('a spike within the quiet period continues the episode; without a spike the episode stays open until quiet', () => {
    const first = nextEpisode(undefined, 'acme-rail', 'outage', true, at, settings)!
    const later = new Date(at.getTime() + 20 * 60_000)
    expect(nextEpisode(first, 'acme-rail', 'outage', true, later, settings)).toEqual({ ...first, lastSpikeAt: later.toISOString() })
    expect(nextEpisode(first, 'acme-rail', 'outage', false, later, settings)).toBe(first)
  })

  test('after the quiet period nothing is grouped, and the next spike opens a new incident', () => {
    const first = nextEpisode(undefined, 'acme-rail', 'outage', true, at, settings)!
    const muchLater = new Date(at.getTime() + 31 * 60_000)
    expect(nextEpisode(first, 'acme-rail', 'outage', false, muchLater, settings)).toBeUndefined()
    expect(nextEpisode(first, 'acme-rail', 'outage', true, muchLater, settings)!.incidentId).not.toBe(first.incidentId)
  })

  test('no spike and no episode: nothing', () => {
    expect(nextEpisode(undefined, 'acme-rail', 'negative', false, at, settings)).toBeUndefined()
  })
})

test('every kind has a suggested broadcast holding message', () => {
  expect(suggestedBroadcast('outage')).toMatch(/working on it/)
  expect(suggestedBroadcast('negative')).toMatch(/looking into it/)
})

test('the policy spikes block becomes detector settings, with the defaults where it is silent', () => {
  const base = 'version: 1\ntimezone: UTC\nbusiness_hours: { mon-fri: "09:00-17:00" }\n'
  expect(spikeSettingsOf(loadPolicy(base))).toEqual(defaultSpikeSettings)
  expect(spikeSettingsOf(loadPolicy(`${base}spikes: { window: 5m, factor: 3, min_count: 10, baseline_windows: 12, quiet: 1h }\n`)))
    .toEqual({ windowMs: 300_000, factor: 3, minCount: 10, baselineWindows: 12, quietMs: 3_600_000 })
  expect(() => loadPolicy(`${base}spikes: { factor: 1 }\n`)).toThrow(/spikes\.factor/)
})
