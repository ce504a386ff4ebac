/**
 * A real relay process serving a built app: the app on `http://an.localhost:PORT`, site
 * origins on `http://<label>.an.localhost:PORT` (Chromium resolves `*.localhost` to loopback).
 * @module
 */
import {
  removeDir,
  startRelay,
  tempDir,
  type RelayProcess,
} from '../../relay/support/relay-process.ts'
import { siteOrigin } from '../../../src/origins/shared/site-origin.ts'

/** A relay serving the app. */
export interface AppRelay {
  relay: RelayProcess
  /** `http://an.localhost:PORT` */
  appOrigin: string
  /** A URL on the app origin. */
  url(path: string): string
  /** The origin of `site` on this relay. */
  siteOrigin(site: string): string
  /** Stops the relay and deletes its data dir. */
  stop(): Promise<void>
}

/** Starts a relay (loopback, `--dev`) serving the app built in `appDir`. */
export async function startAppRelay(appDir: string, extra: string[] = []): Promise<AppRelay> {
  const dataDir = await tempDir('an-e2e-relay-')
  const relay = await startRelay(dataDir, ['--app-dir', appDir, '--dev', ...extra])
  const port = new URL(relay.http).port
  const appOrigin = `http://an.localhost:${port}`
  return {
    relay,
    appOrigin,
    url: (path) => `${appOrigin}${path}`,
    siteOrigin: (site) => siteOrigin(site, appOrigin),
    stop: async () => {
      await relay.stop()
      await removeDir(dataDir)
    },
  }
}
