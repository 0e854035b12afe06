import type { IContainer } from 'kubernetes-models/v1/Container'
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec'
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment'
import type { IJob } from 'kubernetes-models/batch/v1/Job'
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount'
import { schemaProblems, unknownFields } from './k8s-models.js'
import { type K8sObject, kustomizations, nameOf, objectsOfKind, render } from './kustomize.js'
import { readRepoFile } from './repo.js'

const overlays = kustomizations.filter((dir) => dir !== 'k8s/base')

interface Workload { name: string, kind: string, pod: IPodSpec, labels: Record<string, string> }

function workloads (objects: readonly K8sObject[]): Workload[] {
  const deployments = objectsOfKind<IDeployment & K8sObject>(objects, 'Deployment').map((d) => ({
    name: d.metadata.name, kind: 'Deployment', pod: d.spec?.template.spec ?? { containers: [] }, labels: d.spec?.template.metadata?.labels ?? {},
  }))
  const jobs = objectsOfKind<IJob & K8sObject>(objects, 'Job').map((j) => ({
    name: j.metadata.name, kind: 'Job', pod: j.spec?.template.spec ?? { containers: [] }, labels: j.spec?.template.metadata?.labels ?? {},
  }))
  return [...deployments, ...jobs]
}

const containersOf = (workload: Workload): IContainer[] => [...(workload.pod.initContainers ?? []), ...workload.pod.containers]

/** The HTTP_PORT a container's health server opens: its own env value, else the earshot-common ConfigMap's (9464). */
function httpPortOf (container: IContainer, objects: readonly K8sObject[]): number {
  const own = container.env?.find((variable) => variable.name === 'HTTP_PORT')?.value
  const common = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('earshot-common')) as { data?: Record<string, string> } | undefined
  return Number(own ?? common?.data?.HTTP_PORT ?? '9464')
}

describe.each(kustomizations)('%s', (dir) => {
  const objects = render(dir)

  test('renders with kustomize', () => {
    expect(objects.length).toBeGreaterThan(0)
    expect(objectsOfKind(objects, 'Deployment').length).toBeGreaterThan(0)
  })

  test('every object validates against its kubernetes-models schema', () => {
    const problems = objects.flatMap((object) => schemaProblems(object).map((problem) => `${nameOf(object)}: ${problem}`))
    expect(problems).toEqual([])
  })

  test('no object has a field its schema does not declare', () => {
    const problems = objects.flatMap((object) => unknownFields(object).map((problem) => `${nameOf(object)}: ${problem}`))
    expect(problems).toEqual([])
  })

  test('every Deployment and Job runs non-root, read-only, without privilege escalation or capabilities', () => {
    const problems: string[] = []
    for (const workload of workloads(objects)) {
      const pod = workload.pod
      if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${workload.name}: pod securityContext.runAsNonRoot is not true`)
      if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') problems.push(`${workload.name}: pod seccompProfile is not RuntimeDefault`)
      if (pod.automountServiceAccountToken !== false) problems.push(`${workload.name}: automountServiceAccountToken is not false`)
      for (const container of containersOf(workload)) {
        const context = container.securityContext
        const where = `${workload.name}/${container.name}`
        if (context?.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`)
        if (context?.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem is not true`)
        if (context?.runAsNonRoot === false) problems.push(`${where}: runAsNonRoot is false`)
        if (context?.runAsUser === 0) problems.push(`${where}: runs as uid 0`)
        if (!(context?.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where}: capabilities.drop lacks ALL`)
        if (context?.capabilities?.add !== undefined) problems.push(`${where}: adds capabilities`)
        if (container.resources?.requests?.cpu === undefined || container.resources.requests.memory === undefined) problems.push(`${where}: no cpu/memory requests`)
        if (container.resources?.limits?.memory === undefined) problems.push(`${where}: no memory limit`)
      }
    }
    expect(problems).toEqual([])
  })

  test('every workload has its own ServiceAccount that mounts no token', () => {
    const accounts = new Map(objectsOfKind<IServiceAccount & K8sObject>(objects, 'ServiceAccount').map((sa) => [sa.metadata.name, sa]))
    for (const workload of workloads(objects)) {
      const account = accounts.get(workload.pod.serviceAccountName ?? 'default')
      expect({ workload: workload.name, account: account?.metadata.name, automount: account?.automountServiceAccountToken })
        .toEqual({ workload: workload.name, account: workload.pod.serviceAccountName, automount: false })
    }
  })

  test('probes ask the health server for /readyz and /healthz on the port HTTP_PORT opens', () => {
    const healthServer = readRepoFile('packages/observability/src/health-server.ts')
    const problems: string[] = []
    for (const deployment of workloads(objects).filter((w) => w.kind === 'Deployment')) {
      for (const container of deployment.pod.containers) {
        const where = `${deployment.name}/${container.name}`
        const httpPort = httpPortOf(container, objects)
        const portNumber = (port: number | string | undefined): number | undefined => typeof port === 'number'
          ? port
          : container.ports?.find((p) => p.name === port)?.containerPort
        const expectations = [['readinessProbe', '/readyz'], ['livenessProbe', '/healthz']] as const
        for (const [probeName, path] of expectations) {
          const probe = container[probeName]
          if (probe?.httpGet === undefined) { problems.push(`${where}: no HTTP ${probeName}`); continue }
          if (probe.httpGet.path !== path) problems.push(`${where}: ${probeName} asks ${probe.httpGet.path ?? '/'} instead of ${path}`)
          if (portNumber(probe.httpGet.port) !== httpPort) problems.push(`${where}: ${probeName} port ${String(probe.httpGet.port)} is not HTTP_PORT ${httpPort}`)
          if ((probe.timeoutSeconds ?? 1) < 3) problems.push(`${where}: ${probeName} timeout under 3 s (readiness checks take up to 2 s)`)
        }
        for (const path of ['/readyz', '/healthz']) {
          if (!healthServer.includes(`'${path}'`)) problems.push(`the health server no longer serves ${path}`)
        }
      }
    }
    expect(problems).toEqual([])
  })

  test('every Earshot container runs the same image', () => {
    const images = new Set(workloads(objects).flatMap((w) => containersOf(w).map((c) => c.image)))
    expect(images.size).toBe(1)
    if (dir !== 'k8s/base') expect([...images][0]).toMatch(/^[a-z0-9./-]+\/earshot:[A-Za-z0-9._-]+$/)
  })

  test('every Deployment has a PodDisruptionBudget and, unless it is a singleton, an autoscaler', () => {
    const pdbSelectors = objectsOfKind<IPodDisruptionBudget & K8sObject>(objects, 'PodDisruptionBudget').map((pdb) => pdb.spec?.selector?.matchLabels ?? {})
    const scaled = new Set([
      ...objectsOfKind<IHorizontalPodAutoscaler & K8sObject>(objects, 'HorizontalPodAutoscaler').map((hpa) => hpa.spec?.scaleTargetRef.name),
      ...objectsOfKind<{ spec: { scaleTargetRef: { name: string } } } & K8sObject>(objects, 'ScaledObject').map((so) => so.spec.scaleTargetRef.name),
    ])
    const problems: string[] = []
    for (const deployment of objectsOfKind<IDeployment & K8sObject>(objects, 'Deployment')) {
      const podLabels = deployment.spec?.template.metadata?.labels ?? {}
      const covered = pdbSelectors.some((selector) => Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => podLabels[k] === v))
      if (!covered) problems.push(`${deployment.metadata.name}: no PodDisruptionBudget selects its pods`)
      const singleton = deployment.metadata.labels?.['earshot.dev/singleton'] === 'true'
      if (singleton && deployment.spec?.replicas !== 1) problems.push(`${deployment.metadata.name}: a singleton with ${String(deployment.spec?.replicas)} replicas`)
      if (!singleton && !scaled.has(deployment.metadata.name)) problems.push(`${deployment.metadata.name}: no HorizontalPodAutoscaler or ScaledObject`)
      if (singleton && scaled.has(deployment.metadata.name)) problems.push(`${deployment.metadata.name}: a singleton must not be autoscaled`)
    }
    expect(problems).toEqual([])
  })

  test('autoscalers scale on CPU and never past the topic partitions', () => {
    for (const hpa of objectsOfKind<IHorizontalPodAutoscaler & K8sObject>(objects, 'HorizontalPodAutoscaler')) {
      expect(hpa.spec?.metrics?.some((m) => m.type === 'Resource' && m.resource?.name === 'cpu')).toBe(true)
      expect(hpa.spec?.maxReplicas).toBeLessThanOrEqual(6)
      expect(hpa.spec?.minReplicas ?? 1).toBeLessThanOrEqual(hpa.spec?.maxReplicas ?? 0)
    }
  })

  test('the migration Job runs the store migrations once, without retrying forever', () => {
    const jobs = objectsOfKind<IJob & K8sObject>(objects, 'Job')
    expect(jobs.map((job) => job.metadata.name)).toEqual(['earshot-migrate'])
    const job = jobs[0]
    expect(job?.spec?.template.spec?.restartPolicy).toBe('Never')
    expect(job?.spec?.template.spec?.containers[0]?.command).toEqual(['node', 'packages/store/dist/cli/migrate.js'])
    expect(job?.spec?.backoffLimit).toBeLessThanOrEqual(5)
  })

  test('network policies deny by default and admit traffic only to the webhook receiver and the api (and scrapes)', () => {
    const policies = objectsOfKind<INetworkPolicy & K8sObject>(objects, 'NetworkPolicy')
    const denyAll = policies.find((p) => Object.keys(p.spec?.podSelector ?? {}).length === 0 && p.spec?.ingress === undefined && p.spec?.egress === undefined)
    expect(denyAll?.spec?.policyTypes).toEqual(['Ingress', 'Egress'])
    const openIngress = policies.flatMap((p) => (p.spec?.ingress ?? [])
      .filter((rule) => rule.from === undefined)
      .map(() => p.spec?.podSelector.matchLabels?.['app.kubernetes.io/name']))
    expect(openIngress.filter((name) => name !== 'api' && name !== 'ingest-webhook')).toEqual([])
    const egressPorts = new Set(policies.flatMap((p) => (p.spec?.egress ?? []).flatMap((rule) => (rule.ports ?? []).map((port) => port.port))))
    expect([...egressPorts].sort()).toEqual([443, 5432, 53, 6379, 80, 9092].sort())
    // Plain HTTP only where tenants supply the URLs (feeds, outbound webhooks), and then only to public addresses.
    const plainHttp = policies.filter((p) => (p.spec?.egress ?? []).some((rule) => (rule.ports ?? []).some((port) => port.port === 80)))
    expect(plainHttp.map((p) => p.spec?.podSelector.matchLabels?.['app.kubernetes.io/name']).sort()).toEqual(['api', 'ingest-feeds'])
    for (const policy of plainHttp) {
      const rule = policy.spec?.egress?.find((r) => (r.ports ?? []).some((port) => port.port === 80))
      const blocks = (rule?.to ?? []).map((peer) => peer.ipBlock)
      expect({ policy: policy.metadata.name, publicOnly: blocks.length > 0 && blocks.every((block) => block !== undefined) }).toEqual({ policy: policy.metadata.name, publicOnly: true })
      for (const block of blocks) expect(block?.except).toEqual(expect.arrayContaining([block?.cidr.includes(':') === true ? 'fc00::/7' : '10.0.0.0/8']))
      expect(blocks.find((block) => block?.cidr === '0.0.0.0/0')?.except).toEqual(expect.arrayContaining(['169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8']))
    }
    for (const workload of workloads(objects)) {
      const selected = policies.filter((p) => Object.entries(p.spec?.podSelector.matchLabels ?? {}).every(([k, v]) => workload.labels[k] === v) &&
        Object.keys(p.spec?.podSelector.matchLabels ?? {}).length > 0)
      expect({ workload: workload.name, ownPolicy: selected.length > 0 }).toEqual({ workload: workload.name, ownPolicy: true })
    }
  })

  test('Deployments are scraped by Prometheus on the health port', () => {
    for (const deployment of objectsOfKind<IDeployment & K8sObject>(objects, 'Deployment')) {
      const container = deployment.spec?.template.spec?.containers[0]
      expect(container).toBeDefined()
      const port = container === undefined ? '' : String(httpPortOf(container, objects))
      expect({ name: deployment.metadata.name, annotations: deployment.spec?.template.metadata?.annotations }).toMatchObject({
        name: deployment.metadata.name,
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': port, 'prometheus.io/path': '/metrics' },
      })
    }
  })

  test('polling ingest services run as singletons that never overlap during a rollout', () => {
    const pollers = ['ingest-x', 'ingest-mastodon', 'ingest-reddit', 'ingest-youtube', 'ingest-feeds']
    const deployments = objectsOfKind<IDeployment & K8sObject>(objects, 'Deployment').filter((d) => pollers.includes(d.metadata.name))
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...pollers].sort())
    for (const deployment of deployments) {
      expect({
        name: deployment.metadata.name,
        singleton: deployment.metadata.labels?.['earshot.dev/singleton'],
        replicas: deployment.spec?.replicas,
        maxSurge: deployment.spec?.strategy?.rollingUpdate?.maxSurge,
      }).toEqual({ name: deployment.metadata.name, singleton: 'true', replicas: 1, maxSurge: 0 })
    }
  })

  test('the api is reachable through a Service on its HTTP port', () => {
    const api = objectsOfKind<IDeployment & K8sObject>(objects, 'Deployment').find((d) => d.metadata.name === 'api')
    const container = api?.spec?.template.spec?.containers[0]
    const service = objectsOfKind<{ spec?: { selector?: Record<string, string>, ports?: Array<{ targetPort?: number | string }> } } & K8sObject>(objects, 'Service')
      .find((s) => s.spec?.selector?.['app.kubernetes.io/name'] === 'api')
    expect(container).toBeDefined()
    expect(service).toBeDefined()
    const targets = (service?.spec?.ports ?? []).map((port) => typeof port.targetPort === 'number'
      ? port.targetPort
      : container?.ports?.find((p) => p.name === port.targetPort)?.containerPort)
    expect(targets).toEqual([container === undefined ? 0 : httpPortOf(container, objects)])
  })
})

describe.each(overlays)('overlay %s', (dir) => {
  test('puts every object in one namespace it creates with the restricted Pod Security Standard', () => {
    const objects = render(dir)
    const namespaces = objectsOfKind<{ metadata: { name: string, labels?: Record<string, string> } } & K8sObject>(objects, 'Namespace')
    expect(namespaces).toHaveLength(1)
    const namespace = namespaces[0]
    expect(namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted')
    const elsewhere = objects.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== namespace?.metadata.name).map(nameOf)
    expect(elsewhere).toEqual([])
  })
})

test('production ships no example Secrets and pins an image tag', () => {
  for (const dir of ['k8s/overlays/production', 'k8s/overlays/keda'] as const) {
    const objects = render(dir)
    expect(objectsOfKind(objects, 'Secret').map(nameOf)).toEqual([])
    const images = workloads(objects).flatMap((w) => containersOf(w).map((c) => c.image ?? ''))
    expect(images.every((image) => !image.endsWith(':latest') && !image.endsWith(':dev'))).toBe(true)
  }
})

test('the base ships only placeholder Secrets, each labelled as an example', () => {
  for (const secret of objectsOfKind<{ stringData?: Record<string, string>, data?: Record<string, string> } & K8sObject>(render('k8s/base'), 'Secret')) {
    expect(secret.metadata.labels?.['earshot.dev/example']).toBe('true')
    expect(secret.data).toBeUndefined()
    for (const [key, value] of Object.entries(secret.stringData ?? {})) {
      if (key === 'sources.json') continue
      expect(`${key}=${value}`).toMatch(/replace/)
    }
  }
})

test('the KEDA overlay scales the consumers on their own group\'s lag instead of the CPU-only HPAs', () => {
  const objects = render('k8s/overlays/keda')
  const scaledObjects = objectsOfKind<{ spec: { scaleTargetRef: { name: string }, maxReplicaCount?: number, triggers: Array<{ type: string, metadata: Record<string, string> }> } } & K8sObject>(objects, 'ScaledObject')
  const hpaTargets = objectsOfKind<IHorizontalPodAutoscaler & K8sObject>(objects, 'HorizontalPodAutoscaler').map((h) => h.spec?.scaleTargetRef.name)
  const consumers: Record<string, { topic: string, group: string }> = {
    classifier: { topic: 'mentions.v1', group: 'classifier' },
    router: { topic: 'mentions.classified.v1', group: 'router' },
  }
  expect(scaledObjects.map((so) => so.spec.scaleTargetRef.name).sort()).toEqual(Object.keys(consumers))
  for (const so of scaledObjects) {
    const expected = consumers[so.spec.scaleTargetRef.name]
    const kafka = so.spec.triggers.find((t) => t.type === 'kafka')
    expect(kafka?.metadata).toMatchObject({ topic: expected?.topic, consumerGroup: expected?.group, bootstrapServersFromEnv: 'KAFKA_BROKERS' })
    expect(so.spec.maxReplicaCount).toBeLessThanOrEqual(6)
    expect(hpaTargets).not.toContain(so.spec.scaleTargetRef.name)
  }
})
