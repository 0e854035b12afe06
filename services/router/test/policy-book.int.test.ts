import { sampleClassifiedMention } from '@earshot/contracts'
import { createLogger } from '@earshot/observability'
import { type Pool } from '@earshot/store'
import { migratedDatabase } from '@earshot/testing/store'
import { createPolicyBook, createStoredPolicyBook, createTicketWriter } from '../src/index.js'

const logger = createLogger({ level: 'silent', name: 'policy-book-test' })

const policyTagging = (tag: string): string => `version: 1
timezone: UTC
business_hours: { mon-sun: "00:00-24:00" }
coverage: { in_hours: brand, out_of_hours: brand }
rules:
  - name: tag ${tag}
    then: [ { tag: [${tag}] } ]
`

describe('stored policy book on real PostgreSQL', () => {
  let pool: Pool
  let close: () => Promise<void>

  beforeAll(async () => {
    ({ pool, close } = await migratedDatabase('policy_book', 4))
  })
  afterAll(async () => {
    await close()
  })

  const publish = async (tenantId: string, version: number, yaml: string): Promise<void> => {
    await pool.query('INSERT INTO policy_versions (tenant_id, version, yaml, published_by) VALUES ($1, $2, $3, $4)', [tenantId, version, yaml, 'test'])
  }
  const tags = (book: { policyFor: (tenantId: string) => { document: { rules: Array<{ name: string }> } } }, tenantId: string): string[] =>
    book.policyFor(tenantId).document.rules.map((rule) => rule.name)

  test('the latest published version overrides the base policy, reaches new batches after a refresh, and a broken version is skipped', async () => {
    const book = createStoredPolicyBook({ pool, base: createPolicyBook({ brand: policyTagging('from-file') }), logger, refreshMs: 3_600_000 })
    await book.start()
    try {
      expect(tags(book, 'brand')).toEqual(['tag from-file'])
      expect(book.versionOf('brand')).toBeUndefined()

      await publish('brand', 1, policyTagging('published-v1'))
      expect(tags(book, 'brand')).toEqual(['tag from-file']) // until the next refresh
      await book.refresh()
      expect(tags(book, 'brand')).toEqual(['tag published-v1'])
      expect(book.versionOf('brand')).toBe(1)

      const writer = createTicketWriter({ pool, policies: book })
      await writer.writeBatch([sampleClassifiedMention({ tenantId: 'brand', nativeId: '1900000000000000001', conversationId: 'x:c1' })])
      const { rows } = await pool.query<{ tags: string[] }>("SELECT tags FROM tickets WHERE tenant_id = 'brand'")
      expect(rows[0]?.tags).toContain('published-v1')

      await publish('brand', 2, 'rules: [ { name: broken, then: "not a list" } ]')
      await book.refresh()
      expect(book.versionOf('brand')).toBe(1)
      await publish('brand', 3, policyTagging('published-v3'))
      await book.refresh()
      expect(book.versionOf('brand')).toBe(3)
      expect(tags(book, 'brand')).toEqual(['tag published-v3'])

      // Another tenant is untouched by the brand's versions: the default policy has no rules.
      expect(tags(book, 'other-brand')).toEqual([])
      expect(book.tenants().sort()).toEqual(['brand'])
    } finally {
      await book.stop()
    }
  })
})
