import { sampleClassification, sampleClassifiedMention } from '@earshot/contracts'
import { joinQueue } from './ticket-change.js'

const withUrgency = (score: number, level: 'low' | 'normal' | 'high' | 'critical') =>
  sampleClassifiedMention({ classification: sampleClassification({ urgency: { score, level, reasons: [] } }) })

test('the first mention sets the queue fields; later ones count and keep the most urgent', () => {
  const first = joinQueue(undefined, withUrgency(40, 'normal'))
  expect(first).toEqual({ mentionCount: 1, urgencyScore: 40, urgencyLevel: 'normal' })
  const calmer = joinQueue(first, withUrgency(10, 'low'))
  expect(calmer).toEqual({ mentionCount: 2, urgencyScore: 40, urgencyLevel: 'normal' })
  expect(joinQueue(calmer, withUrgency(90, 'critical'))).toEqual({ mentionCount: 3, urgencyScore: 90, urgencyLevel: 'critical' })
})
