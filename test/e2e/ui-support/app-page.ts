/**
 * Driving the app the way a person does: by role and label, through its screens. Every wait
 * is bounded.
 * @module
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { FrameLocator, Page } from 'playwright-core'
import { REPO_ROOT } from '../support/app-build.ts'

/** Time for the node to start in a fresh page. */
export const START_MS = 30_000
/** Time for a publication (hashing, storing, waiting to be reachable, announcing). */
export const PUBLISH_MS = 60_000
/** Time for a site to appear in the viewer. */
export const VIEW_MS = 45_000
/** Where the phone-sized screenshots go. */
export const SCREENS_DIR = join(REPO_ROOT, 'test-results', 'screens')

/** Opens the app at `hash` and waits until its node runs. */
export async function openApp(page: Page, appOrigin: string, hash = '#/view'): Promise<void> {
  await page.goto(`${appOrigin}/${hash}`)
  await waitForPhase(page, 'running')
}

/** Waits until the app's session reaches `phase`. */
export async function waitForPhase(page: Page, phase: string, ms = START_MS): Promise<void> {
  await page.locator(`an-app[data-phase="${phase}"]`).waitFor({ timeout: ms })
}

/** Goes to a screen by its navigation link. */
export async function goTo(
  page: Page,
  label: 'Browse' | 'Publish' | 'My sites' | 'Identity' | 'Settings',
): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Main' })
  const link = nav.getByRole('link', { name: label, exact: true })
  // On a phone the screens are behind the menu button.
  if (!(await link.isVisible())) await nav.getByRole('button', { name: /^Menu/ }).click()
  await link.click()
}

/** Fills Name and Topic and waits for the availability line to say `expect` (`free`, `yours`, `held`). */
export async function chooseName(
  page: Page,
  name: string,
  topic: string,
  expect: 'free' | 'yours' | 'held' = 'free',
): Promise<void> {
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name)
  await page.getByRole('textbox', { name: 'Topic', exact: true }).fill(topic)
  const text = expect === 'held' ? 'is held by another key' : `is ${expect}`
  await page.locator('#availability').getByText(text).waitFor({ timeout: START_MS })
}

/** Clicks Publish and waits for the share link; returns its address and the last progress value. */
export async function publish(page: Page): Promise<{ address: string; progress: number }> {
  await page.getByRole('button', { name: 'Publish', exact: true }).click()
  const bar = page.getByRole('progressbar', { name: 'Publishing progress' })
  await bar.waitFor({ timeout: PUBLISH_MS })
  const share = page.locator('a[data-share]')
  await share.waitFor({ timeout: PUBLISH_MS })
  const progress = Number(await bar.getAttribute('aria-valuenow'))
  return { address: (await share.textContent())?.trim() ?? '', progress }
}

/** On the publish screen, switches to the editor and writes `html` as the page. */
export async function writePage(page: Page, html: string): Promise<void> {
  await page.getByRole('button', { name: 'Write a page instead' }).click()
  await page.getByRole('textbox', { name: 'Page (index.html)' }).fill(html)
}

/**
 * On the publish screen, writes `html` as the page, chooses a free `name` and `topic` and
 * publishes it; returns what `publish` does.
 */
export async function publishWrittenPage(
  page: Page,
  name: string,
  topic: string,
  html: string,
): Promise<{ address: string; progress: number }> {
  await writePage(page, html)
  await chooseName(page, name, topic, 'free')
  return publish(page)
}

/** Types `address` into the address bar and presses Go. */
export async function visit(page: Page, address: string): Promise<void> {
  await goTo(page, 'Browse')
  await page.getByRole('textbox', { name: 'Address', exact: true }).fill(address)
  await page.getByRole('button', { name: 'Go', exact: true }).click()
}

/** The site frame of the viewer. */
export function siteFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.frame')
}

/**
 * Opens `address` in the viewer and waits until the site's `h1` shows (holding `heading`, when
 * given); returns the site frame.
 */
export async function openSite(
  page: Page,
  address: string,
  heading?: string,
): Promise<FrameLocator> {
  await visit(page, address)
  const frame = siteFrame(page)
  await frame.locator('h1', { hasText: heading }).waitFor({ timeout: VIEW_MS })
  return frame
}

/** The owner key fingerprint the identity screen shows. */
export async function ownFingerprint(page: Page): Promise<string> {
  await goTo(page, 'Identity')
  const text = await page.locator('[data-fingerprint]').textContent({ timeout: START_MS })
  return text?.trim() ?? ''
}

const require = createRequire(import.meta.url)
/** axe-core's browser bundle. */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/** A violation axe found. */
export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  targets: string[]
}

/** Runs axe-core on the page; returns its serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated by the test driver: the app's CSP and Trusted Types refuse an injected <script>.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{
            violations: {
              id: string
              impact: string | null
              help: string
              nodes: { target: unknown[] }[]
            }[]
          }>
        }
      }
    ).axe
    const result = await axe.run(document, { resultTypes: ['violations'] })
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => JSON.stringify(n.target)),
      }))
  })
}

/**
 * Saves a screenshot as `test-results/screens/<name>.png`: the whole page, or only the
 * viewport (a full-page capture resizes the page and can catch a cross-origin frame unpainted).
 */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  await mkdir(SCREENS_DIR, { recursive: true })
  const path = join(SCREENS_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage })
  return path
}

/** Whether the page scrolls sideways (wider than the viewport). */
export async function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)
}

/** What has the keyboard focus, looked up through shadow roots. */
export interface Focused {
  tag: string
  id: string
  /** Its accessible label as the page states it (aria-label, label text, or text). */
  label: string
  /** Whether a focus ring is drawn (outline or box-shadow). */
  ringVisible: boolean
}

/** The element with the keyboard focus, through shadow roots. */
export async function focused(page: Page): Promise<Focused | undefined> {
  return page.evaluate(() => {
    let element: Element | null = document.activeElement
    while (element?.shadowRoot?.activeElement != null) element = element.shadowRoot.activeElement
    if (element === null || element === document.body) return undefined
    const html = element as HTMLElement
    const root = html.getRootNode() as Document | ShadowRoot
    const labelled =
      html.id !== '' ? root.querySelector?.(`label[for="${html.id}"]`)?.textContent : undefined
    const style = getComputedStyle(html)
    return {
      tag: html.tagName.toLowerCase(),
      id: html.id,
      label: (html.getAttribute('aria-label') ?? labelled ?? html.textContent ?? '').trim(),
      ringVisible:
        (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) ||
        style.boxShadow !== 'none',
    }
  })
}

/** Opens the viewer's "About this name" (one click, unless it is open already). */
export async function showNameDetails(page: Page): Promise<void> {
  const about = page.locator('details.about')
  if ((await about.getAttribute('open')) === null) await about.getByText('About this name').click()
}

/** An error class name (`NameNotFoundError`): never in words a person reads. */
export const ERROR_CLASS_NAME = /[A-Z][a-zA-Z]+Error\b/

/**
 * Every text a person reads on the page, through shadow roots and into same-process frames:
 * visible text, and the labels, titles, placeholders and alt texts read aloud.
 */
export async function readableText(page: Page): Promise<string> {
  const texts: string[] = []
  for (const frame of page.frames()) {
    const text = await frame
      .evaluate(() => {
        const out: string[] = []
        const walk = (root: Document | ShadowRoot | Element): void => {
          for (const element of root.querySelectorAll('*')) {
            const html = element as HTMLElement
            for (const attribute of ['aria-label', 'title', 'placeholder', 'alt']) {
              const value = html.getAttribute(attribute)
              if (value !== null) out.push(value)
            }
            if (html.shadowRoot !== null) walk(html.shadowRoot)
          }
        }
        walk(document)
        const visible = (root: Document | ShadowRoot): void => {
          const body = root instanceof Document ? root.body : root
          if (body instanceof HTMLElement) out.push(body.innerText)
          for (const element of root.querySelectorAll('*'))
            if (element.shadowRoot !== null) {
              for (const child of element.shadowRoot.children)
                if (child instanceof HTMLElement && child.checkVisibility())
                  out.push(child.innerText)
              visible(element.shadowRoot)
            }
        }
        visible(document)
        return out.join('\n')
      })
      .catch(() => '')
    texts.push(text)
  }
  return texts.join('\n')
}

/** Fails when an error class name shows in text a person reads on the page. */
export async function noErrorClassNames(page: Page, where: string): Promise<void> {
  const text = await readableText(page)
  const found = ERROR_CLASS_NAME.exec(text)
  if (found !== null)
    throw new Error(
      `${where}: "${found[0]}" shows in: …${text.slice(Math.max(0, found.index - 80), found.index + 40)}…`,
    )
}
