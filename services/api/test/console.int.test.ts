import { type ClassifiedMention, sampleClassification, sampleClassifiedMention } from '@earshot/contracts'
import { createLogger } from '@earshot/observability'
import { createPolicyBook, createTicketWriter, ticketIdFor, type TicketWriter } from '@earshot/router'
import { createTicketRepository, type Pool, ticketEventBuilders, type TicketRow, withTransaction } from '@earshot/store'
import { uniqueName, waitFor } from '@earshot/testing'
import { migratedDatabase } from '@earshot/testing/store'
import type { Browser, Page } from 'playwright-core'
import { type ApiApp, createApiApp } from '../src/app.js'
import { seedUser } from '../src/index.js'
import { launchChromium, screenshot, watchPageErrors } from './browser/chromium.js'

// The console end to end: the real API on a fresh database, tickets written by the router's own
// ticket writer (the API's live feed reads the outbox it fills), and Debian's Chromium driving the page.

const policy = `
version: 1
timezone: UTC
business_hours: { mon-sun: "00:00-24:00" }
coverage: { in_hours: brand, out_of_hours: brand }
slas:
  clock: calendar
  critical: { first_response: 15m }
  high: { first_response: 1h }
  normal: { first_response: 4h }
  low: { first_response: 1d }
rules:
  - name: complaints get a drafted holding reply
    when: { intent: complaint }
    then:
      - acknowledge: { template: holding, mode: suggest }
templates:
  holding: "Hi {{author.handle}}, sorry about this. We're on it and will update you shortly."
`

const email = 'moderator@console.test'
const password = 'correct horse battery staple'

describe('moderator console in a browser', () => {
  // An agency moderator covering two brands: the queue mixes them, each row badged with its tenant.
  const tenantId = uniqueName('console')
  const otherTenantId = uniqueName('console-b')
  let pool: Pool
  let close: () => Promise<void>
  let app: ApiApp
  let baseUrl: string
  let browser: Browser
  let writer: TicketWriter
  let counter = 0

  function mention (text: string, overrides: Partial<ClassifiedMention> = {}): ClassifiedMention {
    const tenant = overrides.tenantId ?? tenantId
    counter++
    const nativeId = String(1_950_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(counter))
    const at = new Date().toISOString()
    return sampleClassifiedMention({
      nativeId,
      conversationId: `x:${nativeId}`,
      url: `https://x.com/commuter_jo/status/${nativeId}`,
      text,
      createdAt: at,
      receivedAt: at,
      classification: sampleClassification(),
      ...overrides,
      tenantId: tenant,
    })
  }

  async function signIn (page: Page): Promise<void> {
    const response = await page.goto(`${baseUrl}/`)
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'")
    await page.locator('#login-email').fill(email)
    await page.locator('#login-password').fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('#console-view').waitFor({ state: 'visible' })
    await page.locator('#live-status[data-state="live"]').waitFor()
  }

  async function ticketRow (ticketId: string, tenant = tenantId): Promise<{ status: string, details: Record<string, unknown> }> {
    const { rows } = await pool.query<{ status: string, details: Record<string, unknown> }>(
      'SELECT status, details FROM tickets WHERE tenant_id = $1 AND id = $2', [tenant, ticketId])
    if (rows[0] === undefined) throw new Error(`ticket ${ticketId} not found`)
    return rows[0]
  }

  beforeAll(async () => {
    ({ pool, close } = await migratedDatabase('console', 6))
    await pool.query("INSERT INTO tenants (id, name) VALUES ($1, 'Acme Rail'), ($2, 'Globex Air')", [tenantId, otherTenantId])
    await seedUser(pool, { email, password, name: 'Mo Derator', grants: [{ tenantId, role: 'moderator' }, { tenantId: otherTenantId, role: 'moderator' }] })
    writer = createTicketWriter({ pool, policies: createPolicyBook({ [tenantId]: policy }) })
    app = await createApiApp({ pool, logger: createLogger({ level: 'silent', name: 'console-test' }), eventsPollIntervalMs: 100 })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    if (address === null || typeof address === 'string') throw new Error('the API did not listen on a TCP port')
    baseUrl = `http://127.0.0.1:${address.port}`
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await close?.()
  })

  test('a moderator signs in, sees a new ticket arrive live, approves its suggested reply and resolves it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const errors = watchPageErrors(page)
    try {
      await signIn(page)
      await screenshot(page, '01-queue-signed-in')

      // Written while the page is open, the way the router writes it: mention, ticket, outbox event.
      const complaint = mention('@AcmeRail my 08:15 was cancelled again and nobody on the platform knows why')
      await writer.writeBatch([complaint])
      const ticketId = ticketIdFor(tenantId, complaint.id)

      const row = page.locator(`.ticket-row[data-ticket-id="${ticketId}"]`)
      await row.waitFor({ timeout: 10_000 })
      await expect(row.textContent()).resolves.toContain('nobody on the platform knows why')
      await expect(row.locator('.chip-new').count()).resolves.toBe(1)
      await expect(row.locator('.sla').textContent()).resolves.toMatch(/^due in \d+m$/)
      await expect(row.locator('.tenant-badge').textContent()).resolves.toBe('Acme Rail')
      await screenshot(page, '02-queue-live-ticket')

      // Keyboard: select the row and open it with Enter.
      await page.locator('#queue-list').focus()
      await row.focus()
      await page.keyboard.press('Enter')
      await page.locator('#ticket-pane .mention-text').waitFor()
      await expect(page.locator('#ticket-pane .mention-text').textContent()).resolves.toBe(complaint.text)
      await expect(page.locator('#ticket-pane .explanation').textContent()).resolves.toContain('complaints get a drafted holding reply')
      await expect(page.locator('#ticket-pane .intents').textContent()).resolves.toContain('complaint')
      const suggested = await page.locator('#reply-text').inputValue()
      expect(suggested).toBe('Hi commuter_jo, sorry about this. We\'re on it and will update you shortly.')
      await screenshot(page, '03-ticket-suggested-reply')

      await page.getByRole('button', { name: /Approve and send/ }).click()
      await page.locator('.reply-box.is-sent').waitFor({ timeout: 10_000 })
      const replied = await ticketRow(ticketId)
      expect(replied.details.reply).toMatchObject({ text: suggested, edited: false })
      expect(replied.status).toBe('acknowledged')

      // The resolve shortcut, from the page (not from a text field).
      await page.locator('#ticket-pane h2').click()
      await page.keyboard.press('r')
      await page.locator('#ticket-pane .chip-status[data-value="resolved"]').waitFor({ timeout: 10_000 })
      expect((await ticketRow(ticketId)).status).toBe('resolved')
      // The queue row follows through the live feed.
      await page.locator(`.ticket-row[data-ticket-id="${ticketId}"] .chip-status[data-value="resolved"]`).waitFor({ timeout: 10_000 })
      await screenshot(page, '04-ticket-resolved')

      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.locator('#login-form').waitFor({ state: 'visible' })
      await expect(page.locator('#ticket-pane .mention-text').count()).resolves.toBe(0)
      expect(errors).toEqual([])
    } finally {
      await page.close()
    }
  })

  test('an incident raises a banner with its suggested broadcast, which a moderator edits and posts; ? shows the shortcuts and j/k move through the queue', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const errors = watchPageErrors(page)
    try {
      await signIn(page)
      // What the router's spike detector writes: an incident ticket and its incident.detected event.
      const at = new Date()
      const incidentId = `inc_${uniqueName('outage').replace(/-/g, '_')}`
      const broadcast = 'We know some of you cannot buy tickets right now. We are on it and will post updates here.'
      const incident: TicketRow = {
        tenantId,
        id: incidentId,
        conversationId: incidentId,
        platform: 'x',
        status: 'open',
        priority: 'critical',
        team: null,
        assignee: null,
        tags: ['incident', 'outage'],
        sla: {},
        details: { kind: 'incident', incident: { kind: 'outage', startedAt: at.toISOString(), mentionIds: [], mentionCount: 14 }, suggestedBroadcast: broadcast },
        lastSequence: 0,
        createdAt: at,
        updatedAt: at,
        closedAt: null,
      }
      const repo = createTicketRepository()
      await withTransaction(pool, async (tx) => {
        await repo.insertTicket(tx, incident)
        await repo.appendEvents(tx, incident, ticketEventBuilders(incident, ['incident.detected'], [], at))
      })
      const banner = page.locator('#incident-banner')
      await banner.waitFor({ state: 'visible', timeout: 10_000 })
      await expect(banner.textContent()).resolves.toContain(broadcast)
      await expect(banner.textContent()).resolves.toContain('outage')
      // The incident ticket joins the queue too, tagged.
      await page.locator(`.ticket-row[data-ticket-id="${incidentId}"] .chip-incident`).waitFor({ timeout: 10_000 })
      await screenshot(page, '06-incident-banner')

      // Open it from the banner; the broadcast is the suggested reply: edit it, then send.
      await banner.getByRole('button', { name: 'Open incident' }).click()
      await expect(page.locator('#reply-text').inputValue()).resolves.toBe(broadcast)
      await page.getByRole('button', { name: 'Edit' }).click()
      const edited = `${broadcast} Status page: status.example.com`
      await page.locator('#reply-text').fill(edited)
      await page.getByRole('button', { name: /Send edited reply/ }).click()
      await waitFor(async () => (await ticketRow(incidentId)).details.reply !== undefined, { message: 'the broadcast to be recorded' })
      expect((await ticketRow(incidentId)).details.reply).toMatchObject({ text: edited })
      await page.locator('.reply-box.is-sent').waitFor({ timeout: 10_000 })
      await expect(page.locator('#reply-text').inputValue()).resolves.toBe(edited)
      await screenshot(page, '07-incident-broadcast-sent')

      await page.locator('.topbar .brand').click()
      await page.keyboard.press('?')
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor()
      await expect(page.locator('#help-overlay').textContent()).resolves.toContain('Approve and send the suggested reply')
      await screenshot(page, '08-shortcuts-help')
      await page.keyboard.press('Escape')
      await page.locator('#help-overlay').waitFor({ state: 'hidden' })

      // j / k move the selection through the queue.
      const rows = page.locator('#queue-list .ticket-row')
      await waitFor(async () => await rows.count() >= 2, { message: 'two queue rows' })
      const first = await rows.nth(0).getAttribute('data-key')
      const second = await rows.nth(1).getAttribute('data-key')
      await page.keyboard.press('k')
      await expect(page.locator('#queue-list li.selected .ticket-row').getAttribute('data-key')).resolves.toBe(first)
      await page.keyboard.press('j')
      await expect(page.locator('#queue-list li.selected .ticket-row').getAttribute('data-key')).resolves.toBe(second)
      await page.keyboard.press('k')
      await expect(page.locator('#queue-list li.selected .ticket-row').getAttribute('data-key')).resolves.toBe(first)

      expect(errors).toEqual([])
    } finally {
      await page.close()
    }
  })

  test('the dashboard draws volume, sentiment, response-time, SLA and gratitude charts as inline SVG', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const errors = watchPageErrors(page)
    try {
      await signIn(page)
      // Earlier tests gave Acme Rail mentions, a reply within the SLA and a resolved ticket.
      await page.getByRole('link', { name: 'Dashboard' }).click()
      await page.locator('#dashboard-tenant').selectOption(tenantId)
      const body = page.locator('#dashboard-body')
      await body.locator('.stats').waitFor({ timeout: 10_000 })
      await waitFor(async () => Number(await body.locator('.stat-value').first().textContent()) >= 1, { message: 'the mentions count' })
      await expect(body.locator('figure').count()).resolves.toBe(5)
      const volume = body.locator('figure', { hasText: 'Volume' })
      await expect(volume.locator('svg rect.bar.volume').count()).resolves.toBeGreaterThanOrEqual(1)
      await expect(body.locator('figure', { hasText: 'Sentiment mix' }).locator('svg rect.bar.negative').count()).resolves.toBeGreaterThanOrEqual(1)
      await expect(body.locator('figure', { hasText: 'First-response time' }).locator('svg rect.bar.p50').count()).resolves.toBe(1)
      await expect(body.locator('figure', { hasText: 'SLA attainment' }).locator('svg').getAttribute('aria-label')).resolves.toMatch(/^SLA attainment: \d+%/)
      await screenshot(page, '09-dashboard')
      expect(errors).toEqual([])
    } finally {
      await page.close()
    }
  })

  test('markup in mention text and author names is shown as literal text and never runs', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const errors = watchPageErrors(page)
    try {
      await signIn(page)
      const hostile = mention('look <script>window.__xss=1</script> and <img src=x onerror="window.__xss=2"> here', {
        tenantId: otherTenantId,
        author: { id: '66', handle: 'mallory', name: '<img src=x onerror="window.__xss=3">Mallory', followers: 10, verified: false, isBrand: false },
      })
      await writer.writeBatch([hostile])
      const ticketId = ticketIdFor(otherTenantId, hostile.id)
      const row = page.locator(`.ticket-row[data-ticket-id="${ticketId}"]`)
      await row.waitFor({ timeout: 10_000 })
      await expect(row.locator('.preview').textContent()).resolves.toBe(hostile.text)
      await expect(row.locator('.tenant-badge').textContent()).resolves.toBe('Globex Air')
      // Filtering to one tenant leaves the other's tickets out.
      await page.locator('#filter-tenant').selectOption(tenantId)
      await row.waitFor({ state: 'detached', timeout: 10_000 })
      await page.locator('#filter-tenant').selectOption('')
      await row.waitFor({ timeout: 10_000 })

      await row.click()
      const text = page.locator('#ticket-pane .mention-text')
      await text.waitFor()
      await expect(text.textContent()).resolves.toBe(hostile.text)
      await expect(page.locator('#ticket-pane .mention-head .author').textContent()).resolves.toBe('<img src=x onerror="window.__xss=3">Mallory')
      await expect(page.locator('#ticket-pane img, #queue-list img, #ticket-pane script, #queue-list script').count()).resolves.toBe(0)
      await screenshot(page, '05-hostile-text-literal')
      // Give a stray image load or script every chance to run before checking.
      await waitFor(async () => await page.evaluate<string>('document.readyState') === 'complete')
      await expect(page.evaluate<unknown>('typeof window.__xss')).resolves.toBe('undefined')
      expect(errors).toEqual([])
    } finally {
      await page.close()
    }
  })
})
