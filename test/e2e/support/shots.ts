/**
 * Screenshots for a person to look at, not for a spec to compare: with SHOTS_DIR set, the
 * page at a desktop and a phone size, light and dark.
 * @module
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'

/** The sizes shot: desktop and phone. */
const SIZES = [
  [1280, 800],
  [390, 844],
] as const

/**
 * Saves `<name>-<w>x<h>-<scheme>.png` of the whole page in SHOTS_DIR at each size, light and
 * dark, when it is set; then leaves the page light at 1024×768.
 */
export async function shots(page: Page, name: string): Promise<void> {
  const dir = process.env.SHOTS_DIR
  if (dir === undefined || dir === '') return
  await mkdir(dir, { recursive: true })
  for (const [w, h] of SIZES) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width: w, height: h })
      await page.emulateMedia({ colorScheme: scheme })
      await page.screenshot({ path: join(dir, `${name}-${w}x${h}-${scheme}.png`), fullPage: true })
    }
  }
  await page.emulateMedia({ colorScheme: 'light' })
  await page.setViewportSize({ width: 1024, height: 768 })
}
