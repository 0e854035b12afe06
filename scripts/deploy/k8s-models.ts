import { createRequire } from 'node:module'
import { join } from 'node:path'
import ts from 'typescript'
import { type K8sObject } from './kustomize.js'
import { repoRoot } from './repo.js'

/**
 * Which kubernetes-models module describes each apiVersion/kind we ship. The class validates the object (types, enums,
 * required fields); the module's `I<Kind>` interface drives the unknown-field check, which the models do not do.
 */
const models: Record<string, string> = {
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Namespace': 'kubernetes-models/v1/Namespace',
  'v1/Secret': 'kubernetes-models/v1/Secret',
  'v1/Service': 'kubernetes-models/v1/Service',
  'v1/ServiceAccount': 'kubernetes-models/v1/ServiceAccount',
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'batch/v1/Job': 'kubernetes-models/batch/v1/Job',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
  'autoscaling/v2/HorizontalPodAutoscaler': 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
  'networking.k8s.io/v1/NetworkPolicy': 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
  'keda.sh/v1alpha1/ScaledObject': '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject',
}

const typeKey = (object: { apiVersion: string, kind: string }): string => `${object.apiVersion}/${object.kind}`

export function modelModuleOf (object: K8sObject): string | undefined {
  return models[typeKey(object)]
}

interface ModelClass { new (data: object): { validate: () => void } }

const requireFromRepo = createRequire(join(repoRoot, 'package.json'))

/** Problems kubernetes-models reports for the object (empty when valid), or why it cannot check it. */
export function schemaProblems (object: K8sObject): string[] {
  const moduleName = modelModuleOf(object)
  if (moduleName === undefined) return [`no kubernetes-models class is mapped for ${typeKey(object)}: add it to scripts/deploy/k8s-models.ts`]
  let exports: Record<string, ModelClass | undefined>
  try {
    exports = requireFromRepo(moduleName) as Record<string, ModelClass | undefined>
  } catch (err) {
    return [`cannot load ${moduleName} (is its package a devDependency?): ${(err as Error).message.split('\n')[0] ?? ''}`]
  }
  const Model = exports[object.kind]
  if (Model === undefined) return [`${moduleName} exports no ${object.kind}`]
  const { apiVersion: _apiVersion, kind: _kind, ...data } = object
  try {
    new Model(data).validate()
    return []
  } catch (err) {
    return [(err as Error).message]
  }
}

let fieldChecker: ((object: K8sObject) => string[]) | undefined

/** Fields the object's interface does not declare (typos, wrong nesting), at any depth. */
export function unknownFields (object: K8sObject): string[] {
  fieldChecker ??= createFieldChecker()
  return fieldChecker(object)
}

function createFieldChecker (): (object: K8sObject) => string[] {
  const entries = Object.entries(models)
  const virtualFile = join(repoRoot, 'scripts', 'deploy', '__k8s-model-types__.ts')
  const source = [
    ...entries.map(([key, moduleName], i) => `import type { I${key.split('/').at(-1) ?? ''} as T${i} } from '${moduleName}'`),
    `export interface Models { ${entries.map(([key], i) => `'${key}': T${i}`).join('; ')} }`,
  ].join('\n')
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
    strict: true,
    types: [],
  }
  const host = ts.createCompilerHost(options)
  const { getSourceFile, fileExists, readFile } = host
  host.getSourceFile = (fileName, version, ...rest) => fileName === virtualFile
    ? ts.createSourceFile(fileName, source, version)
    : getSourceFile.call(host, fileName, version, ...rest)
  host.fileExists = (fileName) => fileName === virtualFile || fileExists.call(host, fileName)
  host.readFile = (fileName) => fileName === virtualFile ? source : readFile.call(host, fileName)
  const program = ts.createProgram([virtualFile], options, host)
  const file = program.getSourceFile(virtualFile)
  const diagnostics = ts.getPreEmitDiagnostics(program, file)
  // A missing package fails only the objects it describes: its imports resolve to `any`.
  const loadProblems = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n')
  if (file === undefined) throw new Error('the generated type file was not loaded')
  const checker = program.getTypeChecker()
  const modelsSymbol = checker.getSymbolAtLocation(file)?.exports?.get(ts.escapeLeadingUnderscores('Models'))
  if (modelsSymbol === undefined) throw new Error('the Models interface is missing from the generated type file')
  const modelsType = checker.getDeclaredTypeOfSymbol(modelsSymbol)

  function walk (value: unknown, type: ts.Type, path: string, problems: string[]): void {
    if (value === null || typeof value !== 'object') return
    const known = checker.getNonNullableType(type)
    if ((known.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0) return
    if (Array.isArray(value)) {
      const element = checker.isArrayType(known) ? checker.getTypeArguments(known as ts.TypeReference)[0] : undefined
      if (element !== undefined) value.forEach((item, i) => { walk(item, element, `${path}[${i}]`, problems) })
      return
    }
    const shapes = known.isUnion() ? known.types.filter((t) => (t.flags & ts.TypeFlags.Object) !== 0) : [known]
    const shape = shapes[0]
    if (shape === undefined) return
    const index = checker.getIndexInfoOfType(shape, ts.IndexKind.String)
    for (const [key, child] of Object.entries(value)) {
      const property = checker.getPropertyOfType(shape, key)
      if (property !== undefined) walk(child, checker.getTypeOfSymbol(property), `${path}.${key}`, problems)
      else if (index !== undefined) walk(child, index.type, `${path}.${key}`, problems)
      else problems.push(`${path}.${key} is not a field of ${checker.typeToString(shape)}`)
    }
  }

  return (object) => {
    const property = checker.getPropertyOfType(modelsType, typeKey(object))
    if (property === undefined) return [`no interface is mapped for ${typeKey(object)}`]
    const type = checker.getTypeOfSymbol(property)
    if ((type.flags & ts.TypeFlags.Any) !== 0) return [`cannot load the interface for ${typeKey(object)}: ${loadProblems}`]
    const problems: string[] = []
    walk(object, type, '', problems)
    return problems
  }
}
