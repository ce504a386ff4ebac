/**
 * `alternet publish DIR --name NAME:TOPIC`: hashes the folder, stores its blocks, signs and
 * puts the record with this peer as host, waits for the mirrors to copy it, and hands them
 * records signed ahead up to `--horizon` (the peer's keep-alive; 30 days unless told) so the
 * name outlives this process (docs/PROTOCOL.md, "Records kept alive"). Prints the `an://` address and the share link.
 * With `--api URL` no peer starts: the owner-signed record and its blocks go to that relay's
 * registrar API instead (`publish-api.ts`).
 * @module
 */
import type { Command } from 'commander'
import { parseAddress } from '../../../core/names/index.ts'
import type { PublishedSiteResult } from '../../../net/hosting/index.ts'
import { printResult } from '../output.ts'
import {
  closePeer,
  openPeer,
  parseDuration,
  withPeerOptions,
  type PeerOptions,
} from '../peer-options.ts'
import { publishReporter } from '../publish-progress.ts'
import { shareLink } from '../share-link.ts'
import { readSiteFolder } from '../site-folder.ts'
import { API_TOKEN_ENV, publishApi, type ApiOptions } from './publish-api.ts'

interface PublishOptions extends PeerOptions, ApiOptions {
  name: string
  horizon?: number
  mirrorWait?: number
}

/** What `publish` and `host` both print first of a site just published. */
export interface PublishedSummary {
  /** Its address, share link, content root and version, as JSON fields. */
  fields: { address: string; shareLink: string | null; root: string; seq: number }
  /** The address and the share link, as lines a person reads. */
  lines: string[]
}

/** The summary of `result`, published as `site`, with the share link on the first relay given by URL. */
export function publishedSummary(
  site: string,
  relays: string[],
  result: Pick<PublishedSiteResult, 'root' | 'record'>,
): PublishedSummary {
  const address = parseAddress(`an://${site}`).href
  const link = shareLink(relays, address)
  return {
    fields: {
      address,
      shareLink: link ?? null,
      root: result.root.toString(),
      seq: result.record.body.seq,
    },
    lines: [address, ...(link === undefined ? [] : [link])],
  }
}

/** Registers the command on `program`. */
export function publishCommand(program: Command): void {
  withPeerOptions(
    program
      .command('publish')
      .description('publish a folder as a site, hosted from here and copied to mirrors')
      .argument('<dir>', 'the folder to publish (its index.html is the home page)')
      .requiredOption('--name <name:topic>', 'the site name, e.g. mysite:code')
      .option(
        '--horizon <duration>',
        'keep the name alive this long without this machine (e.g. 30d)',
        parseDuration,
      )
      .option(
        '--mirror-wait <duration>',
        'longest wait for mirrors to copy the site',
        parseDuration,
      )
      .option('--api <url>', "publish through this relay's registrar API (its base URL)")
      .option('--token-file <file>', `the API token (default: $${API_TOKEN_ENV})`),
  ).action(async (dir: string, options: PublishOptions) => {
    const site = parseAddress(options.name).site
    const files = await readSiteFolder(dir)
    if (options.api !== undefined) return publishApi(site, files, { ...options, api: options.api })
    const peer = await openPeer(options, { mirrorWait: options.mirrorWait })
    const reporter = publishReporter(process.stderr.isTTY === true, options.json === true)
    try {
      const result = await peer.publishSite({
        site,
        files,
        onProgress: (p) => reporter.update(p),
        ...(options.horizon === undefined ? {} : { horizon: options.horizon }),
      })
      reporter.stop()
      const aliveUntil = result.availableUntil
      const complete = result.mirrors?.complete ?? []
      const summary = publishedSummary(site, options.relay ?? [], result)
      printResult(
        options,
        {
          ...summary.fields,
          files: result.files,
          bytes: result.bytes,
          accepted: result.accepted,
          mirrors: complete,
          keptAliveBy: result.keepAlive?.mirrors ?? [],
          aliveUntil: aliveUntil === undefined ? null : new Date(aliveUntil).toISOString(),
        },
        [
          ...summary.lines,
          `${result.files} file(s), ${result.bytes} bytes, content ${result.root}`,
          `mirrors: ${complete.length}${aliveUntil === undefined ? ' (the site lives with this machine)' : `, online without this machine until ${new Date(aliveUntil).toISOString()}`}`,
        ],
      )
    } finally {
      reporter.stop()
      await closePeer(peer)
    }
  })
}
