import { type z } from 'zod'
import { classifierConfigSchema } from '../../services/classifier/src/config.js'
import { configSchema as ingestWebhookConfigSchema } from '../../services/ingest-webhook/src/config.js'
import { configSchema as ingestXConfigSchema } from '../../services/ingest-x/src/config.js'
import { routerConfigSchema } from '../../services/router/src/config.js'

/**
 * The environment schema of every service we deploy, so the tests can parse the environment each manifest gives it
 * exactly as the service will at boot. A new service adds its schema here and its manifests beside the others.
 */
export const serviceConfigSchemas: Record<string, z.ZodType> = {
  classifier: classifierConfigSchema,
  'ingest-webhook': ingestWebhookConfigSchema,
  'ingest-x': ingestXConfigSchema,
  router: routerConfigSchema,
}

/** The migration command reads DATABASE_URL directly (packages/store/src/cli/migrate.ts). */
export const migrationEnvironment = ['DATABASE_URL'] as const
