import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Ajv from 'ajv'
import { commandOf, type ComposeService, environmentOf, exampleDotenv, interpolate, loadCompose } from './compose.js'
import { sharedDir } from './repo.js'

const compose = loadCompose()
const services = Object.entries(compose.services)
const earshotImage = interpolate(compose.services.router?.image ?? '', exampleDotenv())
const isEarshot = (service: ComposeService): boolean => service.image !== undefined && interpolate(service.image, exampleDotenv()) === earshotImage
const isOneShot = (service: ComposeService): boolean => service.restart === 'no'

test('docker-compose.yml validates against the Compose Specification schema', () => {
  const schema = JSON.parse(readFileSync(join(sharedDir, 'schemas', 'compose-spec.json'), 'utf8')) as Record<string, unknown>
  delete schema.$schema
  const ajv = new Ajv({ allErrors: true, strict: false })
  const validate = ajv.compile(schema)
  const valid = validate(compose)
  expect(valid ? [] : ajv.errorsText(validate.errors, { separator: '\n' }).split('\n')).toEqual([])
})

test('runs Kafka 3.9 in KRaft mode with the single-node settings, PostgreSQL 15 and Redis 7', () => {
  const kafka = compose.services.kafka
  expect(kafka?.image).toMatch(/^apache\/kafka:3\.9\.\d+$/)
  expect(environmentOf(kafka ?? {}, exampleDotenv())).toMatchObject({
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
  })
  expect(compose.services.postgres?.image).toMatch(/^postgres:15(\.|$|-)/)
  expect(compose.services.redis?.image).toMatch(/^redis:7(\.|$|-)/)
})

test('every long-running service has a health check; one-shot services have none', () => {
  for (const [name, service] of services) {
    const hasCheck = service.healthcheck !== undefined && service.healthcheck.disable !== true && service.healthcheck.test !== undefined
    expect({ name, hasCheck }).toEqual({ name, hasCheck: !isOneShot(service) })
  }
})

test('every depends_on waits on a condition: healthy for servers, completed for one-shot jobs', () => {
  const problems: string[] = []
  for (const [name, service] of services) {
    const dependsOn = service.depends_on ?? {}
    if (Array.isArray(dependsOn)) { problems.push(`${name}: depends_on is a list, so nothing waits for readiness`); continue }
    for (const [dependency, { condition }] of Object.entries(dependsOn)) {
      const target = compose.services[dependency]
      if (target === undefined) { problems.push(`${name}: depends on unknown ${dependency}`); continue }
      const expected = isOneShot(target) ? 'service_completed_successfully' : 'service_healthy'
      if (condition !== expected) problems.push(`${name} → ${dependency}: condition ${String(condition)}, expected ${expected}`)
    }
  }
  expect(problems).toEqual([])
})

test('Earshot services wait for what they use: migrations before the database users, topics before Kafka users', () => {
  const problems: string[] = []
  for (const [name, service] of services.filter(([, s]) => isEarshot(s))) {
    const env = environmentOf(service, exampleDotenv())
    const dependsOn = Object.keys(service.depends_on ?? {})
    if (env.DATABASE_URL !== undefined && !dependsOn.includes('postgres')) problems.push(`${name} uses PostgreSQL without waiting for it`)
    if (env.DATABASE_URL !== undefined && !isOneShot(service) && !dependsOn.includes('migrate')) problems.push(`${name} uses PostgreSQL before migrations ran`)
    if (env.KAFKA_BROKERS !== undefined && !dependsOn.includes('kafka-topics')) problems.push(`${name} uses Kafka before its topics exist`)
    if (env.REDIS_URL !== undefined && !dependsOn.includes('redis')) problems.push(`${name} uses Redis without waiting for it`)
  }
  expect(problems).toEqual([])
})

test('Earshot services run the one image read-only as a non-root user, with a command', () => {
  const earshot = services.filter(([, s]) => isEarshot(s))
  expect(earshot.length).toBeGreaterThan(1)
  for (const [name, service] of earshot) {
    expect({ name, user: service.user, readOnly: service.read_only, capDrop: service.cap_drop, command: commandOf(service)[0] })
      .toEqual({ name, user: '1000:1000', readOnly: true, capDrop: ['ALL'], command: 'node' })
  }
})

test('the interpolation follows compose: defaults, required values and $$', () => {
  const $ = '$'
  expect(interpolate(`${$}{A:-x}/${$}{B-y}/${$}{C}/${$}${$}HOME`, { A: '', B: '' })).toBe('x///$HOME')
  expect(() => interpolate(`${$}{A:?set A}`, {})).toThrow('A must be set: set A')
})

test('every port an Earshot service publishes is one it listens on (HTTP_PORT or WEBHOOK_PORT)', () => {
  const problems: string[] = []
  for (const [name, service] of services.filter(([, s]) => isEarshot(s))) {
    const env = environmentOf(service, exampleDotenv())
    const listening = [env.HTTP_PORT, env.WEBHOOK_PORT].filter((port) => port !== undefined)
    for (const mapping of service.ports ?? []) {
      const containerPort = interpolate(String(mapping), exampleDotenv()).split(':').at(-1)?.split('/')[0]
      if (containerPort === undefined || !listening.includes(containerPort)) problems.push(`${name}: publishes ${String(mapping)}, but listens on ${listening.join(', ')}`)
    }
  }
  expect(problems).toEqual([])
  expect(compose.services.api?.ports?.map((mapping) => interpolate(String(mapping), exampleDotenv()))).toEqual(['3000:3000'])
})
