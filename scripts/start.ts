// `npm start [-- --live --rate N --port N --data-dir DIR ...]`: the all-in-one embedded mode, every
// service in one process with sample traffic (services/all-in-one/README.md lists the options).
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { allInOneNodeFlags } from '../services/all-in-one/src/node-flags'

const main = join(__dirname, '..', 'services', 'all-in-one', 'src', 'main.ts')
const child = spawn(process.execPath, [...allInOneNodeFlags, '--conditions=earshot-source', '--import', 'tsx', main, ...process.argv.slice(2)], { stdio: 'inherit' })
// Ctrl-C reaches the child through the terminal's process group; a SIGTERM sent to this process alone is passed on.
process.on('SIGTERM', () => { child.kill('SIGTERM') })
process.on('SIGINT', () => {})
child.on('exit', (code, signal) => { process.exit(code ?? (signal === null ? 1 : 128 + (signal === 'SIGINT' ? 2 : 15))) })
