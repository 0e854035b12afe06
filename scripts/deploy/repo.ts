import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** The repository root: scripts/deploy is two levels below it. */
export const repoRoot = resolve(__dirname, '..', '..')

/** ../shared beside the repository (DESIGN.md, schemas), as in CI's checkout. */
export const sharedDir = resolve(repoRoot, '..', 'shared')

export function readRepoFile (relativePath: string): string {
  return readFileSync(join(repoRoot, relativePath), 'utf8')
}

export function repoFileExists (relativePath: string): boolean {
  return existsSync(join(repoRoot, relativePath))
}

/** Services that run as their own process: services/<name>/src/main.ts; all-in-one is the embedded mode, not deployed. */
export function deployableServices (): string[] {
  return readdirSync(join(repoRoot, 'services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'all-in-one')
    .map((entry) => entry.name)
    .filter((name) => existsSync(join(repoRoot, 'services', name, 'src', 'main.ts')))
    .sort()
}

/** The script a `node [flags…] script [args…]` command runs; undefined for other programs. */
export function scriptOfCommand (command: readonly string[]): string | undefined {
  const [program, ...args] = command
  if (program !== 'node') return undefined
  return args.find((arg) => !arg.startsWith('-'))
}

/**
 * `node services/router/dist/main.js` → `services/router/src/main.ts`: what tsc -b compiles to the script a command runs
 * (every workspace has rootDir src and outDir dist). Undefined when the command runs no compiled workspace script.
 */
export function sourceOfCommand (command: readonly string[]): string | undefined {
  const script = scriptOfCommand(command)
  if (script === undefined) return undefined
  const match = /^((?:packages|services)\/[a-z0-9-]+)\/dist\/(.+)\.js$/.exec(script)
  return match === null ? undefined : `${match[1]}/src/${match[2]}.ts`
}

/** KEY=value lines (comments and blanks skipped), as docker compose reads .env. */
export function parseDotenv (text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const eq = trimmed.indexOf('=')
    if (eq <= 0) throw new Error(`not a KEY=value line: ${line}`)
    env[trimmed.slice(0, eq)] = trimmed.slice(eq + 1)
  }
  return env
}
