import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { formatPolicyIssue } from './errors.js'
import { sampleClassification, sampleClassifiedMention } from '@earshot/contracts'
import { evaluate } from './evaluate.js'
import { loadPolicy, parsePolicy } from './policy.js'

const examplesDir = join(__dirname, '..', 'examples')
const examples = readdirSync(examplesDir).filter((file) => file.endsWith('.yaml'))

test('the three example policies are present', () => {
  expect(examples.sort()).toEqual(['fast-food-chain.yaml', 'game-publisher-launch.yaml', 'rail-operator.yaml'])
})

test.each(examples)('example %s loads without errors', (file) => {
  const result = parsePolicy(readFileSync(join(examplesDir, file), 'utf8'), { source: file })
  expect(result.ok ? [] : result.errors.map(formatPolicyIssue)).toEqual([])
})

const load = (file: string) => loadPolicy(readFileSync(join(examplesDir, file), 'utf8'), { source: file })

test('rail operator: a safety report at night goes to the control room, acknowledged with the holding message by the triage-only agency', () => {
  const mention = sampleClassifiedMention({
    text: 'There is a person on the track at Leeds platform 4',
    receivedAt: '2026-03-03T01:00:00Z',
    classification: sampleClassification({ flags: { ...sampleClassification().flags, safety: true } }),
  })
  const decision = evaluate(load('rail-operator.yaml'), { mention }, new Date('2026-03-03T01:00:00Z'))
  expect(decision).toMatchObject({ matchedRules: ['safety on the network'], team: 'control-room', priority: 'critical', status: 'escalated' })
  expect(decision.coverage).toMatchObject({ who: 'agency', why: 'out_of_hours', triageOnly: true, handoverAt: '2026-03-03T07:00:00.000Z' })
  expect(decision.acknowledgement).toMatchObject({ mode: 'auto', template: 'holding', requestedTemplate: 'safety' })
})

test('fast-food chain: Friday 01:00 is still brand hours (overnight span), Saturday 03:00 is agency cover', () => {
  const policy = load('fast-food-chain.yaml')
  const mention = sampleClassifiedMention({ text: 'my delivery order is missing and cold' })
  expect(evaluate(policy, { mention }, new Date('2026-03-07T01:00:00Z')).coverage.who).toBe('brand')
  const late = evaluate(policy, { mention }, new Date('2026-03-07T03:00:00Z'))
  expect(late.coverage).toMatchObject({ who: 'agency', handoverAt: '2026-03-07T09:00:00.000Z' })
  expect(late.matchedRules).toEqual(['order problems', 'weekend nights get a follow-up'])
})

test('game publisher: an outage report over the queue threshold is overspill to the agency, which may reply', () => {
  const mention = sampleClassifiedMention({
    text: 'servers down again, cannot connect',
    classification: sampleClassification({ intents: [{ label: 'outage_report', confidence: 0.9 }] }),
  })
  const decision = evaluate(load('game-publisher-launch.yaml'), { mention, queueSize: 500 }, new Date('2026-03-02T16:00:00Z'))
  expect(decision.coverage).toEqual({ who: 'agency', why: 'overspill', inBusinessHours: true, triageOnly: false })
  expect(decision.matchedRules).toEqual(['outage spike', 'overspill to the agency'])
  expect(decision.acknowledgement).toMatchObject({ mode: 'auto', template: 'outage' })
})
