/**
 * `alternet publish DIR --name NAME:TOPIC`: hashes the folder, stores its blocks, signs and
 * puts the record with this peer as host, waits for the mirrors to copy it, and with `--horizon`
 * hands them records signed ahead so the name outlives this process (docs/PROTOCOL.md,
 * "Records kept alive"). Prints the `an://` address and the share link.
 * @module
 */
import { peerIdFromString } from '@libp2p/peer-id'
import type { Command } from 'commander'
import { parseAddress } from '../../../core/names/index.ts'
import { MAX_RECORD_LIFETIME_MS, type SignedRecord } from '../../../core/records/index.ts'
import { askMirror } from '../../../net/mirror/index.ts'
import type { NodePeer } from '../../create-node-peer.ts'
import { printResult } from '../output.ts'
import {
  closePeer,
  openPeer,
  parseDuration,
  withPeerOptions,
  type PeerOptions,
} from '../peer-options.ts'
import { publishReporter } from '../publish-progress.ts'
import { readSiteFolder } from '../site-folder.ts'

/** Spacing of records signed ahead (`--horizon`): one a day, as the protocol suggests. */
export const PRESIGN_SPACING_MS = 24 * 60 * 60 * 1000
/** Most records signed ahead: what a mirror keeps per site. */
export const MAX_PRESIGNED = 90

interface PublishOptions extends PeerOptions {
  name: string
  horizon?: number
  mirrorWait?: number
}

/** The app's viewer link for `address` on the first relay given by URL (its app). */
export function shareLink(relays: string[], address: string): string | undefined {
  const url = relays.find((r) => /^https?:\/\//.test(r))
  return url === undefined ? undefined : `${new URL(url).origin}/#/view/${address}`
}

/** Signs the next records of `record` ahead, `PRESIGN_SPACING_MS` apart, up to `horizon` from now. */
async function presign(
  peer: NodePeer,
  record: SignedRecord,
  horizon: number,
): Promise<SignedRecord[]> {
  const owner = await peer.storage.identity.getOrCreateOwnerKey()
  const { body } = record
  const out: SignedRecord[] = []
  for (let i = 1; i <= MAX_PRESIGNED; i++) {
    const created = body.created + i * PRESIGN_SPACING_MS
    if (created + MAX_RECORD_LIFETIME_MS - PRESIGN_SPACING_MS > Date.now() + horizon) break
    const { v: _v, owner: _o, created: _c, expires: _e, ...fields } = body
    out.push(
      await owner.createRecord({
        ...fields,
        seq: body.seq + i,
        created,
        expires: created + MAX_RECORD_LIFETIME_MS,
      }),
    )
  }
  return out
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
      ),
  ).action(async (dir: string, options: PublishOptions) => {
    const site = parseAddress(options.name).site
    const files = await readSiteFolder(dir)
    const peer = await openPeer(options, { mirrorWait: options.mirrorWait })
    const reporter = publishReporter(process.stderr.isTTY === true, options.json === true)
    try {
      const result = await peer.publishSite({ site, files, onProgress: (p) => reporter.update(p) })
      reporter.stop()
      let aliveUntil = result.availableUntil
      let presigned = 0
      const complete = result.mirrors?.complete ?? []
      if (options.horizon !== undefined && options.horizon > 0 && complete.length > 0) {
        const records = await presign(peer, result.record, options.horizon)
        for (const mirror of complete) {
          const status = await askMirror(
            peer.libp2p,
            peerIdFromString(mirror),
            site,
            undefined,
            records.map((r) => r.bytes),
          ).catch(() => undefined)
          presigned = Math.max(presigned, status?.presigned ?? 0)
          if (status?.aliveUntil !== undefined)
            aliveUntil = Math.max(aliveUntil ?? 0, status.aliveUntil)
        }
        // The next version must outrank every record signed ahead (PROTOCOL.md).
        const last = records.at(-1)
        if (last !== undefined) await peer.storage.sites.putPublishedSite(last.bytes)
      }
      const address = parseAddress(`an://${site}`).href
      const link = shareLink(options.relay ?? [], address)
      printResult(
        options,
        {
          address,
          shareLink: link ?? null,
          root: result.root.toString(),
          seq: result.record.body.seq,
          files: result.files,
          bytes: result.bytes,
          accepted: result.accepted,
          mirrors: complete,
          presigned,
          aliveUntil: aliveUntil === undefined ? null : new Date(aliveUntil).toISOString(),
        },
        [
          address,
          ...(link === undefined ? [] : [link]),
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
