import { sampleClassifiedMention } from '@earshot/contracts'
import { evaluate } from './evaluate.js'
import { loadPolicy } from './policy.js'
import { queueCountLimit } from './queue-count.js'

const head = (overspill: string): string => `timezone: Europe/London
business_hours: { mon-fri: "08:00-20:00" }
coverage: { in_hours: brand, out_of_hours: agency${overspill} }
`

describe('queueCountLimit', () => {
  test.each<[string, string, number]>([
    ['a policy that never looks at the queue needs no count', `${head('')}rules:\n  - name: all\n    then: [ { tag: [x] } ]\n`, 0],
    ['overspill alone: one past its threshold', head(', overspill: { queue_over: 150, to: agency }'), 151],
    ['the largest threshold of overspill and nested queue conditions', `${head(', overspill: { queue_over: 150, to: agency }')}rules:
  - name: busy
    when: { any: [ { not: { queue: { over: 400 } } }, { all: [ { queue: { over: 20 } } ] } ] }
    then: [ { tag: [busy] } ]
`, 401],
  ])('%s', (_name, yaml, limit) => {
    expect(queueCountLimit(loadPolicy(yaml))).toBe(limit)
  })

  test('a queue counted up to the limit decides like the full count, and the explanation says it is a lower bound', () => {
    const policy = loadPolicy(`${head(', overspill: { queue_over: 150, to: agency }')}rules:
  - name: overspill tag
    when: { queue: { over: 150 } }
    then: [ { tag: [overspill] } ]
`)
    const monday = new Date('2026-03-02T10:00:00Z')
    const mention = sampleClassifiedMention({ receivedAt: monday.toISOString() })
    const full = evaluate(policy, { mention, queueSize: 9000 }, monday)
    const counted = evaluate(policy, { mention, queueSize: queueCountLimit(policy), queueSizeIsLowerBound: true }, monday)
    expect(counted.coverage).toEqual(full.coverage)
    expect(counted.tags).toEqual(full.tags)
    expect(counted.explanation.rules[0]?.condition?.detail).toBe('queue ≥ 151 > 150 ✓')
  })
})
