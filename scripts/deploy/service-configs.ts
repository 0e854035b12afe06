import { type z } from 'zod'
import { apiConfigSchema } from '../../services/api/src/config.js'
import { classifierConfigSchema } from '../../services/classifier/src/config.js'
import { configSchema as ingestFeedsConfigSchema } from '../../services/ingest-feeds/src/config.js'
import { configSchema as ingestMastodonConfigSchema } from '../../services/ingest-mastodon/src/config.js'
import { configSchema as ingestRedditConfigSchema } from '../../services/ingest-reddit/src/config.js'
import { configSchema as ingestWebhookConfigSchema } from '../../services/ingest-webhook/src/config.js'
import { configSchema as ingestXConfigSchema } from '../../services/ingest-x/src/config.js'
import { configSchema as ingestYouTubeConfigSchema } from '../../services/ingest-youtube/src/config.js'
import { routerConfigSchema } from '../../services/router/src/config.js'

/**
 * The environment schema of every service we deploy, so the tests can parse the environment each manifest gives it
 * exactly as the service will at boot. A new service adds its schema here and its manifests beside the others.
 */
export const serviceConfigSchemas: Record<string, z.ZodType> = {
  api: apiConfigSchema,
  classifier: classifierConfigSchema,
  'ingest-feeds': ingestFeedsConfigSchema,
  'ingest-mastodon': ingestMastodonConfigSchema,
  'ingest-reddit': ingestRedditConfigSchema,
  'ingest-webhook': ingestWebhookConfigSchema,
  'ingest-x': ingestXConfigSchema,
  'ingest-youtube': ingestYouTubeConfigSchema,
  router: routerConfigSchema,
}

/** The migration command reads DATABASE_URL directly (packages/store/src/cli/migrate.ts). */
export const migrationEnvironment = ['DATABASE_URL'] as const
