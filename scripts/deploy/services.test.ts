import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseConfig } from '@earshot/config'
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment'
import type { IJob } from 'kubernetes-models/batch/v1/Job'
import type { IContainer } from 'kubernetes-models/v1/Container'
import { parseSourcesConfig, type SourceDefinition } from '@earshot/ingest'
import { parseFeedSourceSettings } from '../../services/ingest-feeds/src/feed-connector.js'
import { mastodonSources } from '../../services/ingest-mastodon/src/sources.js'
import { parseRedditSourceSettings } from '../../services/ingest-reddit/src/reddit-connector.js'
import { resolveWebhookSources } from '../../services/ingest-webhook/src/sources.js'
import { parseXSourceSettings } from '../../services/ingest-x/src/x-connector.js'
import { parseYouTubeSourceSettings } from '../../services/ingest-youtube/src/youtube-connector.js'
import { commandOf, environmentOf, exampleDotenv, loadCompose } from './compose.js'
import { type K8sObject, kustomizations, objectsOfKind, render } from './kustomize.js'
import { serviceNames, serviceNodeArgs } from '../e2e/pipeline.js'
import { deployableServices, readRepoFile, repoFileExists, repoRoot, scriptOfCommand, sourceOfCommand } from './repo.js'
import { migrationEnvironment, serviceConfigSchemas } from './service-configs.js'

const compose = loadCompose()
const serviceOfCommand = (command: readonly string[]): string | undefined => /^services\/([a-z0-9-]+)\/dist\/main\.js$/.exec(scriptOfCommand(command) ?? '')?.[1]

interface ConfigMapLike { data?: Record<string, string> }
interface SecretLike { stringData?: Record<string, string>, data?: Record<string, string> }

/** The environment Kubernetes gives a container: envFrom ConfigMaps and Secrets, then env (values and secretKeyRefs). */
function containerEnvironment (container: IContainer, objects: readonly K8sObject[], exampleSecrets: readonly K8sObject[]): Record<string, string> {
  const find = (kind: string, name: string): K8sObject | undefined =>
    objects.find((o) => o.kind === kind && o.metadata.name === name) ??
    (kind === 'Secret' ? exampleSecrets.find((o) => o.metadata.name === name) : undefined)
  const secretValues = (secret: K8sObject | undefined): Record<string, string> => {
    const { stringData = {}, data = {} } = (secret ?? {}) as SecretLike
    return { ...Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])), ...stringData }
  }
  const env: Record<string, string> = {}
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef !== undefined) Object.assign(env, (find('ConfigMap', source.configMapRef.name ?? '') as ConfigMapLike | undefined)?.data ?? {})
    if (source.secretRef !== undefined) Object.assign(env, secretValues(find('Secret', source.secretRef.name ?? '')))
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) { env[variable.name] = variable.value; continue }
    const ref = variable.valueFrom?.secretKeyRef ?? variable.valueFrom?.configMapKeyRef
    if (ref === undefined) continue
    const kind = variable.valueFrom?.secretKeyRef !== undefined ? 'Secret' : 'ConfigMap'
    const holder = find(kind, ref.name ?? '')
    const value = kind === 'Secret' ? secretValues(holder)[ref.key] : (holder as ConfigMapLike | undefined)?.data?.[ref.key]
    if (value !== undefined) env[variable.name] = value
    else if (ref.optional !== true) env[variable.name] = `<missing ${kind} ${ref.name ?? ''} key ${ref.key}>`
  }
  return env
}

function configProblems (service: string, env: Record<string, string>): string[] {
  const schema = serviceConfigSchemas[service]
  if (schema === undefined) return [`${service}: no config schema in scripts/deploy/service-configs.ts`]
  try {
    parseConfig(schema, env)
    return []
  } catch (err) {
    return [`${service}: ${(err as Error).message}`]
  }
}

test('every service with a src/main.ts is built by npm run build, deployed by compose and by Kubernetes', () => {
  const services = deployableServices()
  expect(services).toEqual(expect.arrayContaining(['ingest-x', 'router']))
  const built = (JSON.parse(readRepoFile('tsconfig.json')) as { references: Array<{ path: string }> }).references.map((r) => r.path)
  const inCompose = Object.values(compose.services).map((s) => serviceOfCommand(commandOf(s)))
  const inK8s = objectsOfKind<IDeployment & K8sObject>(render('k8s/base'), 'Deployment')
    .flatMap((d) => (d.spec?.template.spec?.containers ?? []).map((c) => serviceOfCommand(c.command ?? [])))
  const missing = services.flatMap((service) => [
    ...(built.includes(`services/${service}`) ? [] : [`services/${service} is not a reference of tsconfig.json (npm run build skips it)`]),
    ...(inCompose.includes(service) ? [] : [`${service} has no service in docker-compose.yml`]),
    ...(inK8s.includes(service) ? [] : [`${service} has no Deployment in k8s/base`]),
  ])
  expect(missing).toEqual([])
})

test('the benchmark and fault runs start each service with the node flags its compose and Kubernetes commands give', () => {
  const flagsOf = (command: readonly string[]): string[] => command.slice(1, command.indexOf(scriptOfCommand(command) ?? ''))
  const deployed = [
    ...Object.values(compose.services).map((s) => commandOf(s)),
    ...objectsOfKind<IDeployment & K8sObject>(render('k8s/base'), 'Deployment').flatMap((d) => (d.spec?.template.spec?.containers ?? []).map((c) => c.command ?? [])),
  ]
  for (const name of serviceNames) {
    const commands = deployed.filter((command) => serviceOfCommand(command) === name)
    expect(commands.length).toBeGreaterThanOrEqual(2)
    for (const command of commands) expect({ name, flags: flagsOf(command) }).toEqual({ name, flags: serviceNodeArgs[name] })
  }
})

test('every command in compose and Kubernetes runs the compiled output of a source file that exists', () => {
  const commands = [
    ...Object.entries(compose.services).map(([name, s]) => [`compose ${name}`, commandOf(s)] as const),
    ...kustomizations.flatMap((dir) => render(dir)
      .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
      .flatMap((o) => ((o as IDeployment | IJob).spec?.template.spec?.containers ?? []).map((c) => [`${dir} ${o.kind}/${o.metadata.name}`, c.command ?? []] as const))),
  ].filter(([, command]) => command[0] === 'node')
  expect(commands.length).toBeGreaterThan(0)
  const problems = commands.flatMap(([where, command]) => {
    const source = sourceOfCommand(command)
    if (source === undefined) return [`${where}: ${command.join(' ')} runs no packages/*/dist or services/*/dist script`]
    return repoFileExists(source) ? [] : [`${where}: ${command.join(' ')} is compiled from ${source}, which does not exist`]
  })
  expect(problems).toEqual([])
})

test('compose gives every service the environment its config schema requires, with values it accepts', () => {
  const problems = Object.values(compose.services).flatMap((service) => {
    const name = serviceOfCommand(commandOf(service))
    return name === undefined ? [] : configProblems(name, environmentOf(service, exampleDotenv()))
  })
  expect(problems).toEqual([])
  expect(environmentOf(compose.services.migrate ?? {}, exampleDotenv())).toHaveProperty(migrationEnvironment[0])
})

describe.each(kustomizations)('%s', (dir) => {
  test('gives every container the environment its config schema requires, with values it accepts', () => {
    const objects = render(dir)
    const exampleSecrets = objectsOfKind(render('k8s/base'), 'Secret')
    const problems: string[] = []
    for (const deployment of objectsOfKind<IDeployment & K8sObject>(objects, 'Deployment')) {
      for (const container of deployment.spec?.template.spec?.containers ?? []) {
        const service = serviceOfCommand(container.command ?? [])
        if (service === undefined) { problems.push(`${deployment.metadata.name}: command runs no service`); continue }
        problems.push(...configProblems(service, containerEnvironment(container, objects, exampleSecrets)))
      }
    }
    for (const job of objectsOfKind<IJob & K8sObject>(objects, 'Job')) {
      for (const container of job.spec?.template.spec?.containers ?? []) {
        const env = containerEnvironment(container, objects, exampleSecrets)
        for (const name of migrationEnvironment) if (env[name] === undefined) problems.push(`${job.metadata.name}: ${name} is not set`)
      }
    }
    expect(problems).toEqual([])
  })
})

const exampleSources = (): SourceDefinition[] => parseSourcesConfig(JSON.parse(readFileSync(join(repoRoot, 'deploy', 'sources.example.json'), 'utf8')))

test('the example sources file is one every ingest service accepts, and the Kubernetes example Secret carries the same', () => {
  const text = readFileSync(join(repoRoot, 'deploy', 'sources.example.json'), 'utf8')
  const sources = exampleSources()
  const settingsParsers: Record<string, (settings: unknown, where: string) => unknown> = {
    x: parseXSourceSettings,
    reddit: parseRedditSourceSettings,
    youtube: parseYouTubeSourceSettings,
    feed: parseFeedSourceSettings,
  }
  for (const platform of ['x', 'mastodon', 'reddit', 'youtube', 'feed', 'webchat']) {
    expect({ platform, sources: sources.filter((s) => s.platform === platform).length > 0 }).toEqual({ platform, sources: true })
  }
  for (const source of sources) {
    const parse = settingsParsers[source.platform]
    if (parse !== undefined) expect(() => parse(source.settings, `${source.tenantId}/${source.sourceId}`)).not.toThrow()
  }
  expect(() => mastodonSources(sources)).not.toThrow()
  expect(() => resolveWebhookSources(sources)).not.toThrow()
  const secret = render('k8s/base').find((o) => o.kind === 'Secret' && o.metadata.name === 'earshot-sources') as SecretLike | undefined
  expect(JSON.parse(secret?.stringData?.['sources.json'] ?? 'null')).toEqual(JSON.parse(text))
})

test('ingest-mastodon gets the access-token variable every example Mastodon source names, in compose and in Kubernetes', () => {
  const variables = [...new Set(mastodonSources(exampleSources()).map((source) => source.mastodon.accessTokenEnv))]
  expect(variables.length).toBeGreaterThan(0)
  const composeService = Object.values(compose.services).find((s) => serviceOfCommand(commandOf(s)) === 'ingest-mastodon')
  const composeEnv = environmentOf(composeService ?? {}, exampleDotenv())
  const base = render('k8s/base')
  const container = objectsOfKind<IDeployment & K8sObject>(base, 'Deployment')
    .flatMap((d) => d.spec?.template.spec?.containers ?? [])
    .find((c) => serviceOfCommand(c.command ?? []) === 'ingest-mastodon')
  const k8sEnv = container === undefined ? {} : containerEnvironment(container, base, objectsOfKind(base, 'Secret'))
  for (const variable of variables) {
    expect({ variable, compose: composeEnv[variable] !== undefined && composeEnv[variable] !== '', k8s: (k8sEnv[variable] ?? '') !== '' })
      .toEqual({ variable, compose: true, k8s: true })
  }
})

test('the router starts with an X user token wherever it is deployed: compose and Kubernetes give it REDIS_URL with the token', () => {
  const composeService = Object.values(compose.services).find((s) => serviceOfCommand(commandOf(s)) === 'router')
  const composeEnv = environmentOf(composeService ?? {}, { ...exampleDotenv(), ROUTER_X_USER_TOKEN: 'user-token' })
  expect(composeEnv.ROUTER_X_USER_TOKEN).toBe('user-token')
  expect(configProblems('router', composeEnv)).toEqual([])
  const base = render('k8s/base')
  const replies: K8sObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'earshot-x-replies' }, stringData: { ROUTER_X_USER_TOKEN: 'user-token' } }
  const withToken = [...objectsOfKind(base, 'Secret'), replies]
  const container = objectsOfKind<IDeployment & K8sObject>(base, 'Deployment')
    .flatMap((d) => d.spec?.template.spec?.containers ?? [])
    .find((c) => serviceOfCommand(c.command ?? []) === 'router')
  const k8sEnv = container === undefined ? {} : containerEnvironment(container, base, withToken)
  expect(k8sEnv.ROUTER_X_USER_TOKEN).toBe('user-token')
  expect(configProblems('router', k8sEnv)).toEqual([])
})
