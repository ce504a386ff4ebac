/**
 * The set-up the specs of mirrored blocks over HTTP share: one real relay that mirrors every
 * site published to it, a publisher and a visitor connected to it; the relay as the visitor's
 * HTTP source; and the bytes of a CAR that carries no block (a mirror's stalled or empty answer).
 * @module
 */
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import * as dagCbor from '@ipld/dag-cbor'
import { varint } from 'multiformats'
import type { HostConnection } from '../../../src/net/fetch/connect-hosts.ts'
import type { PublishedSiteResult } from '../../../src/net/hosting/index.ts'
import * as assert from '../../support/assert.ts'
import { uniqueName } from './records.ts'
import { removeDir, startRelay, tempDir, type RelayProcess } from './relay-process.ts'
import {
  startPublisher,
  startVisitor,
  waitMirrored,
  type SitePublisher,
  type Visitor,
} from './site-publisher.ts'

/** A relay that mirrors every site at once: scanned every 2 s, no cap on copies. */
export const MIRROR_FLAGS = ['--mirror-scan-interval', '2s', '--mirror-replicas', '64']

/** A rate of blocks over HTTP no spec here comes near: only what a spec checks can refuse. */
export const ANY_RATE_FLAGS = ['--mirror-http-rate', '100000']

/** A mirroring relay, its publisher and a visitor, each a real process or node. */
export interface MirrorHttpSetUp {
  relay: RelayProcess
  publisher: SitePublisher
  visitor: Visitor
  /** `files` published under a new name made from `label`, once the relay holds it whole. */
  publishMirrored(
    label: string,
    files: Record<string, Uint8Array>,
  ): Promise<{ site: string; published: PublishedSiteResult }>
  /** The relay as the visitor's source, with `http` as its HTTP origin (the relay's own unless given). */
  relaySource(http?: string): HostConnection
  stop(): Promise<void>
}

/** Starts a relay with `flags`, a publisher and a visitor connected to it. */
export async function startMirrorHttp(flags = MIRROR_FLAGS): Promise<MirrorHttpSetUp> {
  const dir = await tempDir()
  const relay = await startRelay(join(dir, 'r'), flags)
  const publisher = await startPublisher([relay.tcp])
  const visitor = await startVisitor([relay.tcp])
  return {
    relay,
    publisher,
    visitor,
    async publishMirrored(label, files) {
      const site = uniqueName(label)
      const published = await publisher.publish(site, files)
      await waitMirrored(visitor, relay, site, published.root)
      return { site, published }
    },
    relaySource(http = relay.http) {
      const peer = peerIdFromString(relay.peerId)
      const connection = visitor.node.getConnections(peer).find((c) => c.status === 'open')
      assert.ok(connection !== undefined, 'the visitor is connected to the relay')
      return { peer, connection, limited: false, http }
    },
    async stop() {
      await visitor.stop()
      await publisher.stop()
      await relay.stop()
      await removeDir(dir)
    },
  }
}

/** A CAR v1 stream's header with no root: the whole answer of a CAR that carries no block. */
export function emptyCarHeader(): Uint8Array {
  const header = dagCbor.encode({ roots: [], version: 1 })
  const prefix = new Uint8Array(varint.encodingLength(header.length))
  varint.encodeTo(header.length, prefix)
  return Buffer.concat([prefix, header])
}
