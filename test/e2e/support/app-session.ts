/**
 * The set-up the app's end-to-end specs share: the app built, a relay process serving it, and
 * Chromium, with a new browser context (one person's profile) at the specs' viewport on demand;
 * `close` ends them all, whatever part of the set-up ran.
 * @module
 */
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core'
import { buildApp, removeBuild } from './app-build.ts'
import { startAppRelay, type AppRelay } from './app-relay.ts'
import { launchChromium } from './browser.ts'

/** The viewport of every context the session opens. */
export const SESSION_VIEWPORT = { width: 1280, height: 800 }

/** A built app, its relay and a browser. */
export interface AppSession {
  /** Where the app was built. */
  readonly appDir: string
  /** The relay serving the app. */
  readonly relay: AppRelay
  /** Chromium. */
  readonly browser: Browser
  /**
   * A new context (a person's profile) in `scheme`, at the session's viewport unless `options`
   * say otherwise; closed with the session.
   */
  context(scheme?: 'light' | 'dark', options?: BrowserContextOptions): Promise<BrowserContext>
  /** Closes the contexts and the browser, stops the relay and removes the build. */
  close(): Promise<void>
}

/** Builds the app, starts a relay serving it (with `relayArgs`) and launches Chromium. */
export async function startAppSession(relayArgs: string[] = []): Promise<AppSession> {
  const contexts: BrowserContext[] = []
  let appDir = ''
  let relay: AppRelay | undefined
  let browser: Browser | undefined
  const close = async (): Promise<void> => {
    for (const context of contexts) await context.close()
    await browser?.close()
    await relay?.stop()
    if (appDir !== '') await removeBuild(appDir)
  }
  try {
    appDir = await buildApp()
    relay = await startAppRelay(appDir, relayArgs)
    browser = await launchChromium()
  } catch (error) {
    await close()
    throw error
  }
  const started = browser
  return {
    appDir,
    relay,
    browser: started,
    async context(scheme = 'light', options = {}) {
      const context = await started.newContext({
        viewport: SESSION_VIEWPORT,
        colorScheme: scheme,
        ...options,
      })
      contexts.push(context)
      return context
    },
    close,
  }
}
