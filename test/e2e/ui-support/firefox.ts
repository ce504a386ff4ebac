/**
 * Firefox for the UI specs: Debian's `firefox-esr`, headless, driven by puppeteer-core over
 * WebDriver BiDi (Playwright cannot drive a stock Firefox). Never a downloaded browser.
 * Elements inside the app's shadow roots are reached with puppeteer's `>>>` combinator.
 * @module
 */
import { existsSync } from 'node:fs'
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core'

/** Where Firefox is looked for: FIREFOX_PATH, else Debian's. */
export function firefoxPath(): string | undefined {
  return [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'].find(
    (p): p is string => Boolean(p) && existsSync(p!),
  )
}

/** Launches headless Firefox; `prefs` turn browser features off to test what the app says then. */
export async function launchFirefox(prefs: Record<string, unknown> = {}): Promise<Browser> {
  const executablePath = firefoxPath()
  if (executablePath === undefined)
    throw new Error('No Firefox found: apt-get install -y firefox-esr, or set FIREFOX_PATH.')
  return puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    protocolTimeout: 120_000,
    extraPrefsFirefox: prefs,
  })
}

/** A new person: a fresh browser context (own storage) and a page; page errors are collected. */
export async function newFirefoxPerson(
  browser: Browser,
): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  const context = await browser.createBrowserContext()
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => {
    // Firefox's own WebDriver BiDi agent (its `__bidi_args` channel, in Firefox's omni.ja) reports
    // this when the spec evaluates in a site frame that is cross-origin to the app: the driver's
    // error, not a script of the app's or the site's.
    if (String(error).includes('"__bidi_args" on cross-origin object')) return
    errors.push(String(error))
  })
  return { page, errors, close: () => context.close() }
}

/** Opens the app at `hash` and waits for the session phase. */
export async function openAppIn(
  page: Page,
  appOrigin: string,
  hash: string,
  phase = 'running',
  ms = 30_000,
): Promise<void> {
  await page.goto(`${appOrigin}/${hash}`)
  await page.waitForSelector(`an-app[data-phase="${phase}"]`, { timeout: ms })
}

/** Sets a text field in the app (through shadow roots) as typing would. */
export async function fill(page: Page, selector: string, value: string): Promise<void> {
  const field = await page.waitForSelector(`an-app >>> ${selector}`)
  await field!.evaluate((input, text) => {
    ;(input as HTMLInputElement).value = text
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }))
  }, value)
}

/** Clicks the button in the app whose whole text is `text`. */
export async function clickButton(page: Page, text: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    for (const button of await page.$$('an-app >>> button')) {
      const label = await button.evaluate((b) => b.textContent?.trim())
      if (label === text && (await button.isVisible())) return button.click()
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no button "${text}" within ${ms} ms`)
}

/** Waits until the app shows `text` somewhere (through shadow roots). */
export async function waitForText(page: Page, text: string, ms = 45_000): Promise<void> {
  await page.waitForSelector(`an-app >>> ::-p-text(${text})`, { timeout: ms })
}

/** The frame showing `origin` (not its bridge), once `selector` is in it. */
export async function frameOf(
  page: Page,
  origin: string,
  selector: string,
  ms = 45_000,
): Promise<Frame> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (!frame.url().startsWith(`${origin}/`) || frame.url().includes('/__an/')) continue
      if ((await frame.$(selector).catch(() => null)) !== null) return frame
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`no frame on ${origin} with ${selector} within ${ms} ms`)
}
