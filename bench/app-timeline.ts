/**
 * What the app bench reads from a page's performance timeline: the app's start (paints, and
 * when the session reached `running`, seen by an observer installed before any of the app's
 * scripts, so the same figure is read from builds that set no marks), and the stages of a
 * site visit from the User Timing marks of `src/origins/shared/timing-marks.ts`, in the app
 * page and in the site's bridge frame. Every figure is an absolute time (ms since the epoch,
 * `performance.timeOrigin + startTime`), so figures of different frames compare.
 * @module
 */
import type { BrowserContext, Page } from 'playwright-core'
import { TIMING_MARKS } from '../src/origins/shared/timing-marks.ts'

/** Installs, in every page of `context`, the observer that stamps the session's `running`. */
export async function watchAppStart(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { anRunningAt?: number }
    const observer = new MutationObserver(() => {
      if (document.querySelector('an-app[data-phase="running"]') === null) return
      w.anRunningAt ??= performance.timeOrigin + performance.now()
      observer.disconnect()
    })
    observer.observe(document, { subtree: true, attributes: true, attributeFilter: ['data-phase'] })
  })
}

/** The app page's start, absolute ms; `undefined` where the page has no such entry. */
export interface AppStart {
  navigationStart: number
  firstPaint?: number
  firstContentfulPaint?: number
  nodeStart?: number
  nodeRunning?: number
}

/** Reads the app page's start (after `watchAppStart` and the page reached `running`). */
export function appStart(page: Page): Promise<AppStart> {
  return page.evaluate((marks) => {
    const at = (t: number | undefined): number | undefined =>
      t === undefined ? undefined : performance.timeOrigin + t
    const paint = (name: string): number | undefined =>
      at(performance.getEntriesByName(name, 'paint')[0]?.startTime)
    // The first mark of a name: the entry asks for the node's code, then the session marks its
    // start again once it holds the tab's lock.
    const mark = (name: string): number | undefined =>
      at(performance.getEntriesByName(name, 'mark')[0]?.startTime)
    return {
      navigationStart: performance.timeOrigin,
      firstPaint: paint('first-paint'),
      firstContentfulPaint: paint('first-contentful-paint'),
      nodeStart: mark(marks.nodeStart),
      nodeRunning: (window as unknown as { anRunningAt?: number }).anRunningAt,
    }
  }, TIMING_MARKS)
}

/** The stages of the latest visit to a site whose bridge was not open, absolute ms. */
export type VisitStages = Partial<
  Record<
    | 'bridgeOpen'
    | 'bridgeFirstByte'
    | 'bridgeStart'
    | 'warmUp'
    | 'bridgeReady'
    | 'siteRequest'
    | 'siteAnswer'
    | 'swRegistered'
    | 'swReady'
    | 'swScript'
    | 'swInstall'
    | 'swActivate'
    | 'swNavigate'
    | 'nameResolved'
    | 'firstSources'
    | 'manifestVerified'
    | 'firstBytes',
    number
  >
>

/** Reads the visit's marks from the app page and from the bridge frame of `siteOrigin`. */
export async function visitStages(page: Page, siteOrigin: string): Promise<VisitStages> {
  const pick = (keys: (keyof typeof TIMING_MARKS)[]) =>
    Object.fromEntries(keys.map((k) => [k, TIMING_MARKS[k]]))
  const inPage = (names: Record<string, string>): Record<string, number> => {
    const out: Record<string, number> = {}
    for (const [key, name] of Object.entries(names)) {
      const entry = performance.getEntriesByName(name, 'mark').at(-1)
      if (entry !== undefined) out[key] = performance.timeOrigin + entry.startTime
    }
    return out
  }
  const app = await page.evaluate(
    inPage,
    pick([
      'bridgeOpen',
      'warmUp',
      'bridgeReady',
      'siteRequest',
      'siteAnswer',
      'nameResolved',
      'firstSources',
      'manifestVerified',
      'firstBytes',
    ]),
  )
  // The site worker's own marks (Chromium lists service workers in the context).
  const worker = page
    .context()
    .serviceWorkers()
    .find((w) => w.url().startsWith(`${siteOrigin}/`))
  const inWorker =
    worker === undefined
      ? {}
      : await worker
          .evaluate(inPage, pick(['swScript', 'swInstall', 'swActivate', 'swNavigate']))
          .catch(() => ({}))
  const bridge = page
    .frames()
    .find((f) => f.url().startsWith(`${siteOrigin}/`) && f.url().includes('/__an/bridge'))
  const sw =
    bridge === undefined
      ? {}
      : await bridge
          .evaluate(inPage, pick(['bridgeStart', 'swRegistered', 'swReady']))
          .catch(() => ({}))
  // The bridge page's own first byte, from its navigation entry.
  const firstByte =
    bridge === undefined
      ? undefined
      : await bridge
          .evaluate(() => {
            const nav = performance.getEntriesByType('navigation')[0] as
              PerformanceNavigationTiming | undefined
            return nav === undefined ? undefined : performance.timeOrigin + nav.responseStart
          })
          .catch(() => undefined)
  return {
    ...app,
    ...sw,
    ...inWorker,
    ...(firstByte !== undefined ? { bridgeFirstByte: firstByte } : {}),
  }
}
