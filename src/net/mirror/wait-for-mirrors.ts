/**
 * The publisher's view of its site reaching the mirrors: after the record is out, the relays
 * this node is connected to and the providers of the content root are asked over
 * `/an/mirror/1.0.0`, round after round, until `replicas` of them hold the root completely
 * (or every mirror known holds it, or refused it), or the wait ends. Relays pull the blocks
 * from this node, so keeping the tab open until then is all an upload needs; a tab that
 * reconnects is asked nothing a mirror already holds.
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import {
  DEFAULT_MIRROR_IDLE_MS,
  DEFAULT_MIRROR_POLL_INTERVAL_MS,
  DEFAULT_MIRROR_SETTLE_MS,
  DEFAULT_MIRROR_REPLICAS,
  DEFAULT_MIRROR_WAIT_MS,
  MIRROR_PROTOCOL,
  MIRROR_STATUS_TIMEOUT_MS,
} from './constants.ts'
import type { MirrorFinderHost } from './find-mirrors.ts'
import { askMirror, type MirrorStatus } from './mirror-status.ts'

/** Where a site's copies stand. */
export interface MirrorCopies {
  /** Mirrors holding the root completely (peer IDs). */
  complete: string[]
  /** Mirrors copying it now, with blocks done of all. */
  fetching: Array<{ peer: string; blocksDone: number; blocksTotal: number }>
  /** Mirrors that will not keep it, with the reason in words. */
  refused: Array<{ peer: string; reason: string; message: string }>
  /** Copies wanted: `replicas`, or fewer when fewer mirrors are known. */
  wanted: number
}

/** Options of `waitForMirrors`. */
export interface WaitForMirrorsOptions {
  signal?: AbortSignal
  /** @default DEFAULT_MIRROR_REPLICAS */
  replicas?: number
  /** @default DEFAULT_MIRROR_WAIT_MS */
  timeout?: number
  /** @default DEFAULT_MIRROR_POLL_INTERVAL_MS */
  interval?: number
  onProgress?(copies: MirrorCopies): void
}

async function candidates(
  libp2p: MirrorFinderHost,
  root: CID,
  signal: AbortSignal,
): Promise<PeerId[]> {
  const peers = new Map<string, PeerId>()
  for (const connection of libp2p.getConnections()) {
    if (connection.status !== 'open' || connection.limits != null) continue
    const info = await libp2p.peerStore.get(connection.remotePeer).catch(() => undefined)
    if (info?.protocols.includes(MIRROR_PROTOCOL) === true)
      peers.set(connection.remotePeer.toString(), connection.remotePeer)
  }
  // Mirrors are relays: with none connected, there is no one to ask (nor a DHT to ask through).
  if (peers.size === 0) return []
  try {
    const lookup = AbortSignal.any([signal, AbortSignal.timeout(MIRROR_STATUS_TIMEOUT_MS)])
    for await (const p of libp2p.contentRouting.findProviders(root, { signal: lookup })) {
      if (p.id.equals(libp2p.peerId)) continue
      if (p.multiaddrs.length > 0)
        await libp2p.peerStore.merge(p.id, { multiaddrs: p.multiaddrs }).catch(() => undefined)
      peers.set(p.id.toString(), p.id)
    }
  } catch {
    // No provider yet: the connected relays are asked.
  }
  return [...peers.values()]
}

/**
 * Waits until `replicas` mirrors hold `root` of `site` completely, reporting each round.
 * Resolves with the last round's copies, also when the wait ended first; rejects only with
 * the signal's reason.
 */
export async function waitForMirrors(
  libp2p: MirrorFinderHost,
  site: string,
  root: CID,
  options: WaitForMirrorsOptions = {},
): Promise<MirrorCopies> {
  const replicas = options.replicas ?? DEFAULT_MIRROR_REPLICAS
  const deadline = Date.now() + (options.timeout ?? DEFAULT_MIRROR_WAIT_MS)
  const interval = options.interval ?? DEFAULT_MIRROR_POLL_INTERVAL_MS
  const signal = options.signal ?? new AbortController().signal
  const idleUntil = Date.now() + DEFAULT_MIRROR_IDLE_MS
  let enoughSince: number | undefined
  let copies: MirrorCopies = { complete: [], fetching: [], refused: [], wanted: replicas }
  for (;;) {
    signal.throwIfAborted()
    const peers = await candidates(libp2p, root, signal)
    const answers = await Promise.all(
      peers.map(async (peer) => {
        try {
          const status = await askMirror(
            libp2p,
            peer,
            site,
            AbortSignal.any([signal, AbortSignal.timeout(MIRROR_STATUS_TIMEOUT_MS)]),
          )
          return { peer: peer.toString(), status }
        } catch {
          return undefined
        }
      }),
    )
    const known = answers.filter(
      (a): a is { peer: string; status: MirrorStatus } => a !== undefined,
    )
    const ofRoot = (s: MirrorStatus): boolean => s.root === root.toString()
    copies = {
      complete: known
        .filter((a) => a.status.state === 'complete' && ofRoot(a.status))
        .map((a) => a.peer),
      fetching: known
        .filter((a) => a.status.state === 'fetching' && ofRoot(a.status))
        .map((a) => ({
          peer: a.peer,
          blocksDone: a.status.blocksDone ?? 0,
          blocksTotal: a.status.blocksTotal ?? 0,
        })),
      refused: known
        .filter((a) => a.status.state === 'refused')
        .map((a) => ({
          peer: a.peer,
          reason: a.status.reason ?? '',
          message: a.status.message ?? '',
        })),
      wanted: 0,
    }
    copies.wanted = Math.max(1, Math.min(replicas, known.length - copies.refused.length))
    if (known.length === 0) {
      // No mirror to ask: the site lives with this device.
      copies.wanted = 0
      return copies
    }
    options.onProgress?.(copies)
    // Past the first moments, no copy under way means no more will come in this wait.
    const settled = copies.fetching.length === 0 && Date.now() > idleUntil
    // Other mirrors show up as providers once complete: give them a moment before settling for
    // fewer than `replicas`.
    const enough = known.length > 0 && copies.complete.length >= copies.wanted
    if (!enough) enoughSince = undefined
    else enoughSince ??= Date.now()
    const full =
      copies.complete.length >= replicas ||
      (enoughSince !== undefined && Date.now() - enoughSince >= DEFAULT_MIRROR_SETTLE_MS)
    if (full || settled || Date.now() + interval > deadline) return copies
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(signal.reason)
      }
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }, interval)
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }
}
