import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DataDirBusyError } from './errors.js'

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * PGlite has one owner per data directory and nothing stops a second process opening it, so the
 * all-in-one writes its pid there first. A pid file left by a crash (its process gone) is taken over.
 * Returns the release function.
 */
export async function claimDataDir (dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true })
  const pidFile = join(dir, 'earshot.pid')
  const existing = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim())
  if (Number.isInteger(existing) && existing > 0 && existing !== process.pid && alive(existing)) throw new DataDirBusyError(dir, existing)
  await writeFile(pidFile, `${process.pid}\n`)
  return async () => { await rm(pidFile, { force: true }) }
}
