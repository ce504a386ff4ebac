/**
 * The gateway specs' set-up: a relay process that mirrors nothing (so every byte of a site comes
 * from its host through the relay's own peer) and a Node peer connected to it as the sites' only
 * host.
 * @module
 */
import { removeDir, startRelay, tempDir, type RelayProcess } from './relay-process.ts'
import { startPublisher, type SitePublisher } from './site-publisher.ts'

/** A relay, the host of the specs' sites, and their clean-up. */
export interface RelayAndHost {
  /** The relay (`dns` is its DNS port when started with `--dns-port`). */
  readonly relay: RelayProcess & { dns?: number }
  /** The Node peer hosting the sites, connected to the relay. */
  readonly host: SitePublisher
  /** Stops the host and the relay and removes the relay's data. */
  stop(): Promise<void>
}

/** Starts a relay with `--mirror-policy none` and `flags`, then a host connected to it. */
export async function startRelayAndHost(flags: string[] = []): Promise<RelayAndHost> {
  const dir = await tempDir()
  let relay: RelayProcess | undefined
  try {
    relay = await startRelay(`${dir}/relay`, ['--mirror-policy', 'none', ...flags])
    const started = relay
    const host = await startPublisher([relay.tcp])
    return {
      relay,
      host,
      async stop(): Promise<void> {
        await host.stop()
        await started.stop()
        await removeDir(dir)
      },
    }
  } catch (err) {
    await relay?.stop()
    await removeDir(dir)
    throw err
  }
}
