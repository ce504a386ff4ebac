/**
 * For the gateway bench: a site whose only host is a browser. One relay that mirrors nothing
 * (`--mirror-policy none`) serves the peer harness; a page in headless Chromium starts its node
 * there and publishes the site, and stays open: every byte the gateway sends is fetched from
 * that tab over `/an/route/1.0.0` by the relay's own node, each block verified.
 * @module
 */
import type { Browser } from 'playwright-core'
import { HARNESS_PATH, buildHarness, removeBuild } from '../test/e2e/peer-support/build.ts'
import type { Failure } from '../test/e2e/peer-support/harness.ts'
import { Person, launchChromium } from '../test/e2e/peer-support/people.ts'
import { startNetwork, type TestNetwork } from '../test/e2e/peer-support/relays.ts'
import type { FileSpec } from '../test/e2e/peer-support/site-spec.ts'

/** Longest the page may take to start its node and take a reservation on the relay. */
const START_MS = 60_000
/** Longest the page may take to publish the site (hashing 20 MiB included). */
const PUBLISH_MS = 180_000

/** A browser-hosted site, the relay whose gateway serves it, and how to end it all. */
export interface BrowserHostedSite {
  /** The relay's HTTP URL (`http://127.0.0.1:PORT`). */
  http: string
  /** SHA-256 (hex) of each file as the page published it. */
  sha256: Record<string, string>
  close(): Promise<void>
}

/**
 * Starts the relay and the browser, and publishes `files` as `site` from the page.
 * `relayFlags` go to the relay (e.g. the gateway's per-client rate).
 */
export async function browserHostedSite(
  site: string,
  files: FileSpec[],
  relayFlags: string[],
): Promise<BrowserHostedSite> {
  let build: string | undefined
  let browser: Browser | undefined
  let network: TestNetwork | undefined
  let person: Person | undefined
  const close = async (): Promise<void> => {
    await person?.close()
    await browser?.close().catch(() => undefined)
    await network?.stop()
    if (build !== undefined) await removeBuild(build)
  }
  try {
    build = await buildHarness()
    network = await startNetwork(1, build, relayFlags)
    browser = await launchChromium()
    person = await Person.open(browser, 'host', network.pageUrl(HARNESS_PATH))
    await person.callWithin(START_MS, 'start')
    const published = await person.callWithin(PUBLISH_MS, 'publishSite', site, files)
    if ('error' in published) {
      const failure = published as Failure
      throw new Error(`browser host publish: ${failure.error}: ${failure.message}`)
    }
    return { http: network.relays[0].http, sha256: published.sha256, close }
  } catch (error) {
    await close()
    throw error
  }
}
