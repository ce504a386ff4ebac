/**
 * Real relay processes for the peer tests: loopback, `--dev`, one DHT (the later ones
 * bootstrap from the first), the first also serving the harness page on its app origin.
 * @module
 */
import {
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from '../../relay/support/relay-process.ts'

/** A relay of the test network. */
export interface TestRelay {
  process: RelayProcess
  peerId: string
  /** Its HTTP URL (`/.well-known/alternet.json` is there). */
  http: string
  /** Whether it was stopped. */
  stopped: boolean
  /** SIGTERM and wait for it to exit. */
  stop(): Promise<void>
}

/** The relays and where the harness page is. */
export interface TestNetwork {
  relays: TestRelay[]
  /** `http://an.localhost:PORT`: the first relay's app origin. */
  appOrigin: string
  /** The harness page URL for a person, with every relay in its list. */
  pageUrl(path: string): string
  /** Stops every relay still running and deletes their data. */
  stop(): Promise<void>
}

/**
 * Starts `count` relays, the first serving `appDir`; `flags` go to every relay after the
 * defaults (e.g. `--mirror-policy open` for a network that mirrors).
 */
export async function startNetwork(
  count: number,
  appDir: string,
  flags: string[] = [],
): Promise<TestNetwork> {
  const dirs: string[] = []
  const start = async (extra: string[]): Promise<TestRelay> => {
    const dir = await tempDir('an-peer-relay-')
    dirs.push(dir)
    // These relays mirror nothing: the peer specs judge what browser hosts serve (and what a
    // visitor does when they lie or leave); mirrors have their own specs (test/relay/mirror*).
    const process = await startRelay(dir, [
      '--dev',
      '--log-level',
      'warn',
      '--mirror-policy',
      'none',
      ...flags,
      ...extra,
    ])
    const relay: TestRelay = {
      process,
      peerId: process.peerId,
      http: process.http,
      stopped: false,
      stop: async () => {
        relay.stopped = true
        await process.stop()
      },
    }
    return relay
  }
  const relays: TestRelay[] = []
  try {
    relays.push(await start(['--app-dir', appDir]))
    const others = await Promise.all(
      Array.from({ length: count - 1 }, () => start(['--bootstrap', relays[0].process.tcp])),
    )
    relays.push(...others)
  } catch (error) {
    await Promise.all(relays.map((r) => r.stop()))
    await Promise.all(dirs.map(removeDir))
    throw error
  }
  const appOrigin = `http://an.localhost:${new URL(relays[0].http).port}`
  const list = relays.map((r) => r.http).join(',')
  return {
    relays,
    appOrigin,
    pageUrl: (path) => `${appOrigin}${path}?relays=${encodeURIComponent(list)}`,
    stop: async () => {
      await Promise.all(relays.map((r) => r.stop()))
      await Promise.all(dirs.map(removeDir))
    },
  }
}
