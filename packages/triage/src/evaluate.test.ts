import { type ClassifiedMention, sampleClassification, sampleClassifiedMention } from '@earshot/contracts'
import { type TriageInput, evaluate } from './evaluate.js'
import { loadPolicy } from './policy.js'

const base = `timezone: Europe/London
business_hours: { mon-fri: "08:00-20:00", sat: "09:00-17:00" }
holidays: [2026-12-25]
coverage:
  in_hours: brand
  out_of_hours: agency
  overspill: { queue_over: 200, to: agency }
permissions: { agency_may_reply: false }
lists: { vip: ["@Commuter_Jo"], blocked: [spammer] }
slas:
  critical: { first_response: 15m, clock: calendar }
  high:     { first_response: 1h, next_response: 30m, resolution: 1d }
  normal:   { first_response: 4h }
templates:
  holding: "Hi {{author.handle}}, we'll pick this up within {{sla.first_response}} (back {{business_hours.next_open}})."
  sorry: "Sorry {{author.name}}, priority {{ticket.priority}} on {{platform}}."
`

/** Monday 2 March 2026, 10:00 GMT: in business hours. */
const inHours = new Date('2026-03-02T10:00:00Z')
/** Sunday 1 March 2026, 10:00 GMT: out of hours. */
const outOfHours = new Date('2026-03-01T10:00:00Z')

function mention (overrides: Partial<ClassifiedMention> = {}, classification: Partial<ClassifiedMention['classification']> = {}): ClassifiedMention {
  return sampleClassifiedMention({ receivedAt: '2026-03-02T10:00:00Z', ...overrides, classification: sampleClassification(classification) })
}

function policyWithRule (when: string): ReturnType<typeof loadPolicy> {
  return loadPolicy(`${base}rules:\n  - name: probe\n    when: ${when}\n    then: [ { tag: [hit] } ]\n`)
}

const flags = sampleClassification().flags

describe('each condition kind matches and records what it saw', () => {
  test.each<[string, string, TriageInput, Date, boolean, string]>([
    ['flag set', '{ flag: safety }', { mention: mention({}, { flags: { ...flags, safety: true } }) }, inHours, true, 'flag safety = true ✓'],
    ['flag unset', '{ flag: legalThreat }', { mention: mention() }, inHours, false, 'flag legalThreat = false ✗'],
    ['sentiment label', '{ sentiment: negative }', { mention: mention() }, inHours, true, 'sentiment negative = negative ✓'],
    ['sentiment label and score', '{ sentiment: { label: negative, min_score: 0.95 } }', { mention: mention() }, inHours, false,
      'sentiment negative = negative ✓ and sentiment score 0.93 ≥ 0.95 ✗'],
    ['intent above threshold', '{ intent: { label: complaint, min_confidence: 0.6 } }',
      { mention: mention({}, { intents: [{ label: 'complaint', confidence: 0.83 }] }) }, inHours, true, 'intent complaint 0.83 ≥ 0.6 ✓'],
    ['intent below threshold', '{ intent: { label: question, min_confidence: 0.7 } }', { mention: mention() }, inHours, false, 'intent question 0.61 ≥ 0.7 ✗'],
    ['intent absent', '{ intent: churn_threat }', { mention: mention() }, inHours, false, 'intent churn_threat absent ≥ 0.5 ✗'],
    ['urgency level at least', '{ urgency: normal }', { mention: mention() }, inHours, true, 'urgency high ≥ normal ✓'],
    ['urgency level and score', '{ urgency: { at_least: critical, min_score: 70 } }', { mention: mention() }, inHours, false,
      'urgency high ≥ critical ✗ and urgency score 72 ≥ 70 ✓'],
    ['platform in list', '{ platform: [reddit, x] }', { mention: mention() }, inHours, true, 'platform x in [reddit, x] ✓'],
    ['source', '{ source: webhook-forms }', { mention: mention() }, inHours, false, 'source x-mentions in [webhook-forms] ✗'],
    ['author followers', '{ author: { min_followers: 100000 } }', { mention: mention() }, inHours, false, 'author followers 312 ≥ 100000 ✗'],
    ['author verified', '{ author: { verified: false } }', { mention: mention() }, inHours, true, 'author verified false = false ✓'],
    ['author in VIP list (case and @ ignored)', '{ author: { in_list: vip } }', { mention: mention() }, inHours, true, 'author @commuter_jo in list vip ✓'],
    ['author not in blocklist', '{ author: { not_in_list: blocked } }', { mention: mention() }, inHours, true,
      'author @commuter_jo not in list blocked, want not in ✓'],
    ['text any keyword, whole word, case-insensitive', '{ text: { any: [CANCELLED, refund] } }', { mention: mention() }, inHours, true,
      'text any of [CANCELLED, refund]: found [CANCELLED] ✓'],
    ['text keyword is not matched inside a word', '{ text: { any: [cancel] } }', { mention: mention() }, inHours, false, 'text any of [cancel]: found [] ✗'],
    ['text all keywords and phrases', '{ text: { all: [third cancelled, "8:15"] } }', { mention: mention() }, inHours, true,
      'text all of [third cancelled, 8:15]: found [third cancelled, 8:15] ✓'],
    ['text none', '{ text: { none: [unbelievable] } }', { mention: mention() }, inHours, false, 'text none of [unbelievable]: found [unbelievable] ✗'],
    ['text regex', '{ text: { regex: "\\\\b\\\\d{1,2}:\\\\d{2}\\\\b" } }', { mention: mention() }, inHours, true, 'text /\\b\\d{1,2}:\\d{2}\\b/i matched "8:15" ✓'],
    ['language with region', '{ language: en }', { mention: mention({}, { language: 'en-GB' }) }, inHours, true, 'language en-GB in [en] ✓'],
    ['time in business hours', '{ time: { in_business_hours: true } }', { mention: mention() }, inHours, true, 'in business hours true = true ✓'],
    ['time weekday in policy zone', '{ time: { weekday: [sat, sun] } }', { mention: mention() }, outOfHours, true, 'weekday sun in [sat, sun] ✓'],
    ['conversation state', '{ conversation: [existing, reopened] }', { mention: mention(), conversation: { state: 'reopened' } }, inHours, true,
      'conversation reopened in [existing, reopened] ✓'],
    ['queue over', '{ queue: { over: 200 } }', { mention: mention(), queueSize: 200 }, inHours, false, 'queue 200 > 200 ✗'],
  ])('%s', (_name, when, input, now, matched, detail) => {
    const decision = evaluate(policyWithRule(when), input, now)
    const rule = decision.explanation.rules[0]
    expect(rule?.matched).toBe(matched)
    expect(rule?.condition?.detail).toBe(detail)
    expect(decision.tags.includes('hit')).toBe(matched)
  })

  test('combinators evaluate every branch and record each value', () => {
    const decision = evaluate(policyWithRule('{ all: [ { any: [ { flag: spam }, { sentiment: negative } ] }, { not: { platform: reddit } } ] }'),
      { mention: mention() }, inHours)
    expect(decision.explanation.lines.slice(0, 7)).toEqual([
      'rule 1 "probe": matched → tag',
      '  all (2/2 true) ✓',
      '    any (1/2 true) ✓',
      '      flag spam = false ✗',
      '      sentiment negative = negative ✓',
      '    not (false) ✓',
      '      platform x in [reddit] ✗',
    ])
  })
})

describe('rules', () => {
  const policy = loadPolicy(`${base}rules:
  - name: complaints
    when: { intent: complaint }
    then: [ { tag: [complaint] }, { assign: { team: care } }, { acknowledge: { template: sorry, mode: suggest } } ]
  - name: vip
    when: { author: { in_list: vip } }
    then: [ { escalate: { team: vip-desk, priority: critical, notify: [pager], again_after: 30m } }, { acknowledge: { template: holding, mode: auto } } ]
    stop: true
  - name: questions
    when: { intent: question }
    then: [ { tag: [question] } ]
  - name: never
    when: { flag: spam }
    then: [ { close: spam } ]
`)

  test('every matching rule applies in order until stop; later matches are recorded but not applied', () => {
    const decision = evaluate(policy, { mention: mention() }, inHours)
    expect(decision.matchedRules).toEqual(['complaints', 'vip'])
    expect(decision.actions.map((action) => `${action.rule}:${action.kind}:${action.effect}`)).toEqual([
      'complaints:tag:applied', 'complaints:assign:applied', 'complaints:acknowledge:applied',
      'vip:escalate:superseded', 'vip:acknowledge:superseded',
    ])
    expect(decision.explanation.rules.map(({ name, matched, applied, stoppedBy }) => ({ name, matched, applied, stoppedBy }))).toEqual([
      { name: 'complaints', matched: true, applied: true, stoppedBy: undefined },
      { name: 'vip', matched: true, applied: true, stoppedBy: undefined },
      { name: 'questions', matched: true, applied: false, stoppedBy: 'vip' },
      { name: 'never', matched: false, applied: false, stoppedBy: undefined },
    ])
    expect(decision.explanation.lines).toContain('rule 3 "questions": matched, not applied (stopped by "vip")')
  })

  test('first decision wins for team and acknowledgement, priority only rises, tags accumulate', () => {
    const decision = evaluate(policy, { mention: mention(), conversation: { state: 'new', tags: ['earlier'] } }, inHours)
    expect(decision).toMatchObject({ team: 'care', priority: 'critical', status: 'escalated', tags: ['earlier', 'complaint'] })
    expect(decision.acknowledgement).toMatchObject({ mode: 'suggest', template: 'sorry', text: 'Sorry Jo, priority critical on x.' })
    expect(decision.notifications).toEqual([{ channel: 'pager', team: 'vip-desk', priority: 'critical', rule: 'vip' }])
  })

  test('schedules re-escalation and SLA checks as absolute times', () => {
    const decision = evaluate(policy, { mention: mention() }, inHours)
    expect(decision.scheduled).toEqual([
      { kind: 'sla_pre_breach', at: '2026-03-02T10:12:00.000Z', target: 'first_response' },
      { kind: 'sla_breach', at: '2026-03-02T10:15:00.000Z', target: 'first_response' },
      { kind: 're_escalation', at: '2026-03-02T10:30:00.000Z', rule: 'vip', unless: ['replied'], then: expect.objectContaining({ escalate: expect.anything() }) },
    ])
  })

  test('is deterministic for the same policy, input and now', () => {
    const input = { mention: mention() }
    expect(evaluate(policy, input, inHours)).toEqual(evaluate(policy, input, inHours))
  })
})

describe('coverage and acknowledgement', () => {
  const policy = loadPolicy(`${base}rules:
  - name: complaints
    when: { intent: complaint }
    then:
      - acknowledge: { template: sorry, mode: auto, delay: 2m }
      - follow_up: { after: 2h, clock: business, unless: resolved, then: { escalate: { team: duty-manager } } }
`)

  test('in hours the brand works the ticket and the requested template is used', () => {
    const decision = evaluate(policy, { mention: mention(), queueSize: 10 }, inHours)
    expect(decision.coverage).toEqual({ who: 'brand', why: 'in_hours', inBusinessHours: true, triageOnly: false })
    expect(decision.acknowledgement).toMatchObject({ mode: 'auto', template: 'sorry', sendAt: '2026-03-02T10:02:00.000Z' })
  })

  test('over the queue threshold the agency takes the overspill and, triage-only, posts only the holding message', () => {
    const decision = evaluate(policy, { mention: mention(), queueSize: 201 }, inHours)
    expect(decision.coverage).toEqual({ who: 'agency', why: 'overspill', inBusinessHours: true, triageOnly: true })
    expect(decision.acknowledgement).toMatchObject({
      mode: 'auto',
      template: 'holding',
      requestedTemplate: 'sorry',
      text: 'Hi commuter_jo, we\'ll pick this up within 1 hour (back Mon 2 Mar 10:00).',
    })
  })

  test('out of hours the agency covers until business hours start, and the handover is scheduled', () => {
    const decision = evaluate(policy, { mention: mention({ receivedAt: '2026-03-01T10:00:00Z' }) }, outOfHours)
    expect(decision.coverage).toEqual({ who: 'agency', why: 'out_of_hours', inBusinessHours: false, triageOnly: true, handoverAt: '2026-03-02T08:00:00.000Z' })
    expect(decision.acknowledgement?.text).toBe('Hi commuter_jo, we\'ll pick this up within 1 hour (back Mon 2 Mar 08:00).')
    expect(decision.scheduled.map((item) => `${item.kind}@${item.at}`)).toEqual([
      'handover@2026-03-02T08:00:00.000Z',
      'sla_pre_breach@2026-03-02T08:48:00.000Z',
      'sla_breach@2026-03-02T09:00:00.000Z',
      'follow_up@2026-03-02T10:00:00.000Z',
      // resolution 1d on the business clock: 24 business hours = Monday 12h + Tuesday 12h
      'sla_pre_breach@2026-03-03T15:12:00.000Z',
      'sla_breach@2026-03-03T20:00:00.000Z',
    ])
  })

  test('an existing conversation gets a next-response clock instead of first response', () => {
    const decision = evaluate(policy, { mention: mention(), conversation: { state: 'existing', priority: 'high' } }, inHours)
    expect(decision.sla.map((deadline) => [deadline.target, deadline.dueAt])).toEqual([['next_response', '2026-03-02T10:30:00.000Z']])
  })

  test('closing a ticket drops acknowledgement, follow-ups and SLA checks', () => {
    const closing = loadPolicy(`${base}rules:
  - name: ack
    then: [ { acknowledge: { template: sorry } }, { follow_up: { after: 1h, then: { tag: [x] } } } ]
  - name: spam
    then: [ { close: spam } ]
`)
    const decision = evaluate(closing, { mention: mention() }, inHours)
    expect(decision).toMatchObject({ status: 'closed', closeReason: 'spam', acknowledgement: null, sla: [], scheduled: [] })
    expect(decision.actions.filter((action) => action.effect === 'superseded').map((action) => action.note)).toEqual(['ticket closed', 'ticket closed'])
  })

  test('rejects an invalid now with TRIAGE_ERR_INVALID_ARGUMENT', () => {
    expect(() => evaluate(policy, { mention: mention() }, new Date(Number.NaN))).toThrow(expect.objectContaining({ code: 'TRIAGE_ERR_INVALID_ARGUMENT' }))
  })
})
