/**
 * The page editor, against a real relay in Chromium: a page written in Markdown shows in a live
 * preview that runs no script and has no origin of its own, publishes, reads the same in
 * another person's browser, and reopens in Markdown on Update; a template replaces the text;
 * on a phone in dark mode the editor fits and passes the accessibility scan.
 */
import type { Frame, Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { waitUntil } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import {
  chooseName,
  goTo,
  openApp,
  publish,
  screenshot,
  scrollsSideways,
  seriousViolations,
  siteFrame,
  visit,
  VIEW_MS,
} from './ui-support/app-page.ts'

/** The Markdown the owner writes: a heading, emphasis, a list, and a script that must not run. */
const MARKDOWN = `# Garden notes

Tomatoes **love** the sun.

- basil
- mint

<script>document.body.dataset.ran = 'yes'</script>
`
/** The editor's text box, by its label in either language. */
const EDITOR = { markdown: 'Page (index.html) in Markdown', html: 'Page (index.html) in HTML' }
/**
 * Time a visitor's Reload may take to show a new version: well under the record's cache TTL
 * (300 s), which is how long the old version showed when Reload trusted the cached record.
 */
const RELOAD_MS = 20_000
/** Time for the editor's code to load and the preview to draw. */
const EDITOR_MS = 15_000

describe('the page editor: Markdown, preview, publish, Update (Chromium)', () => {
  let session: AppSession
  let relay: AppRelay
  let owner: Page | undefined
  /** The visitor who read the first version. */
  let visitor: Page | undefined

  before(async () => {
    session = await startAppSession()
    relay = session.relay
  })

  after(() => session?.close())

  async function person(
    viewport = { width: 1280, height: 800 },
    colorScheme: 'light' | 'dark' = 'light',
    hash = '#/view',
  ): Promise<Page> {
    const page = await (await session.context(colorScheme, { viewport })).newPage()
    await openApp(page, relay.appOrigin, hash)
    return page
  }

  /** The preview frame, once it shows a heading with `text`. */
  async function previewShowing(page: Page, text: string): Promise<Frame> {
    const holder = page.getByTitle('Preview of your page')
    await page
      .frameLocator('iframe[title="Preview of your page"]')
      .getByRole('heading', { name: text, level: 1 })
      .waitFor({ timeout: EDITOR_MS })
    const frame = await (await holder.elementHandle())?.contentFrame()
    ok(frame != null, 'the preview frame is there')
    return frame
  }

  it(
    'a page written in Markdown shows in a sandboxed preview, publishes, and reads the same for a visitor',
    bounded(180_000, async () => {
      const page = await person(undefined, 'light', '#/publish')
      owner = page
      await page.getByRole('button', { name: 'Write a page instead' }).click()
      const editor = page.getByRole('textbox', { name: EDITOR.markdown })
      await editor.waitFor({ timeout: EDITOR_MS })
      ok(
        await page.getByRole('radio', { name: 'Markdown' }).isChecked(),
        'Markdown is the editor’s first language',
      )
      await editor.fill(MARKDOWN)
      const preview = await previewShowing(page, 'Garden notes')
      const shown = await preview.evaluate(() => ({
        strong: document.querySelector('strong')?.textContent,
        items: [...document.querySelectorAll('li')].map((li) => li.textContent),
        ran: document.body.dataset.ran,
        origin: window.origin,
      }))
      equal(shown.strong, 'love')
      equal(shown.items.join(','), 'basil,mint')
      equal(shown.ran, undefined, 'no script of the page runs in the preview')
      equal(shown.origin, 'null', 'the preview has an opaque origin, not the app’s')
      equal(await page.getByTitle('Preview of your page').getAttribute('sandbox'), '')
      await screenshot(page, 'editor-markdown-light-desktop', false)

      await chooseName(page, 'garden', 'notes')
      await publish(page)
      await page.getByRole('heading', { name: 'Your site is live' }).waitFor()

      visitor = await person()
      await visit(visitor, 'an://garden:notes')
      const site = siteFrame(visitor)
      await site.getByRole('heading', { name: 'Garden notes', level: 1 }).waitFor({
        timeout: VIEW_MS,
      })
      equal(await site.locator('strong').textContent(), 'love')
      equal(await site.locator('title').textContent(), 'Garden notes')
    }),
  )

  it(
    'Update reopens the Markdown in the editor, and a template replaces it',
    bounded(90_000, async () => {
      ok(owner !== undefined, 'the page was published')
      const page = owner
      await goTo(page, 'My sites')
      await page.getByRole('link', { name: 'Update garden:notes' }).click()
      await page.getByRole('heading', { name: 'Update garden:notes' }).waitFor()
      const editor = page.getByRole('textbox', { name: EDITOR.markdown })
      await editor.waitFor({ timeout: VIEW_MS })
      equal(await editor.inputValue(), MARKDOWN, 'the Markdown is back, as written')
      await previewShowing(page, 'Garden notes')
      await page.getByLabel('Start from').selectOption({ label: 'A list of links' })
      await page.getByRole('button', { name: 'Use this page' }).click()
      ok((await editor.inputValue()).startsWith('# Links I like'), 'the template replaced the text')
      await previewShowing(page, 'Links I like')
      await page.getByRole('radio', { name: 'HTML' }).check()
      const html = page.getByRole('textbox', { name: EDITOR.html })
      await waitUntil(
        'the Markdown turned into its HTML page',
        async () => (await html.inputValue()).includes('<h1>Links I like</h1>'),
        EDITOR_MS,
      )
    }),
  )

  it(
    'the new version publishes from the editor, and a visitor’s Reload shows it',
    bounded(120_000, async () => {
      ok(owner !== undefined && visitor !== undefined, 'published and visited')
      const page = owner
      await page.getByRole('radio', { name: 'Markdown' }).check()
      const editor = page.getByRole('textbox', { name: EDITOR.markdown })
      await editor.fill(MARKDOWN.replace('# Garden notes', '# Garden notes, second edition'))
      await previewShowing(page, 'Garden notes, second edition')
      await publish(page)
      await page.getByRole('heading', { name: 'Your site is live' }).waitFor()
      // The viewer's own Reload (a live notice of the new version may offer one too).
      await visitor.locator('button[aria-label="Reload"]').click()
      await siteFrame(visitor)
        .getByRole('heading', { name: 'Garden notes, second edition', level: 1 })
        .waitFor({ timeout: RELOAD_MS })
    }),
  )

  it(
    'on a phone in dark mode the editor fits the screen, is reached by keyboard, and passes the scan',
    bounded(90_000, async () => {
      const page = await person({ width: 390, height: 844 }, 'dark', '#/publish')
      await page.getByRole('button', { name: 'Write a page instead' }).click()
      const editor = page.getByRole('textbox', { name: EDITOR.markdown })
      await editor.waitFor({ timeout: EDITOR_MS })
      await previewShowing(page, 'Hello, I am Sam')
      ok(!(await scrollsSideways(page)), 'nothing scrolls sideways')
      await page.getByRole('radio', { name: 'Markdown' }).focus()
      const order: string[] = []
      for (let i = 0; i < 3; i++) {
        await page.keyboard.press('Tab')
        order.push(
          await page.evaluate(() => {
            let element = document.activeElement
            while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement
            return element?.id || element?.textContent?.trim() || ''
          }),
        )
      }
      equal(order.join(' → '), 'template → Use this page → page', 'Tab walks the editor in order')
      const violations = await seriousViolations(page)
      equal(violations.length, 0, `axe: ${JSON.stringify(violations, null, 1)}`)
      await screenshot(page, 'editor-dark-phone')
    }),
  )
})
