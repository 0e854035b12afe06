import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import pg from 'pg'
import { parseHostPort, probeRedis, probeTcp } from './probe.js'

/**
 * Real infrastructure for the integration tests, in the order DESIGN.md §6 fixes:
 * 1. KAFKA_BROKERS / DATABASE_URL / REDIS_URL from the environment;
 * 2. testcontainers, where a Docker engine answers;
 * 3. locally: Kafka from scripts/infra/kafka.sh, the machine's PostgreSQL and Redis.
 * Nothing is ever skipped: a component that cannot be provided fails the run with a message saying
 * how to provide it.
 */
export interface Infrastructure {
  kafkaBrokers: string
  /** A database created for this run; dropped at teardown. */
  databaseUrl: string
  /** The server-level URL the run database was created from; tests clone fresh databases through it. */
  adminDatabaseUrl: string
  redisUrl: string
  /** Unique per run, so parallel runs on one Redis never see each other's keys. */
  redisKeyPrefix: string
  runId: string
  summary: string[]
  stop: () => Promise<void>
}

type Source = 'environment' | 'testcontainers' | 'local'

interface Provided { value: string, source: Source, detail: string, stop: () => Promise<void> }

export class InfrastructureError extends Error {
  override name = 'InfrastructureError'
}

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test'
const LOCAL_REDIS = 'redis://127.0.0.1:6379'

export function findRepoRoot (from = __dirname): string {
  let dir = resolve(from)
  for (;;) {
    if (existsSync(join(dir, 'scripts', 'infra', 'kafka.sh'))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new InfrastructureError(`cannot find the Earshot repository root above ${from}`)
    dir = parent
  }
}

async function dockerAnswers (): Promise<boolean> {
  if (process.env.EARSHOT_TESTCONTAINERS === 'false') return false
  try {
    const { getContainerRuntimeClient } = await import('testcontainers')
    await getContainerRuntimeClient()
    return true
  } catch {
    return false
  }
}

async function provideKafka (docker: boolean, root: string): Promise<Provided> {
  const fromEnv = process.env.KAFKA_BROKERS
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const brokers = fromEnv.split(',').map((b) => b.trim()).filter(Boolean)
    const errors: string[] = []
    for (const broker of brokers) {
      try {
        await probeTcp(parseHostPort(broker, 9092))
        return { value: brokers.join(','), source: 'environment', detail: `KAFKA_BROKERS=${brokers.join(',')}`, stop: async () => {} }
      } catch (err) {
        errors.push(`${broker}: ${(err as Error).message}`)
      }
    }
    throw new InfrastructureError(
      `Kafka: KAFKA_BROKERS=${fromEnv} is not reachable (${errors.join('; ')}). ` +
      'Start that broker, point KAFKA_BROKERS at a running one, or unset KAFKA_BROKERS to let the tests start ' +
      'a local broker with scripts/infra/kafka.sh (needs Java 17+ and Maven).')
  }
  if (docker) {
    const { GenericContainer, Wait } = await import('testcontainers')
    const hostPort = 30000 + Math.floor(Math.random() * 20000)
    const container = await new GenericContainer('apache/kafka:3.9.2')
      .withExposedPorts({ container: 9092, host: hostPort })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://localhost:${hostPort}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS: '1000',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_MESSAGE_MAX_BYTES: '16777216',
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start()
    return {
      value: `localhost:${hostPort}`,
      source: 'testcontainers',
      detail: `apache/kafka:3.9.2 on localhost:${hostPort}`,
      stop: async () => { await container.stop() },
    }
  }
  const script = join(root, 'scripts', 'infra', 'kafka.sh')
  const started = spawnSync('bash', [script, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  process.stderr.write(started.stderr)
  const line = started.stdout.trim().split('\n').pop() ?? ''
  if (started.status !== 0 || !line.startsWith('KAFKA_BROKERS=')) {
    throw new InfrastructureError(
      `Kafka: scripts/infra/kafka.sh could not start a local broker (exit ${String(started.status)}). ` +
      'Install Java 17+ and Maven with access to Maven Central, or set KAFKA_BROKERS to a running broker.')
  }
  const brokers = line.slice('KAFKA_BROKERS='.length)
  const version = /Apache Kafka (\S+) ready/.exec(started.stderr)?.[1] ?? 'unknown'
  // A broker someone started beforehand (npm run infra:start, .ci/run) is theirs to stop.
  const reused = started.stderr.includes('reusing running broker')
  return {
    value: brokers,
    source: 'local',
    detail: `Apache Kafka ${version} (KRaft, scripts/infra/kafka.sh${reused ? ', already running' : ''}) on ${brokers}`,
    stop: async () => { if (!reused) spawnSync('bash', [script, 'stop'], { stdio: 'inherit' }) },
  }
}

async function providePostgres (docker: boolean): Promise<Provided> {
  const fromEnv = process.env.DATABASE_URL
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { value: fromEnv, source: 'environment', detail: 'DATABASE_URL', stop: async () => {} }
  }
  if (docker) {
    const { GenericContainer, Wait } = await import('testcontainers')
    const container = await new GenericContainer('postgres:15')
      .withExposedPorts(5432)
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'test' })
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start()
    const url = `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/test`
    return { value: url, source: 'testcontainers', detail: 'postgres:15', stop: async () => { await container.stop() } }
  }
  return { value: LOCAL_POSTGRES, source: 'local', detail: 'the machine\'s PostgreSQL on 127.0.0.1:5432', stop: async () => {} }
}

async function provideRedis (docker: boolean): Promise<Provided> {
  const fromEnv = process.env.REDIS_URL
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { value: fromEnv, source: 'environment', detail: 'REDIS_URL', stop: async () => {} }
  }
  if (docker) {
    const { GenericContainer, Wait } = await import('testcontainers')
    const container = await new GenericContainer('redis:7')
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
      .start()
    const url = `redis://${container.getHost()}:${container.getMappedPort(6379)}`
    return { value: url, source: 'testcontainers', detail: 'redis:7', stop: async () => { await container.stop() } }
  }
  return { value: LOCAL_REDIS, source: 'local', detail: 'the machine\'s Redis on 127.0.0.1:6379', stop: async () => {} }
}

function redact (url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return url
  }
}

export function databaseUrlFor (serverUrl: string, database: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${database}`
  return url.toString()
}

/** Creates a database on the server behind `adminUrl`; returns its URL and a drop function. */
export async function createDatabase (adminUrl: string, name: string): Promise<{ url: string, drop: () => Promise<void> }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new TypeError(`not a safe database name: ${name}`)
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  return {
    url: databaseUrlFor(adminUrl, name),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 })
      await client.connect()
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await client.end()
      }
    },
  }
}

const STALE_RUN_MS = 6 * 60 * 60 * 1000

/**
 * Drops run databases (`earshot_test_<base36 time><hex>`) left by runs that crashed before their
 * teardown, once they are older than any run could be.
 */
async function dropStaleRunDatabases (adminUrl: string, now = Date.now()): Promise<string[]> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 })
  await admin.connect()
  const dropped: string[] = []
  try {
    const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'earshot\\_test\\_%'")
    for (const { datname } of rows) {
      const started = parseInt(datname.slice('earshot_test_'.length, -6), 36)
      if (Number.isFinite(started) && now - started > STALE_RUN_MS) {
        await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`)
        dropped.push(datname)
      }
    }
  } finally {
    await admin.end()
  }
  return dropped
}

export async function provisionInfrastructure (): Promise<Infrastructure> {
  const ci = process.env.CI === 'true' || process.env.CI === '1'
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
  const root = findRepoRoot()
  const docker = await dockerAnswers()
  const stops: Array<() => Promise<void>> = []
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch(() => {})
  }
  try {
    const [kafka, postgres, redis] = await Promise.all([provideKafka(docker, root), providePostgres(docker), provideRedis(docker)])
    stops.push(kafka.stop, postgres.stop, redis.stop)

    try {
      await probeRedis(redis.value)
    } catch (err) {
      throw new InfrastructureError(
        `Redis: ${redact(redis.value)} (${redis.detail}) did not answer PING: ${(err as Error).message}. ` +
        'Start Redis 7 (redis-server --port 6379) or set REDIS_URL to a running one.')
    }

    let database: { url: string, drop: () => Promise<void> }
    try {
      await dropStaleRunDatabases(postgres.value)
      database = await createDatabase(postgres.value, `earshot_test_${runId}`)
    } catch (err) {
      throw new InfrastructureError(
        `PostgreSQL: could not create a test database through ${redact(postgres.value)} (${postgres.detail}): ` +
        `${(err as Error).message}. Start PostgreSQL 15+ on 127.0.0.1:5432 with a role allowed to CREATE DATABASE, ` +
        'or set DATABASE_URL to such a server.')
    }
    stops.push(database.drop)

    const summary = [
      `Kafka      ${kafka.detail} [${kafka.source}]`,
      `PostgreSQL ${redact(database.url)} on ${postgres.detail} [${postgres.source}]`,
      `Redis      ${redact(redis.value)} prefix earshot-test:${runId}: [${redis.source}]`,
      ci ? 'CI=true: every component is required; none is skipped' : 'every component is required; none is skipped',
    ]
    return {
      kafkaBrokers: kafka.value,
      databaseUrl: database.url,
      adminDatabaseUrl: postgres.value,
      redisUrl: redis.value,
      redisKeyPrefix: `earshot-test:${runId}:`,
      runId,
      summary,
      stop: stopAll,
    }
  } catch (err) {
    await stopAll()
    throw err
  }
}
