/**
 * How revocations reach relays and spread between them: the libp2p protocol
 * `/an/revoke/1.0.0` (one length-prefixed revocation envelope in, one length-prefixed JSON
 * answer out) and the HTTP endpoint `POST /revoke` (see http.ts). An accepted revocation of a
 * whole name (no `roots`) removes the name's record and blocks its content root; one that lists
 * content roots blocks only those, and removes the record only when its content is one of them.
 * Either is kept on disk and passed on to every connected peer that speaks the protocol.
 * @module
 */
import { lpStream } from '@libp2p/utils'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { base32 } from 'multiformats/bases/base32'
import type { CID } from 'multiformats/cid'
import { Key } from 'interface-datastore'
import { dhtKey, decodeRecord } from '@alternet/core/records'
import {
  DHT_RECORD_PREFIX,
  MAX_REVOCATION_BYTES,
  REVOKE_PROTOCOL,
  REVOKE_STREAM_TIMEOUT_MS,
} from './constants.ts'
import { RevocationRefusedError } from './errors.ts'
import type { Logger } from './log.ts'
import type { RelayNode } from './node.ts'
import type { Permissions } from './permissions.ts'
import type { GuardedDatastore } from './record-store.ts'

/** The answer to one revocation. */
export interface RevokeAnswer {
  ok: boolean
  /** Whether this relay had not seen it before. */
  fresh?: boolean
  /** The refused revocation's error name. */
  error?: string
  message?: string
}

/** Applies revocations and spreads them. */
export class Revoker {
  private readonly node: RelayNode
  private readonly permissions: Permissions
  private readonly store: GuardedDatastore
  private readonly log: Logger
  private readonly onApplied: (bytes: Uint8Array) => void

  constructor(
    node: RelayNode,
    permissions: Permissions,
    store: GuardedDatastore,
    log: Logger,
    onApplied: (bytes: Uint8Array) => void,
  ) {
    this.node = node
    this.permissions = permissions
    this.store = store
    this.log = log
    this.onApplied = onApplied
  }

  /** Registers the protocol handler. */
  async start(): Promise<void> {
    await this.node.handle(
      REVOKE_PROTOCOL,
      (stream, connection) => this.onStream(stream, connection),
      { maxInboundStreams: 4 },
    )
  }

  /**
   * Verifies and applies a revocation, then passes it on (except back to `from`). Throws
   * `RevocationRefusedError` when it is not signed by a trusted revoker.
   */
  async apply(bytes: Uint8Array, from?: PeerId): Promise<RevokeAnswer> {
    const { revocation, fresh } = await this.permissions.accept(bytes)
    if (!fresh) return { ok: true, fresh: false }
    const { name, roots } = revocation.body
    const key = new Key(DHT_RECORD_PREFIX + base32.baseEncode(await dhtKey(name)), false)
    const stored = await this.store.peekRecord(key)
    let content: CID | undefined
    let readable = stored !== undefined
    if (stored !== undefined) {
      try {
        content = decodeRecord(stored).body.content
      } catch {
        readable = false // not a readable record: deleting it is all there is to do
      }
    }
    // A revocation of the whole name (no roots) takes the record and its content root; one that
    // names content roots blocks those (done by `accept`) and takes the record only when its
    // content is among them, so naming old roots leaves the current version alone.
    const whole = roots.length === 0
    const listed = content !== undefined && roots.some((root) => root.equals(content))
    if (whole && content !== undefined) await this.permissions.blockRoot(content)
    if (stored !== undefined && (whole || listed || !readable)) await this.store.delete(key)
    this.log.info('revocation applied', { name, roots: roots.map(String), from: from?.toString() })
    this.onApplied(bytes)
    void this.propagate(bytes, from)
    return { ok: true, fresh: true }
  }

  /** Sends a revocation to every connected peer that speaks the protocol, except `except`. */
  async propagate(bytes: Uint8Array, except?: PeerId): Promise<void> {
    const peers = new Set<string>()
    const targets: PeerId[] = []
    for (const conn of this.node.getConnections()) {
      const peer = conn.remotePeer
      if (except?.equals(peer) === true || peers.has(peer.toString())) continue
      peers.add(peer.toString())
      const info = await this.node.peerStore.get(peer).catch(() => undefined)
      if (info?.protocols.includes(REVOKE_PROTOCOL) === true) targets.push(peer)
    }
    await Promise.all(
      targets.map(async (peer) => {
        try {
          const answer = await sendRevocation(this.node, peer, bytes)
          this.log.debug('revocation passed on', {
            peer: peer.toString(),
            ok: answer.ok,
            fresh: answer.fresh,
          })
        } catch (err) {
          this.log.debug('could not pass a revocation on', { peer: peer.toString(), error: err })
        }
      }),
    )
  }

  private async onStream(stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(REVOKE_STREAM_TIMEOUT_MS)
    const lp = lpStream(stream, { maxDataLength: MAX_REVOCATION_BYTES })
    let answer: RevokeAnswer
    try {
      const message = await lp.read({ signal })
      answer = await this.apply(message.subarray(), connection.remotePeer)
    } catch (err) {
      const name = err instanceof RevocationRefusedError ? err.name : 'InvalidMessageError'
      answer = { ok: false, error: name, message: (err as Error).message }
    }
    try {
      await lp.write(new TextEncoder().encode(JSON.stringify(answer)), { signal })
      await stream.close({ signal })
    } catch {
      stream.abort(new Error('revocation answer not delivered'))
    }
  }
}

/** Sends one revocation to `peer` over `/an/revoke/1.0.0` and returns its answer. */
export async function sendRevocation(
  node: Pick<RelayNode, 'dialProtocol'>,
  peer: PeerId,
  bytes: Uint8Array,
  signal = AbortSignal.timeout(REVOKE_STREAM_TIMEOUT_MS),
): Promise<RevokeAnswer> {
  const stream = await node.dialProtocol(peer, REVOKE_PROTOCOL, { signal })
  const lp = lpStream(stream, { maxDataLength: MAX_REVOCATION_BYTES })
  await lp.write(bytes, { signal })
  const answer = JSON.parse(
    new TextDecoder().decode((await lp.read({ signal })).subarray()),
  ) as RevokeAnswer
  await stream.close({ signal }).catch(() => undefined)
  return answer
}
