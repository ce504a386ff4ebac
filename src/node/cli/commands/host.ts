/**
 * `alternet host DIR --name NAME:TOPIC`: publishes the folder and keeps running, serving it
 * and republishing its record as the app does (every 24 h, and when this peer's addresses
 * change). Keeps `host-status.json` in the data directory up to date for `alternet status`.
 * Stops on SIGINT or SIGTERM.
 * @module
 */
import type { Command } from 'commander'
import { parseAddress } from '../../../core/names/index.ts'
import { printResult } from '../output.ts'
import { closePeer, openPeer, withPeerOptions, type PeerOptions } from '../peer-options.ts'
import { publishReporter } from '../publish-progress.ts'
import { readSiteFolder } from '../site-folder.ts'
import { publishedSummary } from './publish.ts'
import { removeHostStatus, statusReport, writeHostStatus } from './status-report.ts'

interface HostOptions extends PeerOptions {
  name: string
}

/** Registers the command on `program`. */
export function hostCommand(program: Command): void {
  withPeerOptions(
    program
      .command('host')
      .description('publish a folder and keep serving it, republishing like the app')
      .argument('<dir>', 'the folder to host')
      .requiredOption('--name <name:topic>', 'the site name, e.g. mysite:code'),
  ).action(async (dir: string, options: HostOptions) => {
    const site = parseAddress(options.name).site
    const files = await readSiteFolder(dir)
    const peer = await openPeer(options, { republish: true })
    const stopped = new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve())
    })
    let writing = Promise.resolve()
    const saveStatus = (): void => {
      writing = writing
        .then(async () => writeHostStatus(options.dataDir, await statusReport(peer, 'host')))
        .catch(() => undefined)
    }
    try {
      const reporter = publishReporter(process.stderr.isTTY === true, options.json === true)
      const result = await peer.publishSite({ site, files, onProgress: (p) => reporter.update(p) })
      reporter.stop()
      const summary = publishedSummary(site, options.relay ?? [], result)
      printResult(options, { ...summary.fields, hosting: true }, [
        ...summary.lines,
        `hosting ${site}; stop with Ctrl-C`,
      ])
      peer.addEventListener('status', saveStatus)
      saveStatus()
      await stopped
    } finally {
      peer.removeEventListener('status', saveStatus)
      await writing
      await removeHostStatus(options.dataDir)
      await closePeer(peer)
    }
  })
}
