import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { generatedFiles } from '../src/generated-files.js'

const packageRoot = join(__dirname, '..')

for (const file of generatedFiles()) {
  const target = join(packageRoot, file.path)
  mkdirSync(dirname(target), { recursive: true })
  writeFileSync(target, file.content)
  process.stdout.write(`wrote packages/contracts/${file.path}\n`)
}
