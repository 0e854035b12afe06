import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { findRepoRoot } from '@earshot/testing'
import { type Browser, chromium, type Page } from 'playwright-core'

/** Debian's Chromium; tests never download a browser (TOOLING.md §Browser tests). */
export const chromiumPath = process.env.EARSHOT_CHROMIUM ?? '/usr/bin/chromium'

const flags = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

export async function launchChromium (): Promise<Browser> {
  return await chromium.launch({ executablePath: chromiumPath, args: flags, headless: true })
}

/** Where console screenshots go (repo root, git-ignored). */
export const artifactsDir = join(findRepoRoot(), 'test-artifacts', 'console')

export async function screenshot (page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true })
  const path = join(artifactsDir, `${name}.png`)
  await page.screenshot({ path })
  return path
}

/**
 * Collects page errors and console errors (CSP violations included) so a test can assert the page
 * ran cleanly. The 401 of the signed-out session check before login is expected and left out.
 */
export function watchPageErrors (page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    if (message.text().includes('status of 401')) return
    errors.push(`console: ${message.text()}`)
  })
  return errors
}
