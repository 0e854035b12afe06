import { mkdtempSync, rmSync } from 'node:fs'
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

const dataDirs: string[] = []
const freshDataDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-aio-'))
  dataDirs.push(dir)
  return dir
}

afterAll(() => {
  killLeftovers()
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true })
})

test('npm start on a fresh data directory serves the console and tickets appear with no other step; SIGTERM exits within seconds', async () => {
  const dataDir = freshDataDir()
  const app = await startAllInOne(['--data-dir', dataDir, '--port', '0', '--rate', '50'])
  const status = await waitFor(async () => {
    const current = await getJson<Status>(`${app.url}v1/status`)
    return current.tickets >= 5 ? current : undefined
  }, { timeoutMs: 30_000, message: 'tickets in /v1/status' })
  expect(status.mentions).toBeGreaterThanOrEqual(status.tickets)

  // The console is served at /, and the printed demo login sees the tickets through the API.
  const page = await fetch(app.url)
  expect(page.status).toBe(200)
  expect(page.headers.get('content-type')).toMatch(/^text\/html/)
  expect(app.output()).toContain('agency@earshot.demo')
  const login = await fetch(`${app.url}v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'agency@earshot.demo', password: 'earshot-demo' }) })
  expect(login.status).toBe(200)
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!
  const queue = await fetch(`${app.url}v1/tickets?limit=5`, { headers: { cookie } })
  expect(queue.status).toBe(200)
  const { items } = await queue.json() as { items: Array<{ tenantId: string }> }
  expect(items.length).toBeGreaterThan(0)
  for (const item of items) expect(['northline-rail', 'emberforge-games', 'bunhaus']).toContain(item.tenantId)
  const recent = await getJson<{ tickets: unknown[] }>(`${app.url}status/tickets?limit=5`)
  expect(recent.tickets.length).toBe(5)

  const stopped = await app.stop()
  expect(stopped.code).toBe(143)
  expect(stopped.ms).toBeLessThan(5_000)
}, 120_000)

test('500 replayed sample mentions become the tickets the demo policies call for, and a restart keeps them', async () => {
  const dataDir = freshDataDir()
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
  }, { timeoutMs: 60_000, message: '500 mentions stored' })
  expect(countsOf(done)).toEqual(expected.counts)
  expect((await first.stop()).code).toBe(143)

  const second = await startAllInOne(args)
  const again = await getJson<Status>(`${second.url}v1/status`)
  expect(again.replay).toMatchObject({ position: 500, total: 500, done: true })
  expect(again.mentions).toBe(500)
  expect(countsOf(again)).toEqual(expected.counts)
  expect(again.incidents).toBe(done.incidents)
  expect((await second.stop()).code).toBe(143)
}, 180_000)

test('after kill -9 mid-replay a restart republishes what was in flight and ends with exactly the expected tickets', async () => {
  const dataDir = freshDataDir()
  const clock = '2026-11-25T15:30:00.000Z'
  const args = ['--data-dir', dataDir, '--port', '0', '--rate', '50', '--limit', '300', '--clock', clock]
  const expected = expectedTickets((await readMentionsFile(defaultSampleFile)).slice(0, 300), new Date(clock))

  const first = await startAllInOne(args)
  // Killed by the replay's position, not by the mentions stored: on a slow machine the pipeline may
  // trail the replay by seconds, and the replay must still be running when the process dies.
  const before = await waitFor(async () => {
    const status = await getJson<Status>(`${first.url}v1/status`)
    return status.replay.position >= 80 && status.mentions > 0 ? status : undefined
  }, { timeoutMs: 30_000, message: '80 mentions replayed and some stored' })
  first.child.kill('SIGKILL')
  expect(before.replay.done).toBe(false)
  await new Promise((resolve) => first.child.once('exit', resolve))

  const second = await startAllInOne(args)
  const done = await waitFor(async () => {
    const status = await getJson<Status>(`${second.url}v1/status`)
    return status.mentions === 300 && status.replay.done ? status : undefined
  }, { timeoutMs: 60_000, message: '300 mentions stored after the restart' })
  expect(countsOf(done)).toEqual(expected.counts)
  expect((await second.stop()).code).toBe(143)
}, 180_000)
