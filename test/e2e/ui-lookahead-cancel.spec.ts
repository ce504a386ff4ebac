/**
 * The address bar's look-ahead stops a look-up in progress when the person types again (real
 * relay, real Chromium): the relay is paused (SIGSTOP) so the first name's look-up hangs on the
 * network; a keystroke that changes the name aborts that look-up (its signal fires and it ends)
 * instead of leaving it to run out its time; once the relay runs again, the line speaks of the
 * name typed last only. The peer's `siteSources` is watched, not replaced: every call goes
 * through to the real one.
 */
import type { Browser, Page } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import type { AppRelay } from './support/app-relay.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { newPerson, waitUntil } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import { openApp, VIEW_MS } from './ui-support/app-page.ts'

/** What the page's watch saw of one `siteSources` call. */
interface LookupCall {
  site: string
  /** The call was given an abort signal. */
  cancellable: boolean
  aborted: boolean
  /** The abort's reason, by name (`TimeoutError` when the look-up's own time ran out). */
  reason?: string
  /** 'resolved', or the rejection's name; absent while it runs. */
  settled?: string
}

/** Wraps the running peer's `siteSources` so the page records each call and how it ended. */
async function watchLookups(page: Page): Promise<void> {
  await page.evaluate(() => {
    type Peer = {
      siteSources(site: string, options?: { signal?: AbortSignal }): Promise<unknown>
    }
    const app = document.querySelector('an-app') as unknown as { session: { peer: Peer } }
    const peer = app.session.peer
    const real = peer.siteSources.bind(peer)
    const calls: LookupCall[] = []
    ;(window as unknown as { lookups: LookupCall[] }).lookups = calls
    peer.siteSources = (site, options = {}) => {
      const call: LookupCall = {
        site,
        cancellable: options.signal !== undefined,
        aborted: false,
      }
      calls.push(call)
      const signal = options.signal
      signal?.addEventListener(
        'abort',
        () => {
          call.aborted = true
          call.reason = (signal.reason as Error | undefined)?.name
        },
        { once: true },
      )
      const running = real(site, options)
      running.then(
        () => (call.settled = 'resolved'),
        (error: unknown) => (call.settled = (error as Error)?.name ?? 'rejected'),
      )
      return running
    }
  })
}

const lookups = (page: Page): Promise<LookupCall[]> =>
  page.evaluate(() => (window as unknown as { lookups: LookupCall[] }).lookups)

describe('the address bar look-ahead (Chromium, a real relay)', () => {
  let session: AppSession
  let relay: AppRelay
  let browser: Browser

  before(async () => {
    session = await startAppSession()
    ;({ relay, browser } = session)
  })

  after(async () => {
    relay?.relay.proc.kill('SIGCONT')
    await session?.close()
  })

  it(
    'typing again cancels the look-up in progress',
    bounded(180_000, async () => {
      const b = await newPerson(browser)
      try {
        await openApp(b.page, relay.appOrigin)
        await watchLookups(b.page)
        // The first name's look-up hangs on the network: the relay answers nothing meanwhile.
        ok(relay.relay.proc.kill('SIGSTOP'), 'the relay paused')
        const bar = b.page.getByRole('textbox', { name: 'Address', exact: true })
        await bar.pressSequentially('first-typed:code')
        await waitUntil(
          'the look-up of the first name to start',
          async () => (await lookups(b.page)).some((c) => c.site === 'first-typed:code'),
          VIEW_MS,
        )
        equal(
          (await lookups(b.page)).find((c) => c.site === 'first-typed:code')?.settled,
          undefined,
        )

        await bar.press('End')
        await bar.pressSequentially('s')
        const first = await waitUntil(
          'the first look-up to end once the name changed',
          async () => {
            const call = (await lookups(b.page)).find((c) => c.site === 'first-typed:code')
            return call?.settled !== undefined ? call : undefined
          },
          VIEW_MS,
        )
        ok(first.cancellable, 'the look-up was given a way to be cancelled')
        ok(first.aborted, 'typing again aborted the look-up in progress')
        ok(
          first.reason !== 'TimeoutError',
          'aborted by the keystroke, not by its own time running out',
        )
        ok(
          first.settled !== 'resolved',
          `the cancelled look-up ended without an answer (${first.settled})`,
        )

        ok(relay.relay.proc.kill('SIGCONT'), 'the relay runs again')
        const line = b.page.locator('an-address-lookahead [data-can-serve]')
        await line.waitFor({ timeout: VIEW_MS })
        equal(
          (await line.innerText()).trim(),
          'No one has published an://first-typed:codes.',
          'the line speaks of the name typed last',
        )
      } finally {
        relay.relay.proc.kill('SIGCONT')
        await b.context.close()
      }
    }),
  )
})
