/**
 * Helpers for specs that drive the harness page (`support/harness/`): bounded specs, the
 * harness handle, and the site frame by origin.
 * @module
 */
import type { Frame, Page } from 'playwright-core'
import { waitUntil } from './browser.ts'

/** Runs `fn`, failing when it takes longer than `ms`. */
export function bounded(ms: number, fn: () => Promise<unknown>): () => Promise<void> {
  return async () => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the spec took longer than ${ms} ms`)), ms)
    })
    try {
      await Promise.race([fn(), timeout])
    } finally {
      clearTimeout(timer)
    }
  }
}

/** Waits until the harness page has set `window.harness`. */
export async function harnessReady(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (window as { harness?: unknown }).harness !== undefined,
    undefined,
    { timeout: 15_000 },
  )
}

/** Waits until the page is controlled by the app's service worker. */
export async function controlled(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
    timeout: 15_000,
  })
}

/** The frame of `page` showing `origin` (not its bridge), once its document has a `selector`. */
export async function siteFrame(
  page: Page,
  origin: string,
  selector = 'body',
  ms = 20_000,
): Promise<Frame> {
  const frame = await waitUntil(
    `a frame on ${origin}`,
    () =>
      page.frames().find((f) => f.url().startsWith(origin + '/') && !f.url().includes('/__an/')),
    ms,
  )
  await frame.waitForSelector(selector, { timeout: ms })
  return frame
}
