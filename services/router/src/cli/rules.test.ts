import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type CliIo, parseMentionLines, runRulesCli } from './rules.js'

const examples = join(__dirname, '..', '..', '..', '..', 'packages', 'triage', 'examples')
const mentionsFile = join(__dirname, '..', '..', 'examples', 'mentions.jsonl')

function capture (files: Record<string, string> = {}): CliIo & { stdout: string[], stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return {
    stdout,
    stderr,
    readFile: (path) => files[path] ?? readFileSync(path, 'utf8'),
    out: (line) => { stdout.push(line) },
    err: (line) => { stderr.push(line) },
  }
}

describe('rules validate', () => {
  test.each(['rail-operator.yaml', 'game-publisher-launch.yaml', 'fast-food-chain.yaml'])('accepts the example %s with a one-line summary and exit 0', (file) => {
    const io = capture()
    expect(runRulesCli(['validate', join(examples, file)], io)).toBe(0)
    expect(io.stdout).toHaveLength(1)
    expect(io.stdout[0]).toMatch(/: ok, \d+ rules, \d+ templates, timezone /)
    expect(io.stderr).toEqual([])
  })

  test('prints every error as file:line:col path: reason and exits 1', () => {
    const io = capture({ 'bad.yaml': 'version: 1\ntimezone: Mars/Base\nbusiness_hours: { mon-fri: "09:00-17:00" }\nrules:\n  - name: x\n    when: { flag: nope }\n    then: []\n' })
    expect(runRulesCli(['validate', 'bad.yaml'], io)).toBe(1)
    const errors = io.stderr.slice(0, -1)
    expect(errors.length).toBeGreaterThanOrEqual(2)
    for (const line of errors) expect(line).toMatch(/^bad\.yaml:\d+:\d+ \S+: .+/)
    expect(errors.some((line) => line.startsWith('bad.yaml:2:'))).toBe(true)
    expect(io.stderr.at(-1)).toMatch(/^bad\.yaml: \d+ errors$/)
  })

  test('--json reports the errors as data', () => {
    const io = capture({ 'bad.yaml': 'rules: 3\n' })
    expect(runRulesCli(['validate', 'bad.yaml', '--json'], io)).toBe(1)
    expect(JSON.parse(io.stdout[0]!)).toMatchObject({ ok: false, file: 'bad.yaml', errors: expect.arrayContaining([expect.stringMatching(/^bad\.yaml:1:\d+ /)]) })
  })

  test('an unknown command prints usage and exits 2', () => {
    const io = capture()
    expect(runRulesCli(['frobnicate'], io)).toBe(2)
    expect(io.stderr.join('\n')).toContain('usage:')
  })
})

describe('rules test', () => {
  test('the sample mentions file holds 10 to 20 valid classified mentions for the three example tenants', () => {
    const { lines, errors } = parseMentionLines(readFileSync(mentionsFile, 'utf8'), 'mentions.jsonl')
    expect(errors).toEqual([])
    expect(lines.length).toBeGreaterThanOrEqual(10)
    expect(lines.length).toBeLessThanOrEqual(20)
    expect(new Set(lines.map((line) => line.mention.tenantId))).toEqual(new Set(['acme-rail', 'nova-games', 'burger-co']))
  })

  test('explains each decision: matched rules, seen values against thresholds, coverage, result, acknowledgement text and schedules', () => {
    const io = capture()
    expect(runRulesCli(['test', join(examples, 'rail-operator.yaml'), mentionsFile], io)).toBe(0)
    const text = io.stdout.join('\n')
    expect(text).toContain('mentions.jsonl:1 x:1900000000000000001 (acme-rail) at 2026-03-03T01:00:00.000Z: matched: "safety on the network"')
    expect(text).toContain('intent outage_report 0.8 ≥ 0.6 ✓')
    expect(text).toContain('coverage: agency (out_of_hours), triage-only, handover at 2026-03-03T07:00:00.000Z')
    expect(text).toContain('result: priority critical, team control-room, status escalated')
    expect(text).toMatch(/acknowledgement text: "Hi @commuter_jo, /)
    expect(text).toContain('schedule follow_up at 2026-03-03T01:30:00.000Z from "safety on the network" unless resolved')
    expect(io.stdout.at(-1)).toMatch(/^17 mentions, \d+ matched at least one rule \(dry run, nothing written\)$/)
  })

  test('--json prints one decision per mention; the game publisher sends an outage report over the queue threshold to the agency', () => {
    const io = capture()
    expect(runRulesCli(['test', join(examples, 'game-publisher-launch.yaml'), mentionsFile, '--json'], io)).toBe(0)
    const verdicts = io.stdout.map((line) => JSON.parse(line) as { mentionId: string, decision: { matchedRules: string[], coverage: { who: string, why: string } } })
    expect(verdicts).toHaveLength(17)
    const outage = verdicts.find((verdict) => verdict.mentionId === 'x:1900000000000000007')!
    expect(outage.decision.matchedRules).toEqual(['outage spike', 'overspill to the agency'])
    expect(outage.decision.coverage).toMatchObject({ who: 'agency', why: 'overspill' })
  })

  test('--at evaluates every mention at that instant: fast-food chain Friday 01:00 is brand hours, Saturday 03:00 agency cover', () => {
    const at = (time: string) => {
      const io = capture()
      expect(runRulesCli(['test', join(examples, 'fast-food-chain.yaml'), mentionsFile, '--json', '--at', time], io)).toBe(0)
      return io.stdout.map((line) => JSON.parse(line) as { evaluatedAt: string, decision: { coverage: { who: string } } })
    }
    const friday = at('2026-03-07T01:00:00Z')
    expect(new Set(friday.map((verdict) => verdict.evaluatedAt))).toEqual(new Set(['2026-03-07T01:00:00.000Z']))
    expect(new Set(friday.map((verdict) => verdict.decision.coverage.who))).toEqual(new Set(['brand']))
    expect(new Set(at('2026-03-07T03:00:00Z').map((verdict) => verdict.decision.coverage.who))).toEqual(new Set(['agency']))
  })

  test('reports invalid mention lines with file:line and exits 1', () => {
    const io = capture({ 'm.jsonl': '{"tenantId": "x"}\nnot json\n' })
    expect(runRulesCli(['test', join(examples, 'rail-operator.yaml'), 'm.jsonl'], io)).toBe(1)
    expect(io.stderr.some((line) => line.startsWith('m.jsonl:1 '))).toBe(true)
    expect(io.stderr.some((line) => line.startsWith('m.jsonl:2: invalid JSON'))).toBe(true)
  })

  test('a bad --at time exits 2', () => {
    const io = capture()
    expect(runRulesCli(['test', join(examples, 'rail-operator.yaml'), mentionsFile, '--at', 'yesterday'], io)).toBe(2)
  })
})
