import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadPolicy } from '@earshot/triage'
import { waitFor } from '@earshot/testing'
import { demoPolicies } from '../src/demo/policies'
import { defaultSampleFile, readMentionsFile } from '../src/sample-file'
import type { StoreStatus } from '../src/status'
import { expectedTickets } from './expected-tickets'
import { getJson, killLeftovers, startAllInOne } from './helpers'

type Status = StoreStatus & { replay: { position: number, total: number, done: boolean } }

const countsOf = (status: Status): Record<string, number> =>
  Object.fromEntries(status.breakdown.map((row) => [`${row.tenantId} ${row.priority} ${row.acknowledgement}`, row.count]))

afterAll(() => { killLeftovers() })

test('npm start on a fresh data directory serves the console and tickets appear with no other step; SIGTERM exits within seconds', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'earshot-aio-'))
  const started = Date.now()
  const app = await startAllInOne(['--data-dir', dataDir, '--port', '0', '--rate', '50'])
  const status = await waitFor(async () => {
    const current = await getJson<Status>(`${app.url}v1/status`)
    return current.tickets >= 5 ? current : undefined
  }, { timeoutMs: 20_000, message: 'tickets in /v1/status' })
  expect(Date.now() - started).toBeLessThan(25_000)
  expect(status.mentions).toBeGreaterThanOrEqual(status.tickets)
  const page = await fetch(app.url)
  expect(page.status).toBe(200)
  const html = await page.text()
  expect(html).toContain('<h1>Earshot</h1>')
  expect(html).toMatch(/<tr class="(low|normal|high|critical)"><td>/)
  const tickets = await getJson<{ tickets: Array<{ tenantId: string }> }>(`${app.url}v1/tickets?limit=5`)
  expect(tickets.tickets.length).toBeGreaterThan(0)
  expect(['northline-rail', 'emberforge-games', 'bunhaus']).toContain(tickets.tickets[0]!.tenantId)
  const stopped = await app.stop()
  expect(stopped.code).toBe(143)
  expect(stopped.ms).toBeLessThan(5_000)
}, 60_000)

test('500 replayed sample mentions become the tickets the demo policies call for, and a restart keeps them', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'earshot-aio-'))
  // A Wednesday 23:30 in London: the railway and the burger chain are on out-of-hours agency cover, the game's team is in.
  const clock = '2026-11-25T23:30:00.000Z'
  const args = ['--data-dir', dataDir, '--port', '0', '--rate', '200', '--limit', '500', '--clock', clock]
  const mentions = (await readMentionsFile(defaultSampleFile)).slice(0, 500)
  const expected = expectedTickets(mentions, new Date(clock))
  // The expectation ignores overspill: check no tenant gets near its threshold.
  for (const [tenantId, yaml] of Object.entries(demoPolicies())) {
    const threshold = loadPolicy(yaml).document.coverage.overspill?.queue_over
    if (threshold !== undefined) expect(expected.openByTenant[tenantId] ?? 0).toBeLessThan(threshold)
  }
  expect(Object.keys(expected.counts).length).toBeGreaterThan(10)

  const first = await startAllInOne(args)
  const done = await waitFor(async () => {
    const status = await getJson<Status>(`${first.url}v1/status`)
    return status.mentions === 500 && status.replay.done ? status : undefined
  }, { timeoutMs: 40_000, message: '500 mentions stored' })
  expect(countsOf(done)).toEqual(expected.counts)
  expect((await first.stop()).code).toBe(143)

  const second = await startAllInOne(args)
  const again = await getJson<Status>(`${second.url}v1/status`)
  expect(again.replay).toMatchObject({ position: 500, total: 500, done: true })
  expect(again.mentions).toBe(500)
  expect(countsOf(again)).toEqual(expected.counts)
  expect(again.incidents).toBe(done.incidents)
  expect((await second.stop()).code).toBe(143)
}, 90_000)
