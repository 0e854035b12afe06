import { type FlagName } from '@earshot/contracts'
import { scoreUrgency, type UrgencyInput } from './urgency.js'

const noFlags: Record<FlagName, boolean> = { prRisk: false, pii: false, profanity: false, legalThreat: false, safety: false, spam: false }

function input (overrides: Partial<UrgencyInput> = {}): UrgencyInput {
  return {
    intents: [],
    sentiment: { label: 'neutral', score: 0.8 },
    flags: noFlags,
    accountCompromise: false,
    dataExposure: false,
    blocked: false,
    followers: 120,
    verified: false,
    press: false,
    engagement: { likes: 0, reposts: 0, replies: 0 },
    ...overrides,
  }
}

test('a safety or legal message is critical even when it is also spam, praise or neutral', () => {
  for (const flag of ['safety', 'legalThreat'] as const) {
    for (const intents of [[], ['praise'], ['spam']] as const) {
      const urgency = scoreUrgency(input({ intents, flags: { ...noFlags, [flag]: true, spam: intents.includes('spam' as never) } }))
      expect(urgency.level).toBe('critical')
      expect(urgency.score).toBeGreaterThanOrEqual(75)
      expect(urgency.reasons).toContain(`flag:${flag}`)
    }
  }
})

test('a hacked account or exposed data is critical', () => {
  expect(scoreUrgency(input({ accountCompromise: true })).reasons[0]).toBe('security:account_compromise')
  expect(scoreUrgency(input({ dataExposure: true })).level).toBe('critical')
})

test('the trained detector\'s security reading is critical unless a rule already named it, and not on spam', () => {
  expect(scoreUrgency(input({ securityDetected: true })).reasons).toEqual(['security:detected'])
  expect(scoreUrgency(input({ securityDetected: true, accountCompromise: true })).reasons).toEqual(['security:account_compromise'])
  expect(scoreUrgency(input({ securityDetected: true, intents: ['spam'], flags: { ...noFlags, spam: true } })).level).toBe('low')
})

test('a negative post by an author with 100k followers is critical; the same post by a small account is normal', () => {
  const complaint = { intents: ['complaint'] as const, sentiment: { label: 'negative' as const, score: 0.9 } }
  const big = scoreUrgency(input({ ...complaint, followers: 250_000 }))
  expect(big.level).toBe('critical')
  expect(big.reasons).toEqual(expect.arrayContaining(['reach:high_negative', 'author.followers>=100k']))
  expect(scoreUrgency(input({ ...complaint, followers: 300 })).level).toBe('normal')
  expect(scoreUrgency(input({ ...complaint, press: true, verified: true, followers: 40_000 })).reasons).toContain('reach:press_negative')
})

test('a high-reach post the models only lean negative on is critical; the same lean from a small account changes nothing', () => {
  const leaning = { intents: ['other'] as const, sentiment: { label: 'neutral' as const, score: 0.6 }, leansNegative: true }
  expect(scoreUrgency(input({ ...leaning, press: true, verified: true, followers: 40_000 })).reasons).toEqual(expect.arrayContaining(['reach:press_negative', 'sentiment:leans_negative']))
  // Where the sentiment itself is negative, the lean is not given as the reason.
  expect(scoreUrgency(input({ ...leaning, sentiment: { label: 'negative', score: 0.8 }, followers: 250_000 })).reasons).not.toContain('sentiment:leans_negative')
  expect(scoreUrgency(input({ ...leaning, engagement: { likes: 900, reposts: 60, replies: 10 } })).reasons).toContain('reach:viral_negative')
  expect(scoreUrgency(input({ ...leaning, followers: 300 })).level).toBe('low')
  expect(scoreUrgency(input({ ...leaning, leansNegative: false, followers: 250_000 })).level).toBe('low')
})

test('outages, churn threats and blocked customers are high; complaints and questions normal; praise and spam low', () => {
  expect(scoreUrgency(input({ intents: ['outage_report'] })).level).toBe('high')
  expect(scoreUrgency(input({ intents: ['churn_threat'] })).reasons).toContain('intent:churn_threat')
  expect(scoreUrgency(input({ intents: ['complaint'], sentiment: { label: 'negative', score: 0.7 }, blocked: true })).level).toBe('high')
  expect(scoreUrgency(input({ intents: ['question'] })).level).toBe('normal')
  expect(scoreUrgency(input({ intents: ['praise'], sentiment: { label: 'positive', score: 0.9 } })).level).toBe('low')
  expect(scoreUrgency(input({ intents: ['spam'], flags: { ...noFlags, spam: true }, followers: 500_000 })).level).toBe('low')
})

test('the score stays inside its level band and rises with reach and engagement', () => {
  const base = input({ intents: ['complaint'], sentiment: { label: 'negative', score: 0.9 } })
  const quiet = scoreUrgency(base)
  const loud = scoreUrgency({ ...base, followers: 50_000, verified: true, engagement: { likes: 300, reposts: 20, replies: 10 } })
  expect(loud.level).toBe('normal')
  expect(loud.score).toBeGreaterThan(quiet.score)
  expect(loud.score).toBeLessThanOrEqual(49)
  expect(loud.reasons).toEqual(expect.arrayContaining(['author.followers>=10k', 'engagement>=100', 'author.verified']))
  const everything = scoreUrgency(input({ flags: { ...noFlags, safety: true, legalThreat: true, prRisk: true }, accountCompromise: true, followers: 2_000_000, engagement: { likes: 9000, reposts: 900, replies: 90 }, sentiment: { label: 'negative', score: 1 } }))
  expect(everything.score).toBe(100)
})
