import { mentionSchema } from '@earshot/contracts'
import { generateSampleMentions, sampleHours } from './sample-generator'
import { demoTenants } from './tenants'

const mentions = generateSampleMentions()

test('the same seed writes the same traffic', () => {
  expect(generateSampleMentions().slice(0, 50)).toEqual(mentions.slice(0, 50))
  expect(generateSampleMentions({ seed: 9 })[0]).not.toEqual(mentions[0])
})

test('a few thousand valid mentions of the three demo brands, oldest first, unique ids', () => {
  expect(mentions.length).toBeGreaterThan(2500)
  for (const mention of mentions) expect(mentionSchema.safeParse(mention).success).toBe(true)
  expect(new Set(mentions.map((mention) => mention.tenantId))).toEqual(new Set(demoTenants.map((tenant) => tenant.id)))
  expect(new Set(mentions.map((mention) => mention.id)).size).toBe(mentions.length)
  for (let i = 1; i < mentions.length; i++) expect(Date.parse(mentions[i]!.createdAt)).toBeGreaterThanOrEqual(Date.parse(mentions[i - 1]!.createdAt))
})

test('varied platforms and languages, and replies that thread after their parent', () => {
  expect(new Set(mentions.map((mention) => mention.platform)).size).toBeGreaterThanOrEqual(6)
  expect(new Set(mentions.map((mention) => mention.lang).filter(Boolean)).size).toBeGreaterThanOrEqual(4)
  const position = new Map(mentions.map((mention, index) => [mention.id, index]))
  const replies = mentions.filter((mention) => mention.inReplyToId !== undefined)
  expect(replies.length).toBeGreaterThan(100)
  for (const reply of replies) {
    expect(position.get(reply.inReplyToId!)).toBeLessThan(position.get(reply.id)!)
    expect(reply.conversationId).toBe(reply.inReplyToId)
  }
})

test('the launch-day spike and the outage bursts stand out from the base rate', () => {
  const start = Date.parse(mentions[0]!.createdAt)
  const perTenMinutes = (tenantId: string, fromMinute: number): number => mentions.filter((mention) => {
    const minute = (Date.parse(mention.createdAt) - start) / 60_000
    return mention.tenantId === tenantId && minute >= fromMinute && minute < fromMinute + 10
  }).length
  const base = 110 / 6
  expect(perTenMinutes('emberforge-games', 0)).toBeGreaterThan(base * 4)
  expect(perTenMinutes('northline-rail', 95)).toBeGreaterThan(base * 4)
  expect(perTenMinutes('emberforge-games', 200)).toBeGreaterThan(base * 4)
  expect((Date.parse(mentions[mentions.length - 1]!.createdAt) - start) / 3_600_000).toBeLessThan(sampleHours)
})
