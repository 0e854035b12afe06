import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { generatedFiles } from './generated-files.js'

const packageRoot = join(__dirname, '..')

function checkedIn (path: string): string | undefined {
  try {
    return readFileSync(join(packageRoot, path), 'utf8')
  } catch {
    return undefined
  }
}

test.each(generatedFiles().map((file) => [file.path, file.content]))(
  'the checked-in %s matches the contracts',
  (path, content) => {
    if (checkedIn(path) !== content) {
      throw new Error(`packages/contracts/${path} is out of date with the zod schemas: run npm run generate and commit the result`)
    }
  }
)
