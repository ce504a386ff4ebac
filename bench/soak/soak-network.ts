/**
 * The network a soak runs against: real relay processes forming one DHT (the second and later
 * bootstrap from every relay started before them), each mirroring every site, and one small site published by a
 * peer and mirrored by every relay before the publisher leaves, so fetches are served by
 * mirrors alone. The relays' per-source limits are lifted: every soak client comes from the
 * same loopback address.
 * @module
 */
import type { CID } from 'multiformats/cid'
import { pattern } from '../../test/net/hosting-support.ts'
import { uniqueName } from '../../test/relay/support/records.ts'
import {
  getJson,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from '../../test/relay/support/relay-process.ts'
import {
  startPublisher,
  startVisitor,
  waitMirrored,
} from '../../test/relay/support/site-publisher.ts'

/** Bytes of the one file of the mirrored site the clients fetch. */
export const SOAK_FILE_BYTES = 64 * 1024
/** The path of that file in the site. */
export const SOAK_FILE_PATH = '/file.bin'
/** How often the relays look for sites to mirror (short: the soak waits for the copies). */
const MIRROR_SCAN_INTERVAL = '2s'
/** Longest the relays may take to find each other. */
const MESH_TIMEOUT_MS = 60_000
/** Longest the site may take to be mirrored on every relay. */
const MIRROR_TIMEOUT_MS = 120_000

/** The site every client fetches from the mirrors. */
export interface SoakSite {
  name: string
  root: CID
  path: string
  bytes: Uint8Array
}

/** Running relays and the site they mirror. */
export interface SoakNetwork {
  relays: RelayProcess[]
  site: SoakSite
  /** Stops every relay and deletes their data. */
  stop(): Promise<void>
}

/** Settings of a soak network. */
export interface SoakNetworkInit {
  /** Relay processes. */
  relays: number
  /** The most clients the soak will connect (the relays' limits are set above it). */
  maxClients: number
}

/** Starts the relays, joins them, and has every relay mirror one site. */
export async function startSoakNetwork(init: SoakNetworkInit): Promise<SoakNetwork> {
  const dir = await tempDir('an-soak-')
  const room = String(Math.max(64, init.maxClients * 2))
  const relays: RelayProcess[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(relays.map((r) => r.stop()))
    await removeDir(dir)
  }
  try {
    for (let i = 0; i < init.relays; i++) {
      relays.push(
        await startRelay(`${dir}/r${i + 1}`, [
          ...['--max-reservations', room, '--max-reservations-per-source', room],
          ...['--inbound-connection-threshold', room, '--new-names-per-minute', '0'],
          // Every client dials from 127.0.0.1: one source, which a relay would hold to a share.
          ...['--max-connections-per-source', '0'],
          ...['--mirror-scan-interval', MIRROR_SCAN_INTERVAL, '--mirror-replicas', '64'],
          ...['--log-level', 'warn'],
          // Each relay dials every one started before it: the mesh does not wait on discovery.
          ...relays.flatMap((r) => ['--bootstrap', r.tcp]),
        ]),
      )
    }
    for (const relay of relays)
      await waitFor(
        `relay ${relay.peerId} to see the others`,
        async () => ((await getJson(relay, '/health')).peers as number) >= init.relays - 1,
        MESH_TIMEOUT_MS,
        250,
      )
    const site = await mirroredSite(relays)
    return { relays, site, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** Publishes a one-file site, waits until every relay holds it, and lets the publisher go. */
async function mirroredSite(relays: RelayProcess[]): Promise<SoakSite> {
  const tcp = relays.map((r) => r.tcp)
  const publisher = await startPublisher(tcp)
  const visitor = await startVisitor(tcp)
  try {
    const name = uniqueName('soak')
    const bytes = pattern(SOAK_FILE_BYTES, 7)
    const { root } = await publisher.publish(name, { [SOAK_FILE_PATH]: bytes })
    for (const relay of relays) await waitMirrored(visitor, relay, name, root, MIRROR_TIMEOUT_MS)
    return { name, root, path: SOAK_FILE_PATH, bytes }
  } finally {
    await visitor.stop()
    await publisher.stop()
  }
}
