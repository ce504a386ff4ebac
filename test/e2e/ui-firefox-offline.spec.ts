/**
 * Firefox's own offline state, against a real relay: Firefox (Debian's firefox-esr) is switched
 * to its offline mode through Marionette (`Services.io.offline`: what File → Work Offline does,
 * and what Firefox does itself when the network link goes), and the relay, on this machine's
 * loopback that Firefox's offline mode leaves open, is stopped: no network, and Firefox says so
 * to the page (`navigator.onLine`, the `offline` event). The header says "You're offline" within
 * 2 s; an unvisited site fails with words and an empty frame; back online, the words go.
 *
 * With SHOTS_DIR set, the offline screens are saved there (1280×800 and 390×844, light and dark).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from '../support/spec.ts'
import { equal, ok } from '../support/assert.ts'
import { buildApp, removeBuild } from './support/app-build.ts'
import { startAppRelay, type AppRelay } from './support/app-relay.ts'
import { waitUntil } from './support/browser.ts'
import { bounded } from './support/site-frame.ts'
import { ERROR_CLASS_NAME, START_MS } from './ui-support/app-page.ts'
import { launchMarionetteFirefox, type MarionetteFirefox } from './ui-support/marionette.ts'

/** The promise: the header says "You're offline" this soon after the network goes, in ms. */
const OFFLINE_SHOWN_MS = 2_000
/** A site with no copy opened offline says so this soon (the app's 4 s give-up, plus rendering), in ms. */
const OFFLINE_FAIL_MS = 8_000

/** The narrowest window headless Firefox keeps, in CSS pixels at scale 1. */
const FIREFOX_MIN_WIDTH = 450

/** Every text under the app, through its shadow roots (a Marionette script body). */
const APP_TEXT = `
  const walk = (node) => {
    let text = ''
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) text += child.textContent
      else if (child.nodeType === Node.ELEMENT_NODE && child.localName !== 'style') {
        if (child.shadowRoot) text += walk(child.shadowRoot)
        text += walk(child)
      }
    }
    return text
  }
  const start = document.querySelector(arguments[0]) ?? document.body
  return ((start.shadowRoot ? walk(start.shadowRoot) : '') + walk(start)).replace(/\\s+/g, ' ')
`

/** The network status summary's text. */
const STATUS_TEXT = `
  const app = document.querySelector('an-app')
  const status = app?.shadowRoot?.querySelector('an-network-status')
  return status?.shadowRoot?.querySelector('summary')?.textContent?.replace(/\\s+/g, ' ').trim() ?? ''
`

/** The viewer's site frame: whether shown, and what it holds. */
const FRAME_STATE = `
  const frame = document.querySelector('an-app').shadowRoot.querySelector('an-browser-frame')
    .shadowRoot.querySelector('iframe.frame')
  return { hidden: frame.hidden, src: frame.getAttribute('src') }
`

/** Types an address in the viewer's bar and presses Go. */
const OPEN_ADDRESS = `
  const viewer = document.querySelector('an-app').shadowRoot.querySelector('an-browser-frame')
  const input = viewer.shadowRoot.querySelector('#address')
  input.value = arguments[0]
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }))
  viewer.shadowRoot.querySelector('form button[type=submit]').click()
`

describe('Firefox’s own offline state (firefox-esr over Marionette, a real relay)', () => {
  let appDir = ''
  let relay: AppRelay | undefined
  let firefox: MarionetteFirefox

  before(async () => {
    appDir = await buildApp()
    relay = await startAppRelay(appDir)
    firefox = await launchMarionetteFirefox()
  })

  after(async () => {
    await firefox?.close()
    await relay?.stop()
    await removeBuild(appDir)
  })

  /** Screenshots of the app at both sizes, light and dark, when SHOTS_DIR is set. */
  async function shots(name: string): Promise<void> {
    const dir = process.env.SHOTS_DIR
    if (dir === undefined || dir === '') return
    await mkdir(dir, { recursive: true })
    for (const [width, height] of [
      [1280, 800],
      [390, 844],
    ] as const) {
      for (const [scheme, override] of [
        ['light', 1],
        ['dark', 0],
      ] as const) {
        await firefox.run(
          `Services.prefs.setIntPref('layout.css.prefers-color-scheme.content-override', arguments[0])`,
          [override],
          'chrome',
        )
        // Firefox keeps a window at least FIREFOX_MIN_WIDTH wide: a narrower viewport is that
        // window with the page zoomed in, as many CSS pixels across as the phone's.
        const zoom = Math.max(1, FIREFOX_MIN_WIDTH / width)
        const toolbars = await firefox.run<number>('return window.outerHeight - window.innerHeight')
        await firefox.send('WebDriver:SetWindowRect', {
          width: Math.round(width * zoom),
          height: Math.round(height * zoom) + toolbars,
        })
        await firefox.run(
          `Services.wm.getMostRecentWindow('navigator:browser').gBrowser.selectedBrowser.fullZoom = arguments[0]`,
          [zoom],
          'chrome',
        )
        await new Promise((resolve) => setTimeout(resolve, 300))
        await writeFile(
          join(dir, `firefox-${name}-${width}x${height}-${scheme}.png`),
          await firefox.screenshot(),
        )
      }
    }
    await firefox.run(
      `Services.prefs.clearUserPref('layout.css.prefers-color-scheme.content-override')
       Services.wm.getMostRecentWindow('navigator:browser').gBrowser.selectedBrowser.fullZoom = 1`,
      [],
      'chrome',
    )
    await firefox.send('WebDriver:SetWindowRect', { width: 1280, height: 800 })
  }

  it(
    'says "You\'re offline" within 2 s of Firefox going offline, fails an unvisited site with words and an empty frame, and drops the words once back online',
    bounded(180_000, async () => {
      const origin = relay!.appOrigin
      await firefox.send('WebDriver:Navigate', { url: `${origin}/#/view` })
      await waitUntil(
        'the node to run',
        () => firefox.run(`return document.querySelector('an-app')?.dataset.phase === 'running'`),
        START_MS,
      )
      await waitUntil(
        'a relay connected',
        async () => /1\/1 relay/.test(await firefox.run<string>(STATUS_TEXT)),
        START_MS,
      )
      ok(await firefox.run<boolean>('return navigator.onLine'), 'Firefox starts online')

      // The network goes: the relay stops, and Firefox goes offline (as when its link drops).
      await relay!.stop()
      relay = undefined
      await firefox.run(
        'Services.io.manageOfflineStatus = false; Services.io.offline = true',
        [],
        'chrome',
      )
      const wentAt = Date.now()
      equal(await firefox.run<boolean>('return navigator.onLine'), false, 'Firefox says offline')
      const said = await waitUntil(
        '"You’re offline" in the header',
        async () => {
          const text = await firefox.run<string>(STATUS_TEXT)
          return text.includes('You’re offline') ? text : undefined
        },
        OFFLINE_SHOWN_MS,
        50,
      )
      console.log(`# "You're offline" shown ${Date.now() - wentAt} ms after Firefox went offline`)
      ok(!/reachable/.test(said), `never "reachable" while offline ("${said}")`)
      await shots('offline-header')

      await firefox.run(OPEN_ADDRESS, ['an://never-seen:offline'])
      const askedAt = Date.now()
      let seen = ''
      await waitUntil(
        'the unvisited site to fail in words',
        async () => {
          seen = await firefox.run<string>(APP_TEXT, ['an-app'])
          return seen.includes('this site has no copy on this device')
        },
        OFFLINE_FAIL_MS,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}; the app said: ${seen}`)
      })
      console.log(`# an unvisited site offline failed after ${Date.now() - askedAt} ms`)
      const frame = await firefox.run<{ hidden: boolean; src: string | null }>(FRAME_STATE)
      ok(frame.hidden, 'the site frame is hidden')
      ok(frame.src === null || frame.src === 'about:blank', `the frame is empty (${frame.src})`)
      const text = await firefox.run<string>(APP_TEXT, ['an-app'])
      ok(!ERROR_CLASS_NAME.test(text), `no error class name in "${text}"`)
      await shots('offline-unvisited')

      // Back online (the relay stays stopped): Firefox says so, and the header drops the words.
      await firefox.run('Services.io.offline = false', [], 'chrome')
      await waitUntil(
        '"You’re offline" gone',
        async () => !(await firefox.run<string>(STATUS_TEXT)).includes('You’re offline'),
        OFFLINE_SHOWN_MS,
        50,
      )
    }),
  )
})
