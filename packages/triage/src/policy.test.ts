import { formatPolicyIssue } from './errors.js'
import { loadPolicy, parsePolicy } from './policy.js'

const header = `timezone: Europe/London
business_hours: { mon-fri: "08:00-20:00" }
`

function errorsOf (yamlText: string): string[] {
  const result = parsePolicy(yamlText, { source: 'policy.yaml' })
  return result.ok ? [] : result.errors.map(formatPolicyIssue)
}

describe('parsePolicy reports each error with the line and column of the offending node', () => {
  test.each([
    ['an unknown priority',
      `${header}rules:
  - name: a
    then:
      - escalate:
          team: legal
          priority: urgent
`, ['policy.yaml:8:21 rules[0].then[0].escalate.priority: expected one of low|normal|high|critical, got "urgent"']],
    ['a priority in a later rule and flow style',
      `${header}rules:
  - name: a
    then: [ { tag: [x] } ]
  - name: b
    then: [ { escalate: { team: legal, priority: asap } } ]
`, ['policy.yaml:7:50 rules[1].then[0].escalate.priority: expected one of low|normal|high|critical, got "asap"']],
    ['an unknown key, pointing at the key',
      `${header}rules:
  - name: a
    when: { flag: safety }
    then: [ { tag: [x] } ]
    stopp: true
`, ['policy.yaml:7:5 rules[0].stopp: unknown key "stopp"']],
    ['an unknown flag',
      `${header}rules:
  - name: a
    when: { flag: danger }
    then: [ { tag: [x] } ]
`, ['policy.yaml:5:19 rules[0].when.flag: expected one of prRisk|pii|profanity|legalThreat|safety|spam, got "danger"']],
    ['a shorthand with a bad value points at what was written',
      `${header}rules:
  - name: a
    when: { sentiment: angry }
    then: [ { tag: [x] } ]
`, ['policy.yaml:5:24 rules[0].when.sentiment: expected one of positive|neutral|negative, got "angry"']],
    ['two conditions in one mapping',
      `${header}rules:
  - name: a
    when: { flag: safety, platform: x }
    then: [ { tag: [x] } ]
`, ['policy.yaml:5:11 rules[0].when: expected exactly one condition per item, got flag and platform; combine them with a list']],
    ['a bad duration',
      `${header}slas:
  high: { first_response: 1 hour }
`, ['policy.yaml:4:27 slas.high.first_response: expected a duration such as 15m, 2h, 1d or 1h30m, got "1 hour"']],
    ['a missing required field',
      `${header}rules:
  - name: a
    then: [ { follow_up: { unless: resolved, then: { tag: [x] } } } ]
`, ['policy.yaml:5:26 rules[0].then[0].follow_up.after: required (string)']],
    ['an unknown timezone',
      `timezone: Europe/Londn
business_hours: { mon-fri: "08:00-20:00" }
`, ['policy.yaml:1:11 timezone: expected an IANA timezone such as Europe/London, got "Europe/Londn"']],
    ['a bad business-hours key, pointing at the key',
      `timezone: Europe/London
business_hours:
  weekdays: "08:00-20:00"
`, ['policy.yaml:3:3 business_hours.weekdays: expected a day (mon, tue, wed, thu, fri, sat, sun) or a range such as mon-fri, got "weekdays"']],
    ['a day defined twice',
      `timezone: Europe/London
business_hours:
  mon-fri: "08:00-20:00"
  fri: "08:00-18:00"
`, ['policy.yaml:4:3 business_hours.fri: fri is already defined by "mon-fri"']],
    ['a bad span',
      `timezone: Europe/London
business_hours:
  mon-fri: "8am-8pm"
`, ['policy.yaml:3:12 business_hours.mon-fri: expected spans like "08:00-20:00" or "08:00-12:00, 13:00-20:00" (or "closed"), got "8am-8pm"']],
    ['an invalid holiday date',
      `${header}holidays: [2026-12-25, 2026-02-30]
`, ['policy.yaml:3:24 holidays[1]: expected a date YYYY-MM-DD, got "2026-02-30"']],
    ['an invalid regex, checked at load time',
      `${header}rules:
  - name: a
    when: { text: { regex: "delay(ed" } }
    then: [ { tag: [x] } ]
`, ['policy.yaml:5:28 rules[0].when.text.regex: invalid regular expression: Invalid regular expression: /delay(ed/iu: Unterminated group']],
    ['an unknown template variable, at the placeholder',
      `${header}templates:
  holding: "Hi {{author.handle}}, back at {{opening_time}}"
`, ['policy.yaml:4:43 templates.holding: unknown template variable "{{opening_time}}"; known: author.handle, author.name, platform, ticket.priority, ticket.team, sla.first_response, sla.next_response, sla.resolution, business_hours.next_open']],
    ['a reference to an unknown template, also inside follow_up',
      `${header}rules:
  - name: a
    then:
      - follow_up: { after: 1h, then: { acknowledge: { template: nudge } } }
templates: {}
`, ['policy.yaml:6:66 rules[0].then[0].follow_up.then.acknowledge.template: unknown template "nudge"; define it under templates:']],
    ['a reference to an unknown list',
      `${header}rules:
  - name: a
    when: { author: { in_list: vips } }
    then: [ { tag: [x] } ]
`, ['policy.yaml:5:32 rules[0].when.author.in_list: unknown list "vips"; define it under lists:']],
    ['a duplicate rule name',
      `${header}rules:
  - name: a
    then: [ { tag: [x] } ]
  - name: a
    then: [ { tag: [y] } ]
`, ['policy.yaml:6:11 rules[1].name: rule name "a" is already used by rules[0]']],
    ['a triage-only agency without a holding template',
      `${header}coverage: { out_of_hours: agency }
permissions: { agency_may_reply: false }
rules:
  - name: a
    then: [ { acknowledge: { template: sorry } } ]
templates: { sorry: "Sorry!" }
`, ['policy.yaml:4:34 permissions.agency_may_reply: the agency may not reply, so its acknowledgements use the holding template "holding", which is not defined under templates:']],
    ['YAML syntax errors',
      `${header}rules: [ { name: a
`, [
        'policy.yaml:4:1 (yaml): YAML BAD_INDENT: Flow map in block collection must be sufficiently indented and end with a }',
        'policy.yaml:4:1 (yaml): YAML BAD_INDENT: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ]],
    ['a duplicate key',
      `${header}timezone: Europe/Paris
`, ['policy.yaml:3:1 (yaml): YAML DUPLICATE_KEY: Map keys must be unique']],
    ['an empty document',
      '', ['policy.yaml:1:1 (policy): expected a mapping with timezone, business_hours, rules, …']],
  ])('%s', (_name, yamlText, expected) => {
    expect(errorsOf(yamlText)).toEqual(expected)
  })

  test('lists every structural error at once, in document order', () => {
    const errors = errorsOf(`timezone: Mars/Olympus
business_hours: { mon-fri: 8 }
slas: { pre_breach: 1.5 }
`)
    expect(errors).toEqual([
      'policy.yaml:1:11 timezone: expected an IANA timezone such as Europe/London, got "Mars/Olympus"',
      'policy.yaml:2:28 business_hours.mon-fri: expected string, got 8',
      'policy.yaml:3:21 slas.pre_breach: expected a number < 1, got 1.5',
    ])
  })
})

describe('parsePolicy defaults', () => {
  test('fills coverage, permissions, slas and rules when absent', () => {
    const result = parsePolicy(header)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.policy.document).toMatchObject({
      version: 1,
      holidays: [],
      coverage: { in_hours: 'brand', out_of_hours: 'brand', holding_template: 'holding' },
      permissions: { agency_may_reply: true },
      slas: { pre_breach: 0.8, clock: 'business' },
      rules: [],
    })
  })

  test('reads shorthands and durations into their full forms', () => {
    const policy = loadPolicy(`${header}rules:
  - name: a
    when: { all: [ { intent: complaint }, { urgency: high }, { platform: x }, { conversation: new } ] }
    then: [ { tag: vip }, { close: spam }, { assign: care }, { follow_up: { after: 1h30m, unless: resolved, then: { tag: [late] } } } ]
`)
    const rule = policy.document.rules[0]
    expect(rule?.when?.all).toEqual([
      { intent: { label: 'complaint', min_confidence: 0.5 } },
      { urgency: { at_least: 'high' } },
      { platform: ['x'] },
      { conversation: ['new'] },
    ])
    expect(rule?.then).toEqual([
      { tag: { tags: ['vip'] } },
      { close: { reason: 'spam' } },
      { assign: { team: 'care' } },
      { follow_up: { after: 5_400_000, clock: 'calendar', unless: ['resolved'], then: { tag: { tags: ['late'] } } } },
    ])
  })
})

test('loadPolicy throws TRIAGE_ERR_INVALID_POLICY listing every error', () => {
  let thrown: unknown
  try {
    loadPolicy('timezone: Nowhere\nbusiness_hours: {}\nrules: [ { name: a, then: [] } ]\n', { source: 'brand.yaml' })
  } catch (err) {
    thrown = err
  }
  expect(thrown).toMatchObject({ code: 'TRIAGE_ERR_INVALID_POLICY', retriable: false, source: 'brand.yaml', name: 'PolicyError' })
  const message = (thrown as Error).message
  expect(message).toContain('brand.yaml:1:11 timezone:')
  expect(message).toContain('brand.yaml:3:27 rules[0].then: expected at least 1 item(s)')
})
