/**
 * "About this name" opened before the node runs, against a real relay serving the built app, in
 * Chromium: A publishes a page; B opens its shared link fresh, with the node's code held back, and
 * opens the details at once. While the node is held they say they wait for it; once it runs, they
 * name A's key and A's hosting browser, not a waiting text.
 */
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { newPerson } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import {
  openApp,
  ownFingerprint,
  publishWrittenPage,
  showNameDetails,
  START_MS,
  VIEW_MS,
  waitForPhase,
} from './ui-support/app-page.ts'

/** The node's chunk in the app's build (vite names it after `src/net/node/index.ts`). */
const NODE_CHUNK = /\/assets\/node-[^/]*\.js$/

describe('About this name opened before the node runs (Chromium)', () => {
  let session: AppSession

  before(async () => {
    session = await startAppSession()
  })

  after(() => session?.close())

  it(
    'looks the name up once the node runs: the owner’s key and hosts, not “Waiting for your node…”',
    bounded(180_000, async () => {
      const a = await newPerson(session.browser)
      const b = await newPerson(session.browser)
      try {
        await openApp(a.page, session.relay.appOrigin, '#/publish')
        const { address } = await publishWrittenPage(
          a.page,
          'early',
          'details',
          '<!doctype html><html lang="en"><head><title>Early</title></head><body><h1>Opened early</h1></body></html>',
        )
        equal(address, 'an://early:details/')
        const publisherKey = await ownFingerprint(a.page)

        // B arrives by the shared link; the node's code is held until the details are open.
        let release!: () => void
        const held = new Promise<void>((resolve) => (release = resolve))
        let chunkAsked = false
        await b.page.route(NODE_CHUNK, async (route) => {
          chunkAsked = true
          await held
          await route.continue()
        })
        await b.page.goto(`${session.relay.appOrigin}/#/view/${address}`)
        await b.page.getByText('About this name').waitFor({ timeout: START_MS })
        await showNameDetails(b.page)
        const details = b.page.locator('an-name-details')
        await details.getByText('Waiting for your node…').waitFor({ timeout: START_MS })
        ok(await b.page.locator('an-app[data-phase="starting"]').isVisible(), 'the node is held')
        ok(chunkAsked, 'the node’s code was asked for, and is held')
        release()
        await waitForPhase(b.page, 'running')

        await details.getByText(publisherKey).waitFor({ timeout: VIEW_MS })
        ok(
          await details
            .getByText(/^A browser of the owner \(ending in \w{6}\)$/)
            .first()
            .isVisible(),
          'the owner’s hosting browser is listed',
        )
        ok(
          !(await details.getByText('Waiting for your node…').isVisible()),
          'no longer waiting for the node',
        )
        equal(b.errors.length, 0, `no page errors: ${b.errors.join('; ')}`)
      } finally {
        await a.context.close()
        await b.context.close()
      }
    }),
  )
})
