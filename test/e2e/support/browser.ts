/**
 * Headless Chromium through playwright-core (never a downloaded browser): CHROME_PATH, else
 * Debian's /usr/bin/chromium. Each context is a fresh profile: one person, one device.
 * @module
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { eventually } from '../../support/eventually.ts'

/** Flags for a quiet headless Chromium on a CI machine. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** The Chromium binary the tests drive. */
export function chromiumPath(): string {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ].filter((p): p is string => Boolean(p))
  const found = candidates.find((p) => existsSync(p))
  if (found === undefined)
    throw new Error('No Chromium found: install it (apt-get install chromium) or set CHROME_PATH.')
  return found
}

/** Launches headless Chromium. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS })
}

/** A new context (fresh storage) whose page errors and console errors are collected. */
export async function newPerson(
  browser: Browser,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1024, height: 768 },
  })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(String(error)))
  return { context, page, errors }
}

/** Polls `check` until it returns something other than undefined/false, or throws after `ms`. */
export function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 15_000,
  every = 100,
): Promise<T> {
  return eventually(what, check, ms, every)
}
