import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { allInOneNodeFlags } from '../node-flags.js'

// Peak RSS of the all-in-one while it replays the whole sample at 200 mentions/s (issue #8: under 500 MB).
//   node --conditions=earshot-source --import tsx services/all-in-one/src/cli/measure-memory.ts [--rate 200] [--budget-mb 500]
const args = process.argv.slice(2)
const option = (name: string, fallback: number): number => {
  const index = args.indexOf(name)
  return index === -1 ? fallback : Number(args[index + 1])
}
const rate = option('--rate', 200)
const budgetMb = option('--budget-mb', 500)
const main = join(__dirname, '..', 'main.ts')
const dataDir = mkdtempSync(join(tmpdir(), 'earshot-memory-'))

/** Resident set size from /proc (Linux), in MB. */
function rssMb (pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match?.[1] === undefined ? undefined : Number(match[1]) / 1024
  } catch {
    return undefined
  }
}

const child = spawn(process.execPath, [...allInOneNodeFlags, '--conditions=earshot-source', '--import', 'tsx', main, '--data-dir', dataDir, '--port', '0', '--rate', String(rate)], { stdio: ['ignore', 'pipe', 'inherit'] })
let output = ''
let peak = 0
let atStart: number | undefined
let url: string | undefined
let finished = false
child.stdout.on('data', (chunk: Buffer) => {
  output += chunk.toString()
  url ??= /Earshot is running: (http:\/\/\S+\/)/.exec(output)?.[1]
})
const sampler = setInterval(() => {
  const rss = child.pid === undefined ? undefined : rssMb(child.pid)
  if (rss !== undefined) peak = Math.max(peak, rss)
  if (url !== undefined && atStart === undefined) atStart = rss
  if (url === undefined || finished) return
  fetch(`${url}v1/status`).then(async (response) => await response.json() as { mentions: number, replay: { done: boolean, total: number } }).then((status) => {
    if (status.replay.done && status.mentions >= status.replay.total && !finished) {
      finished = true
      child.kill('SIGTERM')
    }
  }).catch(() => {})
}, 250)
child.on('exit', (code) => {
  clearInterval(sampler)
  rmSync(dataDir, { recursive: true, force: true })
  process.stdout.write(`all-in-one peak RSS while replaying at ${rate}/s: ${peak.toFixed(0)} MB (budget ${budgetMb} MB; ${atStart?.toFixed(0) ?? '?'} MB when it started serving)${finished ? '' : `; it exited early with ${String(code)}`}\n`)
  process.exit(finished && peak < budgetMb ? 0 : 1)
})
