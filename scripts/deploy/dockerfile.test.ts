import { readRepoFile, repoFileExists } from './repo.js'

interface Stage { base: string, name: string | undefined, instructions: Array<{ keyword: string, args: string }> }

/** FROM-delimited stages of the Dockerfile, with continuation lines joined and comments dropped. */
function parseDockerfile (text: string): Stage[] {
  const logical = text.replace(/\\\r?\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
  const stages: Stage[] = []
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/)
    const args = rest.join(' ')
    if (keyword.toUpperCase() === 'FROM') {
      const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)
      stages.push({ base: match?.[1] ?? args, name: match?.[2], instructions: [] })
    } else if (stages.length > 0) {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args })
    }
  }
  return stages
}

const dockerfile = readRepoFile('Dockerfile')
const stages = parseDockerfile(dockerfile)
const runtime = stages.at(-1)
const build = stages[0]
const args = (stage: Stage | undefined, keyword: string): string[] => (stage?.instructions ?? []).filter((i) => i.keyword === keyword).map((i) => i.args)
const defaultNodeImage = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1]

test('is multi-stage: a build stage and a runtime stage on node:20-bookworm-slim', () => {
  expect(stages.length).toBeGreaterThanOrEqual(2)
  expect(defaultNodeImage).toBe('node:20-bookworm-slim')
  expect(runtime?.base === 'node:20-bookworm-slim' || (runtime?.base === '$' + '{NODE_IMAGE}' && defaultNodeImage === 'node:20-bookworm-slim')).toBe(true)
  expect(args(runtime, 'COPY').some((copy) => copy.startsWith(`--from=${build?.name ?? ''}`))).toBe(true)
})

test('the build stage installs everything and runs the repository\'s own build, so it compiles what npm run build compiles', () => {
  const runs = args(build, 'RUN').join('\n')
  expect(runs).toMatch(/\bnpm ci\b/)
  expect(runs).toMatch(/\bnpm run build\b/)
  // Every workspace's dist is staged for the runtime, whatever services exist.
  expect(runs).toMatch(/for dir in packages\/\* services\/\*/)
  for (const data of ['packages/store/migrations', 'packages/nlp/models', 'packages/triage/examples', 'services/api/console', 'deploy/healthcheck.cjs']) {
    expect(runs).toContain(data)
    expect(repoFileExists(data)).toBe(true)
  }
})

test('the runtime stage installs production dependencies only, runs as a non-root user and checks its health', () => {
  expect(args(runtime, 'RUN').join('\n')).toMatch(/\bnpm ci --omit=dev\b/)
  const user = args(runtime, 'USER').at(-1)
  expect(user).toBeDefined()
  expect(user).not.toMatch(/^(root|0)(:|$)/)
  // Numeric, so Kubernetes can verify runAsNonRoot.
  expect(user).toMatch(/^[1-9]\d*(:\d+)?$/)
  const healthcheck = args(runtime, 'HEALTHCHECK').at(-1) ?? ''
  expect(healthcheck).toMatch(/CMD \["node", "deploy\/healthcheck\.cjs"/)
  expect(args(runtime, 'CMD').at(-1)).toMatch(/^\["node", "services\/[a-z0-9-]+\/dist\/main\.js"\]$/)
})

test('carries the OCI image labels', () => {
  const labels = args(runtime, 'LABEL').join(' ')
  for (const label of ['title', 'description', 'version', 'revision', 'created', 'licenses', 'source']) {
    expect(labels).toContain(`org.opencontainers.image.${label}=`)
  }
})

test('.dockerignore keeps dependencies, build output, secrets and git history out of the context', () => {
  const ignored = readRepoFile('.dockerignore').split('\n').map((line) => line.trim())
  for (const entry of ['**/node_modules', '**/dist', '.git', '.env']) expect(ignored).toContain(entry)
  // The build needs these; an ignore pattern must not swallow them.
  for (const needed of ['deploy', 'packages', 'services', 'scripts', 'package-lock.json', 'tsconfig.json']) expect(ignored).not.toContain(needed)
})
